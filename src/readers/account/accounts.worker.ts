import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { closeRedis, within } from '../../redis/redis.module.js';
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
  private worker?: Worker<AccountJob, unknown, AccountJobName>;
  private connection?: Redis;
  private readonly log = new Logger(AccountsWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queue: AccountsQueue,
    private readonly eraser: AccountEraser,
    private readonly deletions: AccountDeletions,
    private readonly retention: Retention,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = new Redis(this.config.redisUrl, { connectionName: 'comments-accounts-worker', maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<AccountJob, unknown, AccountJobName>(ACCOUNTS_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 2,
      // As the moderation worker's: a deletion cut short by a killed worker is taken up by another once this lapses.
      lockDuration: this.config.workerLockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(this.config.workerLockDurationMs / 3)),
      maxStalledCount: 5,
    });
    this.worker.on('failed', (job, err) => this.log.warn({ err, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'account job failed'));
    this.worker.on('error', (err) => this.log.debug({ err }, 'accounts worker connection error'));
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
    const redisUp = this.connection?.status === 'ready';
    // A deletion cut short is taken up again by another worker once its lock expires (each step can run again).
    if (this.worker) await within(this.worker.close(!redisUp), redisUp ? 10_000 : 1000);
    if (this.connection) await closeRedis(this.connection);
  }
}
