import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { beforeDeadline, closeRedis, createRedis, within } from '../../redis/redis.module.js';

export const MODERATION_QUEUE = 'moderation';

export interface ModerationJob {
  commentId: string;
}

/** A comment's text to judge: `version` is its edit_count (0: as first posted). */
export interface QueuedText {
  commentId: string;
  version: number;
}

/**
 * One job per text: BullMQ ignores an add whose id it has seen (kept for 10,000 finished jobs), so
 * an edit needs an id of its own to be judged at all.
 */
export function jobId(commentId: string, version: number): string {
  return version === 0 ? commentId : `${commentId}-edit-${version}`;
}

/** Producer side of the `moderation` queue. The job id is the comment id (and edit), so a second add is harmless. */
@Injectable()
export class ModerationQueue implements OnModuleDestroy {
  readonly queue: Queue<ModerationJob>;
  private readonly connection: Redis;
  private readonly log = new Logger(ModerationQueue.name);

  constructor(config: AppConfig) {
    // Fail fast while Redis is away: the outbox keeps the comment until the add succeeds.
    this.connection = createRedis(config.redisUrl, 'comments-queue');
    this.connection.on('error', () => undefined);
    this.queue = new Queue<ModerationJob>(MODERATION_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: 12,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { count: 10_000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'queue connection error'));
  }

  async addAll(texts: QueuedText[]): Promise<void> {
    await this.addEach(texts.map(({ commentId, version }) => ({ commentId, jobId: jobId(commentId, version) })));
  }

  /**
   * One add per job, all in flight together (ioredis pipelines them). Not `addBulk`: when the
   * connection drops mid-way it leaves rejected promises nobody handles.
   */
  private async addEach(jobs: Array<{ commentId: string; jobId: string }>): Promise<void> {
    const results = await beforeDeadline(
      this.connection,
      Promise.allSettled(jobs.map(({ commentId, jobId }) => this.queue.add('moderate', { commentId }, { jobId }))),
      'queue add',
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }


  /**
   * Queues comments again that should have been decided long ago (Redis restarted without its
   * data, or a job used up its attempts). A fresh job id, since the old one may still be on record.
   */
  async requeue(commentIds: string[]): Promise<void> {
    const stamp = Date.now().toString(36);
    await this.addEach(commentIds.map((commentId) => ({ commentId, jobId: `${commentId}:retry:${stamp}` })));
  }

  async onModuleDestroy(): Promise<void> {
    await within(this.queue.close().catch(() => undefined), 1000);
    await closeRedis(this.connection);
  }
}
