import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { ownOrigin } from '../auth/trusted-origin.js';
import { AppConfig } from '../config.js';

/** A refused origin is logged at most once a minute; so many distinct ones a minute at most (the header is anyone's to write). */
const LOG_INTERVAL_MS = 60_000;
const MAX_LOGGED_PER_MINUTE = 100;
const MAX_ORIGIN_LENGTH = 200;

/** Which pages may show the comment box: the service's own, and the sites in ALLOWED_ORIGINS. */
@Injectable()
export class EmbedOrigins {
  private readonly log = new Logger('Widget');
  private readonly configured: string[];
  /** Origins logged in the last minute: per process, bounded by count. */
  private readonly logged = new LRUCache<string, true>({ max: MAX_LOGGED_PER_MINUTE * 10, ttl: LOG_INTERVAL_MS });
  private minute = { start: 0, lines: 0 };

  constructor(private readonly config: AppConfig) {
    this.configured = [config.publicOrigin, ...config.allowedOrigins];
  }

  /** The frame-ancestors for a request: in development also the address the service was reached at (see ownOrigin). */
  ancestors(request: FastifyRequest): string[] {
    const self = ownOrigin(request, this.config);
    return this.configured.includes(self) ? this.configured : [...this.configured, self];
  }

  allows(origin: string, request: FastifyRequest): boolean {
    return this.ancestors(request).includes(origin);
  }

  /** Tells the operator which site tried to show the box, once a minute per site. */
  refused(origin: string): void {
    const key = origin.slice(0, MAX_ORIGIN_LENGTH);
    if (this.logged.has(key)) return;
    const now = Date.now();
    if (now - this.minute.start >= LOG_INTERVAL_MS) this.minute = { start: now, lines: 0 };
    if (this.minute.lines > MAX_LOGGED_PER_MINUTE) return;
    this.minute.lines++;
    if (this.minute.lines > MAX_LOGGED_PER_MINUTE) {
      this.log.warn(`More than ${MAX_LOGGED_PER_MINUTE} refused origins this minute: the rest of this minute's are not logged`);
      return;
    }
    this.logged.set(key, true);
    this.log.warn({ origin: key }, 'Comment box refused: the page is not on ALLOWED_ORIGINS');
  }
}
