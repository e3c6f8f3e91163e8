/** Where and how a purge goes (CDN_PURGE_*), validated once at start by src/config.ts. */
export interface CdnConfig {
  /** URL template; `{tag}` is replaced by the tag, percent-encoded. */
  purgeUrl: string;
  method: string;
  /** Name/value pairs; `{tag}` in a value is replaced by the tag as it is. */
  headers: Array<[string, string]>;
  /** Body template; `{tag}` is replaced by the tag (JSON-safe: tags hold no quotes or backslashes). */
  body?: string;
  /** s-maxage of public list, highlights, replies and count responses. */
  maxAgeSeconds: number;
}

export const PURGE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE', 'GET', 'PURGE'] as const;
export const TAG = '{tag}';

const MAX_HEADERS = 20;
const MAX_HEADER_BYTES = 4096;
const MAX_BODY_BYTES = 8192;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by fetch itself: a template that sets them would send a broken request. */
const RESERVED = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);

export interface CdnSettings {
  url?: string;
  method: string;
  headers?: string;
  body?: string;
  maxAgeSeconds: number;
}

/**
 * The CDN settings, or undefined without CDN_PURGE_URL. Throws an Error whose message names the
 * variable and the problem but never shows header or body values (they hold API keys).
 */
export function parseCdnConfig(settings: CdnSettings): CdnConfig | undefined {
  const { method, maxAgeSeconds } = settings;
  // `{{tag}}`, as some template languages write it, is the same placeholder.
  const [url, rawHeaders, body] = [settings.url, settings.headers, settings.body].map((v) => v?.replaceAll('{{tag}}', TAG));
  if (!url) {
    const stray = rawHeaders ? 'CDN_PURGE_HEADERS' : body ? 'CDN_PURGE_BODY' : undefined;
    if (stray) throw new Error(`${stray} is set but CDN_PURGE_URL is not (the purge needs a URL)`);
    return undefined;
  }
  const probe = url.replaceAll(TAG, 'article-x');
  if (!/^https?:\/\/[^\s/]+/i.test(probe) || !URL.canParse(probe) || /\s/.test(url)) {
    throw new Error(`CDN_PURGE_URL must be an absolute http(s) URL with {tag} where the tag goes (got "${maskUrl(url)}")`);
  }
  const headers = parseHeaders(rawHeaders);
  if (body !== undefined) {
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new Error(`CDN_PURGE_BODY must be at most ${MAX_BODY_BYTES} bytes`);
    if (method === 'GET') throw new Error('CDN_PURGE_BODY is set but CDN_PURGE_METHOD is GET, which sends no body');
  }
  if (![url, body ?? '', ...headers.map(([, value]) => value)].some((part) => part.includes(TAG))) {
    // No place given for the tag: where the two purge-by-tag APIs look for it, a Surrogate-Key
    // header (Fastly's batch purge) and, unless the method sends none, a {"tags": […]} body (Cloudflare's).
    headers.push(['Surrogate-Key', TAG]);
    const defaultBody = method === 'GET' || body !== undefined ? body : `{"tags":["${TAG}"]}`;
    return { purgeUrl: url, method, headers, ...(defaultBody !== undefined ? { body: defaultBody } : {}), maxAgeSeconds };
  }
  return { purgeUrl: url, method, headers, ...(body !== undefined ? { body } : {}), maxAgeSeconds };
}

/** A JSON object of strings, or `Name: value` lines (newlines, or a literal `\n` where a file cannot hold one). */
function parseHeaders(raw: string | undefined): Array<[string, string]> {
  if (!raw) return [];
  let pairs: Array<[string, unknown]>;
  if (raw.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new Error('CDN_PURGE_HEADERS must be a JSON object of strings or "Name: value" lines (it is not valid JSON)');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('CDN_PURGE_HEADERS must be a JSON object of strings');
    pairs = Object.entries(parsed);
  } else {
    pairs = raw
      .split(/\r?\n|\\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new Error('CDN_PURGE_HEADERS must be "Name: value" lines or a JSON object (a line has no "Name:")');
        return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      });
  }
  if (pairs.length > MAX_HEADERS) throw new Error(`CDN_PURGE_HEADERS may set at most ${MAX_HEADERS} headers`);
  let bytes = 0;
  return pairs.map(([name, value]) => {
    // Names are no secret; values are never shown.
    if (!TOKEN.test(name) || name.length > 100) throw new Error(`CDN_PURGE_HEADERS has an invalid header name "${name.slice(0, 100)}"`);
    if (RESERVED.has(name.toLowerCase())) throw new Error(`CDN_PURGE_HEADERS may not set ${name} (the HTTP client sets it)`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value)) throw new Error(`CDN_PURGE_HEADERS: the value of ${name} must be a single-line string`);
    bytes += name.length + Buffer.byteLength(value);
    if (bytes > MAX_HEADER_BYTES) throw new Error(`CDN_PURGE_HEADERS must be at most ${MAX_HEADER_BYTES} bytes in all`);
    return [name, value];
  });
}

/** The URL fit for a log line or an error: no password, no query values (some APIs take keys there). */
export function maskUrl(url: string): string {
  const noPassword = url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  const query = noPassword.indexOf('?');
  if (query < 0) return noPassword;
  return noPassword.slice(0, query + 1) + noPassword.slice(query + 1).replace(/=([^&#]*)/g, (_, value: string) => (value === TAG ? `=${TAG}` : '=***'));
}
