import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config.js';
import { AppError } from '../errors.js';

/** A host name or IP literal, with an optional port: what a Host header should hold. */
const HOST = /^([a-z0-9.-]{1,253}|\[[0-9a-f:.]{2,45}\])(:\d{1,5})?$/i;

/**
 * The service's origin as this request reached it. In production that is always PUBLIC_URL's: the
 * Host header is the client's to write, so it widens nothing there. In development and tests the
 * same service is opened as localhost, 127.0.0.1 or a LAN address, and its own pages (the demo
 * article, the widget, the sign-in popup) must work at whichever it was: the Host header is taken.
 */
export function ownOrigin(request: FastifyRequest, config: Pick<AppConfig, 'nodeEnv' | 'publicOrigin'>): string {
  if (config.nodeEnv === 'production') return config.publicOrigin;
  const host = request.host;
  if (!HOST.test(host)) return config.publicOrigin;
  try {
    return new URL(`${request.protocol}://${host}`).origin;
  } catch {
    return config.publicOrigin;
  }
}

/**
 * Cookie-authenticated state changes must come from our own pages or an allowed site: a CSRF defence
 * beside SameSite=Lax (which still lets sibling subdomains through). Requests without an Origin
 * header (non-browser clients) pass; browsers always send one on POST.
 */
export function assertTrustedOrigin(request: FastifyRequest, config: Pick<AppConfig, 'nodeEnv' | 'publicOrigin' | 'allowedOrigins'>): void {
  const origin = request.headers.origin;
  if (!origin || origin === config.publicOrigin || config.allowedOrigins.includes(origin) || origin === ownOrigin(request, config)) return;
  throw new AppError('FORBIDDEN_ORIGIN', 403, 'Requests from this site are not accepted');
}
