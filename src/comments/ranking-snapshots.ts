import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';
import { uuidFromHex } from './comment-id.js';

/** How long a walk through a ranked list may take before its cursor expires. */
export const SNAPSHOT_TTL_SECONDS = 15 * 60;
/** A new ranking is taken at most this often per article and sort; first pages in between share it. */
const REUSE_SECONDS = 10;
/** Top comments a ranking holds (16 bytes each in Redis). */
export const MAX_RANKED = 20_000;
const ID_BYTES = 16;

export interface RankedPage {
  /** Null when nothing was stored: the ranking fits one page, or Redis is away. */
  snapshot: string | null;
  ids: string[];
  /** Ids in the whole ranking. */
  size: number;
}

function toBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll('-', ''), 'hex');
}

/**
 * Short-lived rankings for the lists sorted by likes or replies: the order is taken once, kept in
 * Redis as one string of packed ids, and a walk's cursor points into it (id offset), so reactions
 * that reorder the list mid-walk never make a page repeat or skip a comment. Shared by every
 * process; bounded: at most one ranking per article and sort every REUSE_SECONDS, each expiring.
 */
@Injectable()
export class RankingSnapshots {
  private readonly prefix: string;
  private readonly log = new Logger(RankingSnapshots.name);

  constructor(
    @InjectRedis() private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.prefix = `${config.queuePrefix}:rank`;
  }

  /** The ranking's first page: the recent one for this list, or a new one taken by `rank`. */
  async first(list: string, limit: number, rank: () => Promise<string[]>): Promise<RankedPage> {
    const current = `${this.prefix}:current:${createHash('sha256').update(list).digest('base64url').slice(0, 22)}`;
    const recent = await this.recent(current, limit);
    if (recent) return recent;
    const ids = (await rank()).slice(0, MAX_RANKED);
    // One page is all there is: no walk to keep steady.
    if (ids.length <= limit) return { snapshot: null, ids, size: ids.length };
    const snapshot = randomBytes(16).toString('hex');
    const key = `${this.prefix}:${snapshot}`;
    try {
      await this.redis.set(key, Buffer.concat(ids.map(toBytes)), 'EX', SNAPSHOT_TTL_SECONDS);
      // First pages made at the same moment (a burst, other processes) all get here: one ranking is kept, the others dropped.
      if ((await this.redis.set(current, snapshot, 'EX', REUSE_SECONDS, 'NX')) !== 'OK') {
        const shared = await this.recent(current, limit);
        if (shared) {
          await this.redis.del(key);
          return shared;
        }
      }
    } catch (err) {
      // Redis away: the first page is still right; only the walk beyond it waits for Redis.
      this.log.warn({ err: (err as Error).message }, 'ranking not stored (Redis unavailable): first page only');
      return { snapshot: null, ids: ids.slice(0, limit), size: limit };
    }
    return { snapshot, ids: ids.slice(0, limit), size: ids.length };
  }

  /** The first page of the list's recent ranking, if there is one. */
  private async recent(current: string, limit: number): Promise<RankedPage | null> {
    const existing = await this.redis.get(current).catch(() => null);
    if (!existing || !/^[0-9a-f]{32}$/.test(existing)) return null;
    return this.page(existing, 0, limit).catch(() => null);
  }

  /** A page of a ranking, or null once it has expired. */
  async page(snapshot: string, offset: number, limit: number): Promise<RankedPage | null> {
    const key = `${this.prefix}:${snapshot}`;
    let replies;
    try {
      replies = await this.redis.multi().getrangeBuffer(key, offset * ID_BYTES, (offset + limit) * ID_BYTES - 1).strlen(key).exec();
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'The ranking cannot be read just now; try again shortly', {}, { 'retry-after': '5' });
    }
    const [[, bytes], [, size]] = replies as [[unknown, Buffer], [unknown, number]];
    if (!size) return null;
    const ids: string[] = [];
    for (let at = 0; at + ID_BYTES <= bytes.length; at += ID_BYTES) ids.push(uuidFromHex(bytes.toString('hex', at, at + ID_BYTES)));
    return { snapshot, ids, size: size / ID_BYTES };
  }
}
