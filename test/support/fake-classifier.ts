import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  /** The body exactly as sent (what the signature covers). */
  raw: string;
  json: Record<string, unknown>;
  /** The caller's port: the same one again means a kept-alive connection. */
  remotePort: number | undefined;
}

export type Behaviour = (res: ServerResponse, req: IncomingMessage) => void;

/** Answers with this JSON value. */
export const answers = (value: unknown): Behaviour => (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

/** Never answers: holds the request until the caller gives up (its timeout), then lets go. */
export const late: Behaviour = (res) => res.on('close', () => res.destroy());

/**
 * A local stand-in for a newsroom's classifier (node:http on a free port). Tests set `behave` per
 * test; every request is recorded. `refuse()` stops listening (connection refused) until `listen()`.
 */
export class FakeClassifier {
  readonly received: Received[] = [];
  behave: Behaviour = answers({ verdict: 'publish' });
  port = 0;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      this.received.push({ headers: req.headers, raw, json: JSON.parse(raw) as Record<string, unknown>, remotePort: req.socket.remotePort });
      this.behave(res, req);
    });
  });

  get url(): string {
    return `http://127.0.0.1:${this.port}/classify`;
  }

  /** The requests received for one comment. */
  for(commentId: string): Received[] {
    return this.received.filter((r) => r.json.id === commentId);
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Closes the port and every kept-alive connection: the next call is refused. */
  async refuse(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  close(): Promise<void> {
    return this.refuse();
  }
}
