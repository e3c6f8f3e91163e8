import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../config.js';
import { QueueWorker } from '../../redis/queue-worker.js';
import { AccountDeletions } from './account-deletions.js';
import { AccountEraser } from './account-eraser.js';
import { ACCOUNTS_QUEUE, AccountsQueue, type AccountJob, type AccountJobName } from './accounts.queue.js';
import { Retention } from './retention.js';

/** How often the sweep looks for due deletions whose job was lost. */
export const SWEEP_EVERY_MS = 10 * 60 * 1000;
/** The daily retention run (server time). */
const RETENTION_PATTERN = '17 3 * * *';

/**
 * Consumes the `accounts` queue on the worker: deletions, the sweep and the retention run. The
 * two repeatable jobs are declared by every worker at start (BullMQ's job schedulers: one of each
 * whatever the number of workers).
 */
@Injectable()
export class AccountsWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: QueueWorker<AccountJob, unknown, AccountJobName>;
  private readonly log = new Logger(AccountsWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queue: AccountsQueue,
    private readonly eraser: AccountEraser,
    private readonly deletions: AccountDeletions,
    private readonly retention: Retention,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new QueueWorker(
      this.config,
      ACCOUNTS_QUEUE,
      (job) => this.process(job),
      {
        concurrency: 2,
        // As the moderation worker's: a deletion cut short by a killed worker is taken up by another once this lapses.
        lockDuration: this.config.workerLockDurationMs,
        stalledInterval: Math.max(1000, Math.floor(this.config.workerLockDurationMs / 3)),
        maxStalledCount: 5,
      },
      this.log,
    );
    this.worker.worker.on('failed', (job, err) => this.log.warn({ err, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'account job failed'));
    void this.declareSchedules();
  }

  private async declareSchedules(): Promise<void> {
    try {
      await this.queue.queue.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep' });
      await this.queue.queue.upsertJobScheduler('retention', { pattern: RETENTION_PATTERN }, { name: 'retention' });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'account schedules not declared (Redis unavailable); the next start declares them');
    }
  }

  private async process(job: Job<AccountJob, unknown, AccountJobName>): Promise<unknown> {
    switch (job.name) {
      case 'delete':
        return job.data.readerId ? this.eraser.run(job.data.readerId) : 'no reader';
      case 'sweep':
        return this.deletions.sweep();
      case 'retention':
        return this.retention.run();
      default:
        return 'unknown job';
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // A deletion cut short is taken up again by another worker once its lock expires (each step can run again).
    await this.worker?.close();
  }
}
