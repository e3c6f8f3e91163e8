import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '../../config.js';
import { QueueWorker } from '../../redis/queue-worker.js';
import { MailSender } from './mail-sender.js';
import { MAIL_QUEUE, MailQueue, type MailJob, type MailJobName } from './mail.queue.js';

const LOCK_MS = 60_000;
/** The scheduled jobs run once: the next scan or day makes up for a failed one. */
const SCHEDULED = { attempts: 1, removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } };

/**
 * Consumes the `mail` queue on the worker (nothing without SMTP_URL). The scan and the daily digest
 * run are BullMQ job schedulers, declared by every worker at start (one of each whatever the number
 * of workers).
 */
@Injectable()
export class MailWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: QueueWorker<MailJob, unknown, MailJobName>;
  private readonly log = new Logger(MailWorker.name);

  constructor(
    private readonly config: AppConfig,
    private readonly queue: MailQueue,
    private readonly sender: MailSender,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.queue.queue) return;
    this.worker = new QueueWorker(this.config, MAIL_QUEUE, (job) => this.process(job), { concurrency: 4, lockDuration: LOCK_MS, maxStalledCount: 2 }, this.log);
    this.worker.worker.on('failed', (job, err) => this.log.warn({ err: err.message, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade }, 'mail job failed'));
    void this.declareSchedules();
  }

  private async declareSchedules(): Promise<void> {
    const queue = this.queue.queue!;
    try {
      await queue.upsertJobScheduler('scan', { every: this.config.mailScanIntervalMs }, { name: 'scan', opts: SCHEDULED });
      await queue.upsertJobScheduler('digest', { pattern: this.config.mailDigestPattern, tz: this.config.mailTimeZone }, { name: 'digest', opts: SCHEDULED });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'mail schedules not declared (Redis unavailable?); the next start declares them');
    }
  }

  private async process(job: Job<MailJob, unknown, MailJobName>): Promise<unknown> {
    try {
      switch (job.name) {
        case 'scan':
          return await this.sender.scan();
        case 'digest':
          return await this.sender.runDigest();
        case 'notify':
          return await this.sender.notify(job.data);
        case 'send-digest':
          return await this.sender.sendDigest(job.data);
        case 'confirm':
          return await this.sender.confirm(job.data);
        default:
          return 'unknown job';
      }
    } catch (err) {
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.sender.giveUp(job.name, job.data).catch(() => undefined);
      throw err;
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
