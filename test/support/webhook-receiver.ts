import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from './ports.js';
import { waitFor } from './readers.js';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

export interface WebhookReceiver {
  port: number;
  /** The URL of `path` on this receiver (127.0.0.1, or `host` such as localhost). */
  url(path: string, host?: string): string;
  received: Received[];
  at(path: string): Received[];
  /** Waits for a request to `path` that `match` accepts. */
  next(path: string, match?: (r: Received) => boolean, timeoutMs?: number): Promise<Received>;
  /** The status codes `path` answers, in turn; the last one stays (default 200). */
  answer(path: string, ...statuses: number[]): void;
  close(): Promise<void>;
}

/** A site's webhook receiver: node:http on a free port, keeping every request. */
export async function startReceiver(): Promise<WebhookReceiver> {
  const port = await freePort();
  const received: Received[] = [];
  const plans = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // kept as text
      }
      received.push({ path, headers: req.headers, body, json });
      const plan = plans.get(path) ?? [200];
      const status = plan.length > 1 ? plan.shift()! : plan[0]!;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const at = (path: string) => received.filter((r) => r.path === path);
  return {
    port,
    url: (path, host = '127.0.0.1') => `http://${host}:${port}${path}`,
    received,
    at,
    next: (path, match = () => true, timeoutMs = 10_000) => waitFor(async () => at(path).find(match), timeoutMs, `a webhook at ${path}`),
    answer: (path, ...statuses) => plans.set(path, statuses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
