import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';

const MAX_DELAY_MS = 2000;

/**
 * Failed moderator sign-ins, counted in Redis per account and per IP so the limit holds across API
 * replicas. Each failure answers a little later than the one before; at the limit sign-in is
 * refused (429) for MODERATOR_LOCKOUT_SECONDS, even with the right password.
 */
@Injectable()
export class SignInThrottle {
  private readonly log = new Logger(SignInThrottle.name);
  private readonly prefix: string;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.prefix = `${config.queuePrefix}:mod-signin`;
  }

  private accountKey(email: string): string {
    return `${this.prefix}:account:${createHash('sha256').update(email).digest('base64url')}`;
  }

  private ipKey(ip: string): string {
    return `${this.prefix}:ip:${ip}`;
  }

  /** Refuses at once when the account or the address is locked. */
  async check(email: string, ip: string): Promise<void> {
    const account = this.accountKey(email);
    const address = this.ipKey(ip);
    const results = await this.guard(this.redis.multi().get(account).pttl(account).get(address).pttl(address).exec());
    const [accountCount, accountTtl, ipCount, ipTtl] = [0, 1, 2, 3].map((i) => results?.[i]?.[1]);
    if (Number(accountCount ?? 0) >= this.config.moderatorLockoutAttempts) {
      throw locked('ACCOUNT_LOCKED', 'Too many failed sign-ins for this account; try again later', Number(accountTtl));
    }
    if (Number(ipCount ?? 0) >= this.config.moderatorLockoutIpAttempts) {
      throw locked('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins from this address; try again later', Number(ipTtl));
    }
  }

  /** Counts a failure; resolves after the slow-down delay for this account's failure count. */
  async failed(email: string, ip: string): Promise<void> {
    const seconds = this.config.moderatorLockoutSeconds;
    const account = this.accountKey(email);
    const address = this.ipKey(ip);
    const results = await this.guard(
      this.redis.multi().incr(account).expire(account, seconds, 'NX').incr(address).expire(address, seconds, 'NX').exec(),
    );
    const accountCount = Number(results?.[0]?.[1] ?? 0);
    const ipCount = Number(results?.[2]?.[1] ?? 0);
    // The lock lasts its full time from the failure that reached the limit.
    if (accountCount === this.config.moderatorLockoutAttempts) await this.redis.expire(account, seconds).catch(() => 0);
    if (ipCount === this.config.moderatorLockoutIpAttempts) await this.redis.expire(address, seconds).catch(() => 0);
    if (accountCount >= this.config.moderatorLockoutAttempts) this.log.warn({ ip }, 'moderator account locked after repeated failed sign-ins');
    const delay = Math.min(MAX_DELAY_MS, 200 * (accountCount - 1));
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }

  async succeeded(email: string): Promise<void> {
    await this.redis.del(this.accountKey(email)).catch(() => 0);
  }

  private async guard<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch {
      throw new AppError('SESSION_UNAVAILABLE', 503, 'Sign-in is unavailable for a moment; please try again shortly', {}, { 'retry-after': '5' });
    }
  }
}

function locked(code: string, message: string, ttlMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : 1000) / 1000));
  return new AppError(code, 429, message, { retryAfter }, { 'retry-after': String(retryAfter) });
}
