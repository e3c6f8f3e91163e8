import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress, PrivateAddressError } from './url-guard.js';

/** How long one delivery may take, connection to the last byte read. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** The most of a receiver's answer read (and thrown away) before the connection is closed. */
export const RESPONSE_READ_LIMIT = 64 * 1024;

export interface PostResult {
  /** The receiver's status code; null when none came (refused, timed out, no connection). */
  status: number | null;
  durationMs: number;
  /** Why it is no delivery (a non-2xx answer included); null when delivered. */
  error: string | null;
}

/**
 * POSTs one body, never following redirects (a 3xx is a failed delivery: a redirect would be a
 * second request to a host nobody registered). The answer is read up to RESPONSE_READ_LIMIT and
 * discarded; the socket is closed after it or at the timeout, whichever comes first.
 */
export function postJson(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<PostResult> {
  const started = performance.now();
  const done = (status: number | null, error: string | null): PostResult => ({ status, error, durationMs: Math.round(performance.now() - started) });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) return Promise.resolve(done(null, new PrivateAddressError(host, host).message));
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers },
        lookup: guardedLookup(allowPrivate),
        agent: false,
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        const verdict = () =>
          status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `answered ${status}`;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read >= RESPONSE_READ_LIMIT) {
            finish(done(status, verdict()));
            res.destroy();
          }
        });
        res.on('end', () => finish(done(status, verdict())));
        res.on('error', () => finish(done(status, verdict())));
        res.on('close', () => finish(done(status, verdict())));
      },
    );
    const timer = setTimeout(() => {
      finish(done(null, `no answer within ${timeoutMs / 1000} s`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => finish(done(null, err instanceof PrivateAddressError ? err.message : `${err.code ?? 'error'}: ${err.message}`.slice(0, 300))));
    req.end(body);
  });
}
