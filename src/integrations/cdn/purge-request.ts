import { readBoundedText } from '../../common/bounded-body.js';
import { TAG, type CdnConfig } from './purge-config.js';

export const PURGE_TIMEOUT_MS = 10_000;
/** Bytes of a purge API's answer read at most (they are small JSON); the rest is not read. */
export const PURGE_RESPONSE_MAX_BYTES = 64 * 1024;

export interface PurgeRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** The request the templates make for one tag. */
export function purgeRequest(cdn: CdnConfig, tag: string): PurgeRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of cdn.headers) headers[name] = value.replaceAll(TAG, tag);
  const request: PurgeRequest = { url: cdn.purgeUrl.replaceAll(TAG, encodeURIComponent(tag)), method: cdn.method, headers };
  if (cdn.body !== undefined) {
    request.body = cdn.body.replaceAll(TAG, tag);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = /^\s*[[{]/.test(request.body) ? 'application/json' : 'text/plain; charset=utf-8';
    }
  }
  return request;
}

export type PurgeOutcome = { ok: true; status: number } | { ok: false; status?: number; reason: string };

/**
 * Sends it: a 2xx answer is a purge, unless its JSON says `"success": false` (Cloudflare answers
 * some refusals so). Redirects are not followed (a purge API does not redirect).
 */
export async function sendPurge(request: PurgeRequest, timeoutMs = PURGE_TIMEOUT_MS): Promise<PurgeOutcome> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const error = err as Error;
    return { ok: false, reason: error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : ((error.cause as Error | undefined)?.message ?? error.message) };
  }
  let text: string;
  try {
    text = await readBoundedText(response, PURGE_RESPONSE_MAX_BYTES, { cut: true });
  } catch (err) {
    return { ok: false, status: response.status, reason: `answer not read: ${(err as Error).message}` };
  }
  if (response.status < 200 || response.status > 299) return { ok: false, status: response.status, reason: `HTTP ${response.status}: ${text.slice(0, 200)}` };
  if (/"success"\s*:\s*false/.test(text)) return { ok: false, status: response.status, reason: `refused: ${text.slice(0, 200)}` };
  return { ok: true, status: response.status };
}
