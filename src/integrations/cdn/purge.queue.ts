import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { CommentEvents, changesPublicList, type CommentEvent } from '../../comments/comment-events.js';
import { AppConfig } from '../../config.js';
import { beforeDeadline, closeRedis, createRedis, within } from '../../redis/redis.module.js';
import { articleTag } from './cache-headers.js';

export const CDN_PURGE_QUEUE = 'cdn-purge';
/** With the exponential backoff from 2 s: retried for about 4 minutes, then given up (s-maxage bounds the staleness). */
export const PURGE_ATTEMPTS = 8;
export const PURGE_BACKOFF_MS = 2000;
/**
 * A purge runs this long after the end of the second it covers: every API process has dropped its
 * own cached pages by then (the list cache at once on the event, reaction counts within the
 * ReactionRelay's second), so the CDN's next fetch gets the new page, not an old one kept again.
 */
export const PURGE_GRACE_MS = 1500;
/** Reactions change counts many times a second: their purges are coalesced over a longer window. */
export const REACTION_WINDOW_SECONDS = 10;

export interface PurgeJob {
  articleId: string;
}

/** Whether an event changes what an article's public responses show, and over how many seconds its purges coalesce. */
export function purgeWindow(event: CommentEvent): number | undefined {
  if (event.type === 'article.changed' || changesPublicList(event)) return 1;
  if (event.type === 'comment.reacted') return REACTION_WINDOW_SECONDS;
  return undefined;
}

/**
 * Purges of an article's tag through the `cdn-purge` queue, at most one per article per second.
 * Every process hears every event (its own at once, the others' over pub/sub), so each would ask:
 * the first `SET NX` on `<article>:<second>` wins and adds the job, delayed until the end of that
 * second (plus the grace), with the job id `purge-<article>-<second>` as the backstop. Without
 * CDN_PURGE_URL nothing listens. With Redis away, the SET fails, nothing is queued, and the CDN's
 * s-maxage bounds the staleness.
 */
@Injectable()
export class CdnPurgeQueue implements OnModuleDestroy {
  readonly queue: Queue<PurgeJob> | null = null;
  private readonly connection: Redis | null = null;
  private readonly log = new Logger(CdnPurgeQueue.name);
  private readonly prefix: string;
  private lastWarning = 0;
  /** `<tag>:<second>` this process already asked for: a burst of events costs one SET, not one each. */
  private asked = new Set<string>();
  private askedSecond = 0;

  constructor(config: AppConfig, events: CommentEvents) {
    this.prefix = config.queuePrefix;
    if (!config.cdn) return;
    this.connection = createRedis(config.redisUrl, 'comments-cdn-purge');
    this.connection.on('error', () => undefined);
    this.queue = new Queue<PurgeJob>(CDN_PURGE_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: PURGE_ATTEMPTS,
        backoff: { type: 'exponential', delay: PURGE_BACKOFF_MS },
        // Kept an hour, so that a late add of the same id (another process, a skewed clock) is a no-op.
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'queue connection error'));
    events.on((event) => {
      const window = purgeWindow(event);
      if (window !== undefined) void this.schedule(event.articleId, window);
    });
  }

  /** Makes sure one purge of the article runs after the end of the current window. */
  async schedule(articleId: string, windowSeconds: number, now = Date.now()): Promise<void> {
    const tag = articleTag(articleId);
    const second = (Math.floor(now / 1000 / windowSeconds) + 1) * windowSeconds;
    const runAt = second * 1000 + PURGE_GRACE_MS;
    const key = `${this.prefix}:cdn-purge:${tag}:${second}`;
    if (second !== this.askedSecond) {
      this.asked = new Set();
      this.askedSecond = second;
    }
    if (this.asked.has(key)) return;
    this.asked.add(key);
    let won = false;
    try {
      won = (await this.connection!.set(key, '1', 'PX', runAt - now + 5000, 'NX')) === 'OK';
      if (!won) return;
      const jobId = `purge-${tag.slice('article-'.length)}-${second}`;
      await beforeDeadline(this.connection!, this.queue!.add('purge', { articleId }, { jobId, delay: runAt - now }), 'cdn-purge queue');
    } catch (err) {
      // The key would keep the other processes (and this one) from trying: let the next event's try win.
      this.asked.delete(key);
      if (won) void this.connection!.del(key).catch(() => undefined);
      // One line a minute while Redis is away, not one per event.
      if (now - this.lastWarning < 60_000) return;
      this.lastWarning = now;
      this.log.warn({ err: (err as Error).message, articleId }, 'CDN purge not queued (Redis unavailable): the CDN serves the old responses until their s-maxage ends');
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.queue) await within(this.queue.close().catch(() => undefined), 1000);
    if (this.connection) await closeRedis(this.connection);
  }
}
