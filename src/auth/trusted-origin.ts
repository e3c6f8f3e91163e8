import type { FastifyRequest } from 'fastify';
import type { AppConfig } from '../config.js';
import { AppError } from '../errors.js';

/**
 * Cookie-authenticated state changes must come from our own pages or an allowed site: a CSRF defence
 * beside SameSite=Lax (which still lets sibling subdomains through). Requests without an Origin
 * header (non-browser clients) pass; browsers always send one on POST.
 */
export function assertTrustedOrigin(request: FastifyRequest, config: Pick<AppConfig, 'publicOrigin' | 'allowedOrigins'>): void {
  const origin = request.headers.origin;
  if (!origin || origin === config.publicOrigin || config.allowedOrigins.includes(origin)) return;
  throw new AppError('FORBIDDEN_ORIGIN', 403, 'Requests from this site are not accepted');
}
