import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { closeRedis, within } from '../../redis/redis.module.js';
import { articleTag } from './cache-headers.js';
import { maskUrl, type CdnConfig } from './purge-config.js';
import { purgeRequest, sendPurge } from './purge-request.js';
import { CDN_PURGE_QUEUE, type PurgeJob } from './purge.queue.js';
import { CdnPurgeStats } from './purge-stats.js';

/** Consumes the `cdn-purge` queue on the worker (nothing without CDN_PURGE_URL): one request per job. */
@Injectable()
export class CdnPurgeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<PurgeJob>;
  private connection?: Redis;
  private readonly log = new Logger(CdnPurgeWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly stats: CdnPurgeStats,
  ) {}

  onApplicationBootstrap(): void {
    const cdn = this.config.cdn;
    if (!cdn) return;
    this.connection = new Redis(this.config.redisUrl, { connectionName: 'comments-cdn-purge-worker', maxRetriesPerRequest: null });
    this.connection.on('error', () => undefined);
    this.worker = new Worker<PurgeJob>(CDN_PURGE_QUEUE, (job) => this.purge(cdn, job), {
      connection: this.connection,
      prefix: this.config.queuePrefix,
      concurrency: 4,
      lockDuration: 30_000,
    });
    this.worker.on('error', (err) => this.log.debug({ err }, 'cdn-purge worker connection error'));
  }

  private async purge(cdn: CdnConfig, job: Job<PurgeJob>): Promise<void> {
    const tag = articleTag(job.data.articleId);
    const request = purgeRequest(cdn, tag);
    const outcome = await sendPurge(request);
    if (outcome.ok) {
      this.stats.record('sent');
      return;
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    this.stats.record(last ? 'abandoned' : 'failed');
    // The masked URL only: headers and body carry the CDN's API key.
    this.log.warn(
      { tag, url: maskUrl(request.url), method: request.method, status: outcome.status, reason: outcome.reason, attempt: job.attemptsMade + 1, attempts: job.opts.attempts },
      last ? 'CDN purge failed for good: the CDN serves the old responses until their s-maxage ends' : 'CDN purge failed; retried with backoff',
    );
    throw new Error(outcome.reason);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const redisUp = this.connection?.status === 'ready';
    if (this.worker) await within(this.worker.close(!redisUp), redisUp ? 10_000 : 1000);
    if (this.connection) await closeRedis(this.connection);
  }
}
