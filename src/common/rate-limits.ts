import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';

export interface LimitRule {
  /** How many requests the window allows. */
  points: number;
  windowSeconds: number;
  /** The 429's message. */
  message: string;
  /** While Redis is away: let requests through (the default) or refuse them (503). */
  failClosed?: boolean;
}

/**
 * The service's per-client limits (sign-in starts, reports, …) in one place: counted in Redis with
 * rate-limiter-flexible (one atomic script a request), so the limit holds across API replicas and
 * parallel requests cannot slip past it. A refused request answers 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class RateLimits {
  private readonly log = new Logger(RateLimits.name);
  private readonly limiters = new Map<string, { limiter: RateLimiterRedis; rule: LimitRule }>();

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    // Defines the limiter's script (rlflxIncr) on the client now. ioredis batches each turn's commands
    // into a pipeline that copies the client's scripts when it is made: defined lazily, by the first
    // limit of a turn that already had a pipeline, the call sent nothing, and the connection's batching
    // broke for good (every later command hung).
    new RateLimiterRedis({ storeClient: redis, points: 1, duration: 1 });
  }

  /** Counts one request of `key` (a reader id, an address bucket) against the named limit. */
  async consume(name: string, key: string, rule: LimitRule): Promise<void> {
    const { limiter } = this.limiter(name, rule);
    if (this.redis.status !== 'ready') return this.unavailable(name, rule, 'not connected');
    try {
      await limiter.consume(key);
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const retryAfter = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
        throw new AppError('RATE_LIMITED', 429, rule.message, { retryAfter }, { 'retry-after': String(retryAfter) });
      }
      return this.unavailable(name, rule, (err as Error).message);
    }
  }

  /** Gives one request back (it was refused for another reason before doing any work). */
  async refund(name: string, key: string): Promise<void> {
    const entry = this.limiters.get(name);
    await entry?.limiter.reward(key, 1).catch(() => undefined);
  }

  private limiter(name: string, rule: LimitRule): { limiter: RateLimiterRedis; rule: LimitRule } {
    let entry = this.limiters.get(name);
    if (!entry || entry.rule.points !== rule.points || entry.rule.windowSeconds !== rule.windowSeconds) {
      const limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.config.queuePrefix}:limit:${name}`,
        points: rule.points,
        duration: rule.windowSeconds,
      });
      this.limiters.set(name, (entry = { limiter, rule }));
    }
    return entry;
  }

  private unavailable(name: string, rule: LimitRule, why: string): void {
    if (rule.failClosed) {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'Temporarily unavailable; please try again shortly', {}, { 'retry-after': '5' });
    }
    this.log.warn({ limit: name, why }, 'rate limit skipped: Redis unavailable');
  }
}

@Global()
@Module({ providers: [RateLimits], exports: [RateLimits] })
export class RateLimitsModule {}
