import type { FastifyInstance } from 'fastify';
import { AppError, sendError } from '../errors.js';

/** `limit`: digits only (not `0x10`, `1e2` or ` 5`), 1 to `max` (100); missing or empty takes the route's default. */
export function parseLimit(raw: string | undefined, fallback = 20, max = 100): number {
  if (raw === undefined || raw === '') return fallback;
  const limit = /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= max)) {
    throw new AppError('VALIDATION_FAILED', 400, `limit must be a whole number from 1 to ${max}`, { field: 'limit' });
  }
  return limit;
}

/**
 * Fastify's query-string parser turns `?a=1&a=2` into an array, which no route expects (they read
 * strings). One check for every route instead: a parameter given more than once is a 400 before
 * any handler or guard sees it. A loop over the parsed query's keys: nothing for a request without one.
 */
export function refuseRepeatedQueryParameters(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, reply, done) => {
    const query = request.query as Record<string, unknown> | null | undefined;
    for (const name in query) {
      if (Array.isArray(query[name])) {
        const field = name.length > 100 ? `${name.slice(0, 100)}…` : name;
        sendError(reply, new AppError('VALIDATION_FAILED', 400, `The query parameter ${field} was given more than once`, { field }));
        return;
      }
    }
    done();
  });
}
