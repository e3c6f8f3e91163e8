import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { beforeDeadline, closeRedis, createRedis, within } from '../../redis/redis.module.js';

export const ACCOUNTS_QUEUE = 'accounts';

/** `delete`: one reader's account; `sweep`: due deletions whose job was lost; `retention`: the daily erasing. */
export type AccountJobName = 'delete' | 'sweep' | 'retention';

export interface AccountJob {
  readerId?: string;
}

/** One job per reader (BullMQ refuses ":" in an id): scheduling again, or the sweep, never makes a second. */
export function deletionJobId(readerId: string): string {
  return `delete-${readerId}`;
}

/**
 * Producer side of the `accounts` queue. The database is the record of what is scheduled
 * (commenters.deletion_at); the delayed job only wakes the worker on time, and the sweep
 * (AccountDeletions.sweep) makes up for a job Redis lost.
 */
@Injectable()
export class AccountsQueue implements OnModuleDestroy {
  readonly queue: Queue<AccountJob, unknown, AccountJobName>;
  private readonly connection: Redis;
  private readonly log = new Logger(AccountsQueue.name);

  constructor(config: AppConfig) {
    this.connection = createRedis(config.redisUrl, 'comments-accounts');
    this.connection.on('error', () => undefined);
    this.queue = new Queue<AccountJob, unknown, AccountJobName>(ACCOUNTS_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: 10,
        backoff: { type: 'exponential', delay: 1000 },
        // Gone once done, so the sweep can add the same id again if a deletion left something behind.
        removeOnComplete: true,
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'queue connection error'));
  }

  /** Wakes the worker at `at`. An existing job for the reader is kept as it is (the schedule is in the database). */
  async scheduleDeletion(readerId: string, at: Date): Promise<void> {
    await this.withDeadline(this.queue.add('delete', { readerId }, { jobId: deletionJobId(readerId), delay: Math.max(0, at.getTime() - Date.now()) }));
  }

  /** Runs the reader's deletion now: its delayed job promoted, or a new one when Redis lost it (or it failed for good). */
  async deleteNow(readerId: string): Promise<void> {
    const job = await this.withDeadline(this.queue.getJob(deletionJobId(readerId)));
    if (job) {
      const state = await job.getState();
      if (state === 'delayed') return this.withDeadline(job.promote());
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return; // waiting or running
      await job.remove().catch(() => undefined);
    }
    await this.withDeadline(this.queue.add('delete', { readerId }, { jobId: deletionJobId(readerId) }));
  }

  /** Takes the wake-up away. A job already running checks the database and does nothing. */
  async cancelDeletion(readerId: string): Promise<void> {
    const job = await this.withDeadline(this.queue.getJob(deletionJobId(readerId)));
    if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
  }

  /** BullMQ waits for its connection; callers would rather know now (the sweep tries again). */
  private withDeadline<T>(promise: Promise<T>): Promise<T> {
    return beforeDeadline(this.connection, promise, 'accounts queue');
  }

  async onModuleDestroy(): Promise<void> {
    await within(this.queue.close().catch(() => undefined), 1000);
    await closeRedis(this.connection);
  }
}
