import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job } from 'bullmq';
import { AppConfig } from '../../config.js';
import { QueueWorker } from '../../redis/queue-worker.js';
import { WebhookSender } from './webhook-sender.js';
import { WEBHOOK_QUEUE, WebhookQueue, type WebhookJob, type WebhookJobName } from './webhooks.queue.js';

/** Deliveries wait on other servers (up to 10 s each), not on this one: many at once. */
const CONCURRENCY = 20;
const LOCK_MS = 30_000;

/** Consumes the `webhooks` queue on the worker; declares the backlog check's schedule when REVIEW_BACKLOG_ALERT is set. */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: QueueWorker<WebhookJob, unknown, WebhookJobName>;
  private readonly log = new Logger(WebhookWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queue: WebhookQueue,
    private readonly sender: WebhookSender,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new QueueWorker(this.config, WEBHOOK_QUEUE, (job) => this.process(job), { concurrency: CONCURRENCY, lockDuration: LOCK_MS, maxStalledCount: 2 }, this.log);
    void this.declareSchedule();
  }

  private async declareSchedule(): Promise<void> {
    try {
      if (this.config.reviewBacklogAlert === undefined) await this.queue.queue.removeJobScheduler('backlog');
      else await this.queue.queue.upsertJobScheduler('backlog', { every: this.config.reviewBacklogCheckMs }, { name: 'backlog', opts: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } } });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'backlog check not scheduled (Redis unavailable?); the next start schedules it');
    }
  }

  private async process(job: Job<WebhookJob, unknown, WebhookJobName>): Promise<unknown> {
    switch (job.name) {
      case 'deliver': {
        const { endpointId, event, test } = job.data;
        if (!endpointId || !event) return 'malformed';
        const attempts = job.opts.attempts ?? 1;
        const { outcome, error } = await this.sender.deliver(endpointId, event, job.attemptsMade + 1, attempts, test);
        if (outcome === 'retry') throw new Error(error);
        // Logged and counted already: no retry left.
        if (outcome === 'failed') throw new UnrecoverableError(error);
        return outcome;
      }
      case 'backlog':
        return this.sender.checkBacklog();
      case 'tell-admins':
        return this.sender.tellAdmins(job.data.endpointId ?? '');
      default:
        return 'unknown job';
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
