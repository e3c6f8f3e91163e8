import type { ServerResponse } from 'node:http';

type Headers = Record<string, string | number | string[] | undefined>;

export interface EventStream {
  /** One server-sent event: `event: <name>` and its JSON data. */
  send(event: string, data: unknown): void;
  /** Pre-framed text, for one payload written to many streams. */
  write(text: string): void;
  end(): void;
  readonly ended: boolean;
}

export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Takes over a hijacked response as a server-sent-event stream: headers (with the caller's, e.g.
 * helmet's), the reconnect delay, keep-alive comments, an optional lifetime, and `onClose` once
 * when the client goes or the stream ends.
 */
export function openEventStream(
  raw: ServerResponse,
  options: { headers?: Headers; heartbeatMs: number; maxMs?: number; onClose: () => void },
): EventStream {
  raw.writeHead(200, {
    ...Object.fromEntries(Object.entries(options.headers ?? {}).filter(([, v]) => v !== undefined)),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no', // nginx: pass events through at once
  });
  raw.write('retry: 3000\n: connected\n\n');
  // Quiet between heartbeats by design: not for CONNECTION_TIMEOUT to cut.
  raw.socket?.setTimeout(0);
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), options.heartbeatMs).unref();
  const expiry = options.maxMs === undefined ? undefined : setTimeout(() => raw.end(), options.maxMs).unref();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    options.onClose();
  };
  raw.on('close', close);
  raw.on('error', close);
  // The client left while the stream was being admitted: no 'close' is coming. Queued, so that the
  // caller has registered the stream by the time it is let go.
  if (raw.destroyed) queueMicrotask(close);
  return {
    send: (event, data) => raw.write(sseFrame(event, data)),
    write: (text) => raw.write(text),
    end: () => {
      clearInterval(heartbeat);
      raw.end();
    },
    get ended() {
      return raw.writableEnded;
    },
  };
}
