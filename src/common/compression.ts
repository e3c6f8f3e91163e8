import { gzipSync } from 'node:zlib';
import type { FastifyRequest } from 'fastify';

/** Whether the client takes gzip (every browser says so in Accept-Encoding). */
export function acceptsGzip(request: FastifyRequest): boolean {
  return /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
}

/** Gzip for bodies compressed once and sent many times (cached pages, static assets). */
export function gzipOnce(body: Buffer): Buffer {
  return gzipSync(body, { level: 9 });
}
