import type { AppConfig } from '../config.js';

/** Longer `returnTo` values are refused (400) at the start of sign-in. */
export const RETURN_TO_MAX_LENGTH = 1000;

// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f\\]/;

/** Byte-wise, so malformed sequences cannot make the check throw or skip a layer. */
function percentDecoded(value: string): string {
  return value.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Whether `path` (a path with query and fragment, as the URL parser wrote it) stays on `origin`
 * however many times something between us and the page percent-decodes it. Browsers, proxies and
 * frameworks each decode and remove dot segments a little differently; a path that at any layer
 * starts with `//` or `/\`, or carries a control character, is a way off the site.
 */
function staysOnOrigin(path: string, origin: string): boolean {
  let layer = path;
  for (let depth = 0; depth < 5; depth++) {
    if (!layer.startsWith('/') || layer.startsWith('//') || UNSAFE_CHARACTERS.test(layer)) return false;
    const resolved = new URL(layer, origin);
    if (resolved.origin !== origin || resolved.pathname.startsWith('//')) return false;
    const decoded = percentDecoded(layer);
    if (decoded === layer) return true;
    layer = decoded;
  }
  return false;
}

/**
 * Where a reader may be sent after sign-in, exactly as it will leave the service (Location header,
 * the failure page's link, the popup's `location.replace`): a path on our own site, or a URL on a
 * site in ALLOWED_ORIGINS. Anything else, or nothing, is `/`.
 */
export function safeReturnTo(raw: unknown, config: Pick<AppConfig, 'publicUrl' | 'publicOrigin' | 'allowedOrigins'>): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > RETURN_TO_MAX_LENGTH) return '/';
  // The URL parser silently drops tabs and newlines and reads `\` as `/`: refuse them before it can.
  if (UNSAFE_CHARACTERS.test(raw)) return '/';
  let url: URL;
  try {
    url = new URL(raw, config.publicUrl + '/');
  } catch {
    return '/';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '/';
  if (url.username || url.password) return '/';
  const path = url.pathname + url.search + url.hash;
  if (!staysOnOrigin(path, url.origin)) return '/';
  if (url.origin === config.publicOrigin) return path;
  return config.allowedOrigins.includes(url.origin) ? url.href : '/';
}
