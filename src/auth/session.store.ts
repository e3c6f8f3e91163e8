import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

type Callback<T = void> = (err?: Error | null, value?: T) => void;
type StoredSession = { cookie?: { expires?: string | Date | null; originalMaxAge?: number | null }; commenterId?: string } & Record<string, unknown>;

/**
 * How long a session that has not (yet) completed sign-in may live: anyone can start one with a
 * bare GET, and Redis runs with noeviction, so it must not hold memory for SESSION_TTL.
 */
export const SIGN_IN_FLOW_TTL_SECONDS = 600;

/**
 * @fastify/session store on Redis, so sign-in survives restarts and works across API replicas.
 * (connect-redis only speaks node-redis; we already run ioredis.)
 */
export class RedisSessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly defaultTtlSeconds: number,
    private readonly prefix = 'cs:sess:',
  ) {}

  private readonly log = new Logger('SessionStore');

  /** While Redis is away a session reads as absent: readers keep reading, sign-in waits. */
  get(sessionId: string, callback: Callback<StoredSession | null>): void {
    this.redis.get(this.prefix + sessionId).then(
      (raw) => callback(null, raw ? (JSON.parse(raw) as StoredSession) : null),
      (err: Error) => {
        this.log.warn({ err: err.message }, 'session unreadable: Redis unavailable');
        callback(null, null);
      },
    );
  }

  set(sessionId: string, session: StoredSession, callback: Callback): void {
    const expires = session.cookie?.expires ? new Date(session.cookie.expires).getTime() : NaN;
    const untilExpiry = Number.isFinite(expires) ? Math.max(1000, expires - Date.now()) : this.defaultTtlSeconds * 1000;
    const ttlMs = session.commenterId ? untilExpiry : Math.min(untilExpiry, SIGN_IN_FLOW_TTL_SECONDS * 1000);
    this.redis.set(this.prefix + sessionId, JSON.stringify(session), 'PX', ttlMs).then(
      () => callback(null),
      () => callback(signInUnavailable()),
    );
  }

  destroy(sessionId: string, callback: Callback): void {
    this.redis.del(this.prefix + sessionId).then(
      () => callback(null),
      () => callback(signInUnavailable()),
    );
  }
}

/** Sessions, sign-in flows and moderator sign-in all live in Redis: while it is away, this answer. */
export function signInUnavailable(): AppError {
  return new AppError('SESSION_UNAVAILABLE', 503, 'Sign-in is unavailable for a moment; please try again shortly', {}, { 'retry-after': '5' });
}
