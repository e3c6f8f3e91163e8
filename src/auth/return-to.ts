import type { AppConfig } from '../config.js';

/**
 * Where a reader may be sent back after sign-in: our own origin or a site in ALLOWED_ORIGINS.
 * Anything else (other hosts, `//host`, `/\host`, `javascript:`) yields null and is ignored.
 */
export function safeReturnTo(raw: unknown, config: Pick<AppConfig, 'publicUrl' | 'publicOrigin' | 'allowedOrigins'>): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return null;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw, config.publicUrl + '/');
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  if (url.origin === config.publicOrigin) return url.pathname + url.search + url.hash;
  return config.allowedOrigins.includes(url.origin) ? url.href : null;
}
