import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../config.js';
import { QueueWorker } from '../../redis/queue-worker.js';
import { articleTag } from './cache-headers.js';
import { maskUrl, type CdnConfig } from './purge-config.js';
import { purgeRequest, sendPurge } from './purge-request.js';
import { CDN_PURGE_QUEUE, type PurgeJob } from './purge.queue.js';
import { CdnPurgeStats } from './purge-stats.js';

/** Consumes the `cdn-purge` queue on the worker (nothing without CDN_PURGE_URL): one request per job. */
@Injectable()
export class CdnPurgeWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: QueueWorker<PurgeJob, void, string>;
  private readonly log = new Logger(CdnPurgeWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly stats: CdnPurgeStats,
  ) {}

  onApplicationBootstrap(): void {
    const cdn = this.config.cdn;
    if (!cdn) return;
    this.worker = new QueueWorker(this.config, CDN_PURGE_QUEUE, (job) => this.purge(cdn, job), { concurrency: 4, lockDuration: 30_000 }, this.log);
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
    await this.worker?.close();
  }
}
