import { Injectable, Logger, type OnApplicationBootstrap, type BeforeApplicationShutdown } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { DecisionStats } from '../../metrics/decision-stats.js';
import { closeRedis, within } from '../../redis/redis.module.js';
import { ModerateComment } from './moderate-comment.js';
import { MODERATION_QUEUE, type ModerationJob } from './moderation.queue.js';

/**
 * Consumes the `moderation` queue. Several of these (processes, machines) share the queue;
 * a job left by a killed worker is picked up again when its lock expires (stalled-job check).
 */
@Injectable()
export class ModerationWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<ModerationJob>;
  private connection?: Redis;
  private readonly log = new Logger(ModerationWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly moderate: ModerateComment,
    private readonly stats: DecisionStats,
  ) {}

  onApplicationBootstrap(): void {
    this.connection = new Redis(this.config.redisUrl, { connectionName: 'comments-worker', maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<ModerationJob>(MODERATION_QUEUE, (job) => this.process(job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: this.config.workerConcurrency,
      lockDuration: this.config.workerLockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(this.config.workerLockDurationMs / 3)),
      maxStalledCount: 5,
    });
    this.worker.on('failed', (job, err) => {
      this.stats.recordJobFailure();
      this.log.warn({ err, jobId: job?.id, attempts: job?.attemptsMade }, 'moderation job failed');
    });
    this.worker.on('error', (err) => this.log.debug({ err }, 'worker connection error'));
    this.log.log({ concurrency: this.config.workerConcurrency }, 'moderation worker started');
  }

  private async process(job: Job<ModerationJob>): Promise<string> {
    const result = await this.moderate.run(job.data.commentId);
    return result === 'already-decided' ? 'already-decided' : result.changed ? result.comment.status : 'unchanged';
  }

  /** SIGTERM: stop taking jobs, let the ones in flight finish. */
  async beforeApplicationShutdown(): Promise<void> {
    // In-flight jobs get the lock duration to finish. With Redis gone they could never report back:
    // close at once (a forced close also stops BullMQ's lock and stalled-check timers, which a
    // waiting close would keep alive forever); their locks expire and another worker retries them.
    const redisUp = this.connection?.status === 'ready';
    const closed = this.worker ? await within(this.worker.close(!redisUp).then(() => true), redisUp ? this.config.workerLockDurationMs : 1000) : true;
    if (this.connection) await closeRedis(this.connection);
    if (closed) this.log.log(redisUp ? 'moderation worker stopped; jobs in flight finished' : 'moderation worker stopped without Redis; unfinished jobs will be retried');
    else this.log.warn('moderation worker stopped before its jobs finished; they will be retried');
  }
}
