import { createHmac, timingSafeEqual } from 'node:crypto';

export type Param = [name: string, value: string];

export interface OAuth1Request {
  method: string;
  /** The URL the client used: scheme, host (with port) and path; a query string is allowed. */
  url: string;
  authorization?: string;
  /** The parsed body, only when it is application/x-www-form-urlencoded. */
  formBody?: Record<string, unknown>;
}

export interface OAuth1Params {
  /** The oauth_* protocol parameters, from whichever place carried them. */
  oauth: Record<string, string>;
  /** Every parameter that enters the signature base string (without oauth_signature). */
  signed: Param[];
  /** The normalized base URL: lowercase scheme and host, no default port, no query. */
  baseUrl: string;
}

export interface VerifyOptions {
  consumerSecret: string;
  tokenSecret?: string;
  nowSeconds?: number;
  maxSkewSeconds?: number;
  /** Records the nonce; returns false when it was seen before. Called only for an otherwise valid request. */
  rememberNonce?: (consumerKey: string, nonce: string, timestamp: number) => boolean;
}

export type VerifyFailure = 'malformed' | 'unsupported_method' | 'timestamp' | 'signature' | 'nonce';

export type VerifyResult = { ok: true; oauth: Record<string, string> } | { ok: false; reason: VerifyFailure };

/** RFC 3986 unreserved characters stay as they are; everything else is %XX (uppercase), per RFC 5849 3.6. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function percentDecode(value: string): string {
  return decodeURIComponent(value);
}

/** Parses `OAuth k="v", …`. Returns undefined when the header is not an OAuth header or is malformed. */
export function parseAuthorizationHeader(header: string | undefined): Param[] | undefined {
  if (!header) return undefined;
  const match = /^\s*OAuth\s+(.*)$/is.exec(header);
  if (!match) return undefined;
  const params: Param[] = [];
  const rest = match[1].trim();
  if (rest === '') return params;
  const pair = /\s*([^=\s,]+)\s*=\s*"([^"]*)"\s*(,|$)/y;
  let index = 0;
  while (index < rest.length) {
    pair.lastIndex = index;
    const m = pair.exec(rest);
    if (!m) return undefined;
    try {
      params.push([percentDecode(m[1]), percentDecode(m[2])]);
    } catch {
      return undefined;
    }
    index = pair.lastIndex;
    if (m[3] === '' && index < rest.length) return undefined;
  }
  return params;
}

/** Parses a query string or form body as application/x-www-form-urlencoded ('+' is a space). */
export function parseFormEncoded(query: string): Param[] {
  return [...new URLSearchParams(query)];
}

function formBodyParams(body: Record<string, unknown> | undefined): Param[] {
  const params: Param[] = [];
  if (!body || typeof body !== 'object') return params;
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params.push([name, value]);
    else if (Array.isArray(value)) for (const v of value) if (typeof v === 'string') params.push([name, v]);
  }
  return params;
}

/** RFC 5849 3.4.1.2: lowercase scheme and host, default port dropped, no query or fragment. */
export function normalizeBaseUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  // URL already drops the default port and lowercases scheme and host.
  return `${parsed.protocol}//${parsed.host}${parsed.pathname || '/'}`;
}

/** RFC 5849 3.4.1.3.2: encode names and values, sort by name then value, join. */
export function normalizeParameters(params: Param[]): string {
  return params
    .map(([n, v]): Param => [percentEncode(n), percentEncode(v)])
    .sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)))
    .map(([n, v]) => `${n}=${v}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function signatureBaseString(method: string, baseUrl: string, params: Param[]): string {
  return [method.toUpperCase(), percentEncode(baseUrl), percentEncode(normalizeParameters(params))].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

/**
 * Collects the parameters of a request (RFC 5849 3.4.1.3.1): the Authorization
 * header (without realm), the query and a form body. oauth_* parameters may
 * come from any of these places, but each only once.
 */
export function collectOAuth1Params(req: OAuth1Request): OAuth1Params | undefined {
  const queryStart = req.url.indexOf('?');
  const query = queryStart >= 0 ? req.url.slice(queryStart + 1).split('#')[0] : '';
  const baseUrl = normalizeBaseUrl(queryStart >= 0 ? req.url.slice(0, queryStart) : req.url);
  if (!baseUrl) return undefined;

  let headerParams: Param[] = [];
  if (req.authorization !== undefined && /^\s*OAuth\s/i.test(req.authorization)) {
    const parsed = parseAuthorizationHeader(req.authorization);
    if (!parsed) return undefined;
    headerParams = parsed.filter(([n]) => n !== 'realm');
  }
  const all = [...headerParams, ...parseFormEncoded(query), ...formBodyParams(req.formBody)];

  const oauth: Record<string, string> = {};
  for (const [name, value] of all) {
    if (!name.startsWith('oauth_')) continue;
    if (Object.hasOwn(oauth, name)) return undefined;
    oauth[name] = value;
  }
  return { oauth, signed: all.filter(([n]) => n !== 'oauth_signature'), baseUrl };
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Verifies an HMAC-SHA1 signed request: required parameters, timestamp window, signature, then nonce. */
export function verifyOAuth1Request(req: OAuth1Request, options: VerifyOptions): VerifyResult {
  const collected = collectOAuth1Params(req);
  if (!collected) return { ok: false, reason: 'malformed' };
  const { oauth, signed, baseUrl } = collected;
  const { oauth_consumer_key: key, oauth_signature: signature, oauth_timestamp: ts, oauth_nonce: nonce } = oauth;
  if (!key || !signature || !ts || !nonce) return { ok: false, reason: 'malformed' };
  if (oauth.oauth_version !== undefined && oauth.oauth_version !== '1.0') return { ok: false, reason: 'malformed' };
  if (oauth.oauth_signature_method !== 'HMAC-SHA1') return { ok: false, reason: 'unsupported_method' };

  if (!/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'timestamp' };
  const timestamp = Number(ts);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.maxSkewSeconds ?? 300)) return { ok: false, reason: 'timestamp' };

  const expected = hmacSha1Signature(signatureBaseString(req.method, baseUrl, signed), options.consumerSecret, options.tokenSecret ?? '');
  if (!safeEqual(expected, signature)) return { ok: false, reason: 'signature' };

  if (options.rememberNonce && !options.rememberNonce(key, nonce, timestamp)) return { ok: false, reason: 'nonce' };
  return { ok: true, oauth };
}
