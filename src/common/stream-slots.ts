import { randomUUID } from 'node:crypto';
import { Injectable, Logger, Module, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';
import { addressBucket } from './client-address.js';

/** A slot is counted this long after its last renewal: a process that dies stops holding its slots within it. */
const LEASE_MS = 60_000;
const RENEW_EVERY_MS = 20_000;
const RENEW_BATCH = 500;
/** No slot frees at a known time; a client told to wait this long finds out again. */
const RETRY_AFTER_SECONDS = 30;

// One address's open streams: members are stream ids, scored by when their lease runs out. Expired
// ones are trimmed in the same script that admits a new one, so parallel opens cannot slip past.
const ADMIT = `
local key, now, lease, max, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
if redis.call('ZCARD', key) >= max then return 0 end
redis.call('ZADD', key, now + lease, member)
redis.call('PEXPIRE', key, lease)
return 1
`;

type SlotsRedis = Redis & { admitStream(key: string, ...args: Array<string | number>): Promise<number> };

export function streamSlotsKey(prefix: string, bucket: string): string {
  return `${prefix}:streams:${bucket}`;
}

export interface StreamSlot {
  /** Gives the slot back when the stream closes (idempotent). */
  release(): void;
}

/**
 * Live event streams per client address (SSE_MAX_PER_CLIENT), counted in Redis so the cap holds
 * across API processes. This process renews the leases of the streams it holds. Streams are not
 * worth refusing readers over: while Redis is away only the per-process cap applies.
 */
@Injectable()
export class StreamSlots implements OnModuleDestroy {
  private readonly log = new Logger(StreamSlots.name);
  /** Open slots admitted through Redis: stream id → its key. */
  private readonly held = new Map<string, string>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    if (!('admitStream' in redis)) redis.defineCommand('admitStream', { numberOfKeys: 1, lua: ADMIT });
    this.renewal = setInterval(() => void this.renew(), RENEW_EVERY_MS).unref();
  }

  /** A slot for one more stream from this address, or 429 RATE_LIMITED when it holds its share. */
  async take(ip: string | undefined): Promise<StreamSlot> {
    if (this.redis.status !== 'ready') return this.uncounted('not connected');
    const key = streamSlotsKey(this.config.queuePrefix, addressBucket(ip));
    const id = randomUUID();
    let admitted: number;
    try {
      admitted = await (this.redis as SlotsRedis).admitStream(key, Date.now(), LEASE_MS, this.config.sseMaxPerClient, id);
    } catch (err) {
      return this.uncounted((err as Error).message);
    }
    if (admitted !== 1) {
      throw new AppError(
        'RATE_LIMITED',
        429,
        `Too many live connections from this address (at most ${this.config.sseMaxPerClient}); close one or try again later`,
        { retryAfter: RETRY_AFTER_SECONDS },
        { 'retry-after': String(RETRY_AFTER_SECONDS) },
      );
    }
    this.held.set(id, key);
    return {
      release: () => {
        if (!this.held.delete(id)) return;
        this.redis.zrem(key, id).catch(() => undefined); // else its lease runs out
      },
    };
  }

  onModuleDestroy(): void {
    clearInterval(this.renewal);
  }

  private uncounted(why: string): StreamSlot {
    this.log.warn({ why }, 'live stream not counted per client: Redis unavailable');
    return { release: () => undefined };
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0 || this.redis.status !== 'ready') return;
    const expires = Date.now() + LEASE_MS;
    const entries = [...this.held];
    try {
      for (let i = 0; i < entries.length; i += RENEW_BATCH) {
        const pipeline = this.redis.pipeline();
        // XX: a stream released meanwhile is not brought back.
        for (const [id, key] of entries.slice(i, i + RENEW_BATCH)) pipeline.zadd(key, 'XX', expires, id).pexpire(key, LEASE_MS);
        await pipeline.exec();
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'live stream leases not renewed');
    }
  }
}

/** Imported by every module that serves live streams: one StreamSlots per process. */
@Module({ providers: [StreamSlots], exports: [StreamSlots] })
export class StreamSlotsModule {}
