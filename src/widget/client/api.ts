import type { ApiErrorInfo } from './i18n.js';

export class ApiError extends Error {
  constructor(readonly info: ApiErrorInfo) {
    super(info.message ?? info.error);
  }
}

/** Same-origin JSON calls (the iframe is on the service's origin). */
export async function api<T>(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; headers?: Record<string, string>; cache?: RequestCache; keepalive?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), credentials: 'omit', cache: options.cache, keepalive: options.keepalive });
  } catch {
    throw new ApiError({ error: 'NETWORK', status: 0 });
  }
  if (response.status === 204) return undefined as T;
  const data = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const retryHeader = Number(response.headers.get('retry-after'));
    throw new ApiError({
      ...(data as object),
      error: typeof data.error === 'string' ? data.error : 'OTHER',
      status: response.status,
      retryAfter: typeof data.retryAfter === 'number' ? data.retryAfter : Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined,
    });
  }
  return data as T;
}

export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
