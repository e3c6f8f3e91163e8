import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { signInUnavailable } from '../auth/session.store.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';

const MAX_DELAY_MS = 2000;

/**
 * One attempt, atomically: refused when the account's bucket (KEYS[1]) or the address (KEYS[2]) is
 * at its limit (ARGV[1], ARGV[2]); otherwise a slot is taken in both before the password is checked,
 * so parallel guesses cannot all be checked. A bucket counts for ARGV[3] ms from its first attempt,
 * and a lock lasts that long from the attempt that reached the limit.
 * Answers {1 | 2, ms left} when refused by the bucket or the address, {0, bucket count, address count}.
 */
const RESERVE = `
local bucket = tonumber(redis.call('GET', KEYS[1]) or '0')
if bucket >= tonumber(ARGV[1]) then return {1, redis.call('PTTL', KEYS[1])} end
local address = tonumber(redis.call('GET', KEYS[2]) or '0')
if address >= tonumber(ARGV[2]) then return {2, redis.call('PTTL', KEYS[2])} end
bucket = redis.call('INCR', KEYS[1])
address = redis.call('INCR', KEYS[2])
if bucket == 1 or bucket == tonumber(ARGV[1]) or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if address == 1 or address == tonumber(ARGV[2]) or redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
return {0, bucket, address}
`;

/** A success: the bucket starts again, and the address gets its slot back (never below zero, never a key without expiry). */
const RELEASE = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0
`;

interface ThrottleCommands {
  moderatorSignInReserve(bucket: string, address: string, bucketLimit: number, addressLimit: number, windowMs: number): Promise<number[]>;
  moderatorSignInRelease(bucket: string, address: string): Promise<number>;
}

/** A sign-in attempt holding its slot: `count` is its place in the account's bucket. */
export interface Attempt {
  bucket: 'account' | 'device';
  count: number;
  bucketKey: string;
  addressKey: string;
}

/**
 * Moderator sign-in attempts, counted in Redis so the limits hold across API replicas: per account
 * (anonymous browsers share one bucket, each known device has its own) and per client address.
 * Each failure answers a little later than the one before; at a limit sign-in is refused (429) for
 * MODERATOR_LOCKOUT_SECONDS, even with the right password.
 */
@Injectable()
export class SignInThrottle {
  private readonly log = new Logger(SignInThrottle.name);
  private readonly prefix: string;
  private readonly commands: ThrottleCommands;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.prefix = `${config.queuePrefix}:mod-signin`;
    redis.defineCommand('moderatorSignInReserve', { numberOfKeys: 2, lua: RESERVE });
    redis.defineCommand('moderatorSignInRelease', { numberOfKeys: 2, lua: RELEASE });
    this.commands = redis as unknown as ThrottleCommands;
  }

  private account(email: string): string {
    return createHash('sha256').update(email).digest('base64url');
  }

  private accountKey(email: string): string {
    return `${this.prefix}:account:${this.account(email)}`;
  }

  private deviceKey(email: string, deviceId: string): string {
    return `${this.prefix}:device:${this.account(email)}:${deviceId}`;
  }

  /**
   * Takes a slot for one attempt at `email` (from the known device `deviceId`, or anonymous) from
   * the address bucket `address`, or refuses it: 429 ACCOUNT_LOCKED or TOO_MANY_ATTEMPTS.
   */
  async reserve(email: string, deviceId: string | null, address: string): Promise<Attempt> {
    const bucketKey = deviceId ? this.deviceKey(email, deviceId) : this.accountKey(email);
    const addressKey = `${this.prefix}:ip:${address}`;
    let answer: number[];
    try {
      answer = await this.commands.moderatorSignInReserve(
        bucketKey,
        addressKey,
        this.config.moderatorLockoutAttempts,
        this.config.moderatorLockoutIpAttempts,
        this.config.moderatorLockoutSeconds * 1000,
      );
    } catch {
      throw signInUnavailable();
    }
    const [refused = 0, first = 0] = answer;
    if (refused === 1) {
      const message = deviceId ? 'Too many failed sign-ins for this account from this browser; try again later' : 'Too many failed sign-ins for this account; try again later';
      throw locked('ACCOUNT_LOCKED', message, first);
    }
    if (refused === 2) throw locked('TOO_MANY_ATTEMPTS', 'Too many failed sign-ins from this address; try again later', first);
    return { bucket: deviceId ? 'device' : 'account', count: first, bucketKey, addressKey };
  }

  /** A wrong password (already counted by its reservation); resolves after the slow-down. True when it locked the bucket. */
  async failed(attempt: Attempt): Promise<boolean> {
    const lockedNow = attempt.count === this.config.moderatorLockoutAttempts;
    if (lockedNow) this.log.warn({ bucket: attempt.bucket }, 'moderator sign-in locked after repeated failures');
    const delay = Math.min(MAX_DELAY_MS, 200 * (attempt.count - 1));
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    return lockedNow;
  }

  async succeeded(attempt: Attempt): Promise<void> {
    await this.commands.moderatorSignInRelease(attempt.bucketKey, attempt.addressKey).catch(() => 0);
  }

  /** The emails whose anonymous bucket is at its limit (sign-in refused); none when Redis does not answer. */
  async locked(emails: string[]): Promise<Set<string>> {
    if (!emails.length) return new Set();
    const counts = await this.redis.mget(...emails.map((e) => this.accountKey(e))).catch(() => [] as (string | null)[]);
    return new Set(emails.filter((_e, i) => Number(counts[i] ?? 0) >= this.config.moderatorLockoutAttempts));
  }

  /** Unlocks an account: every bucket of it, anonymous and per device. True when one of them was locked. */
  async clear(email: string): Promise<boolean> {
    const keys = [this.accountKey(email)];
    try {
      for await (const batch of this.redis.scanStream({ match: this.deviceKey(email, '*'), count: 200 })) keys.push(...(batch as string[]));
      const results = await this.redis.multi().mget(...keys).del(...keys).exec();
      const counts = (results?.[0]?.[1] ?? []) as (string | null)[];
      return counts.some((count) => Number(count ?? 0) >= this.config.moderatorLockoutAttempts);
    } catch {
      throw signInUnavailable();
    }
  }
}

function locked(code: string, message: string, ttlMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : 1000) / 1000));
  return new AppError(code, 429, message, { retryAfter }, { 'retry-after': String(retryAfter) });
}
