import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config.js';
import { InjectRedis } from '../redis/redis.module.js';
import { subscribe } from '../redis/subscription.js';
import type { Commenter } from './commenter.entity.js';

/** Readers each process keeps (an hour of a busy site's active readers; ~1 KB each). */
const MAX_ENTRIES = 100_000;
/** A `changed` message names at most this many readers (more are sent as several). */
const IDS_PER_MESSAGE = 1000;

/**
 * Signed-in readers as requests need them, kept in each API process: every authenticated request
 * (a reaction, a comment) looks up its reader, and a reader changes rarely (a sign-in refreshes
 * the name, a moderator bans or unbans). Whoever changes one calls `changed`: this process drops it
 * at once, the others when Redis tells them (pub/sub); everything is dropped when the subscription
 * comes back after an outage, and LIST_CACHE_TTL bounds what a lost message could leave.
 * Kept objects are frozen: they are shared by every request of the reader.
 */
@Injectable()
export class CommenterCache implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(CommenterCache.name);
  private readonly kept: LRUCache<string, Readonly<Commenter>>;
  /** Moves on every drop: a reader read while one happened may be from before it, and is not kept. */
  private generation = 0;
  private readonly channel: string;
  private subscriber?: Redis;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.channel = `${config.queuePrefix}:commenters-changed`;
    this.kept = new LRUCache({ max: MAX_ENTRIES, ttl: config.listCacheTtlMs });
  }

  onModuleInit(): void {
    this.subscriber = subscribe(this.config.redisUrl, 'comments-commenters', this.channel, {
      onSubscribed: (again) => again && this.clear(),
      onError: (err) => this.log.warn({ err }, 'could not subscribe to reader changes'),
      onMessage: (message) => {
        try {
          const { ids } = JSON.parse(message) as { ids?: unknown };
          if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') this.drop(id);
        } catch {
          // not ours
        }
      },
    });
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  /** The reader from memory, or from `load` (then kept, unless a change was announced meanwhile). */
  async get(id: string, load: (id: string) => Promise<Commenter | null>): Promise<Readonly<Commenter> | null> {
    const kept = this.kept.get(id);
    if (kept) return kept;
    const generation = this.generation;
    const loaded = await load(id);
    if (!loaded) return null;
    Object.freeze(loaded);
    if (generation === this.generation) this.kept.set(id, loaded);
    return loaded;
  }

  /** After a reader's row changed: dropped here at once, and in every other process. */
  async changed(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.drop(id);
    try {
      for (let i = 0; i < ids.length; i += IDS_PER_MESSAGE) {
        await this.redis.publish(this.channel, JSON.stringify({ ids: ids.slice(i, i + IDS_PER_MESSAGE) }));
      }
    } catch (err) {
      this.log.warn({ err, readers: ids.length }, 'reader change not announced (Redis unavailable); other processes keep theirs up to LIST_CACHE_TTL');
    }
  }

  private drop(id: string): void {
    this.generation++;
    this.kept.delete(id);
  }

  private clear(): void {
    this.generation++;
    this.kept.clear();
  }
}
