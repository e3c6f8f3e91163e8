import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { InjectRedis } from '../redis/redis.module.js';

// Sliding log in a sorted set, atomically in Redis so the limit holds across API replicas.
// A member already present (a retried request with the same Idempotency-Key) is not counted twice.
const SCRIPT = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZSCORE', key, member) then return {1, 0} end
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) + window - now}
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return {1, 0}
`;

type SlotRedis = Redis & { takeCommentSlot(key: string, ...args: Array<string | number>): Promise<unknown> };

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

@Injectable()
export class CommentRateLimiter {
  private readonly log = new Logger(CommentRateLimiter.name);

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    // EVALSHA: the script is sent once, not with every comment.
    if (!('takeCommentSlot' in redis)) redis.defineCommand('takeCommentSlot', { numberOfKeys: 1, lua: SCRIPT });
  }

  async take(commenterId: string, requestKey: string): Promise<RateDecision> {
    const windowMs = this.config.commentRateWindowSeconds * 1000;
    if (this.redis.status !== 'ready') return this.failOpen('not connected');
    try {
      const [allowed, waitMs] = (await (this.redis as SlotRedis).takeCommentSlot(
        this.key(commenterId),
        Date.now(),
        windowMs,
        this.config.commentRateLimit,
        requestKey,
      )) as [number, number];
      return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    } catch (err) {
      return this.failOpen((err as Error).message);
    }
  }

  /** Gives back a slot taken for a request that was then refused. */
  async release(commenterId: string, requestKey: string): Promise<void> {
    await this.redis.zrem(this.key(commenterId), requestKey).catch(() => undefined);
  }

  private key(commenterId: string): string {
    return `${this.config.queuePrefix}:rate:comments:${commenterId}`;
  }

  /** Accepting comments matters more than the flood limit while Redis is away; the rules still judge them. */
  private failOpen(why: string): RateDecision {
    this.log.warn({ why }, 'rate limit skipped: Redis unavailable');
    return { allowed: true };
  }
}
