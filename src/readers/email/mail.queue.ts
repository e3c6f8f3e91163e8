import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { beforeDeadline, closeRedis, createRedis, within } from '../../redis/redis.module.js';

export const MAIL_QUEUE = 'mail';
/** Attempts of a sending job: with the exponential backoff from 2 s, about 17 minutes of an SMTP server away. */
export const MAIL_ATTEMPTS = 10;

/**
 * `scan`: new notifications to mail (repeatable); `digest`: the daily run that adds one
 * `send-digest` per reader (repeatable); `notify`: one immediate mail; `send-digest`: one reader's
 * digest; `confirm`: a confirmation mail.
 */
export type MailJobName = 'scan' | 'digest' | 'notify' | 'send-digest' | 'confirm';

export interface MailJob {
  readerId?: string;
  /** The address when the job was made: the job sends nothing if the reader's address changed since. */
  address?: string;
  /** notify: the thread (top comment id) whose held notifications it tells of, up to this notification id. */
  thread?: string;
  upTo?: number;
  /** confirm: confirmation_sent_at (ms) of the request it answers; a newer request makes it moot. */
  sentAt?: number;
}

/** Producer side of the `mail` queue. Without SMTP_URL there is no queue (e-mail is off). */
@Injectable()
export class MailQueue implements OnModuleDestroy {
  readonly queue: Queue<MailJob, unknown, MailJobName> | null = null;
  private readonly connection: Redis | null = null;
  private readonly log = new Logger(MailQueue.name);

  constructor(config: AppConfig) {
    if (!config.smtpUrl) return;
    this.connection = createRedis(config.redisUrl, 'comments-mail');
    this.connection.on('error', () => undefined);
    this.queue = new Queue<MailJob, unknown, MailJobName>(MAIL_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: MAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        // Kept a while, so that adding the same job id again (a scan or digest run twice) is a no-op.
        removeOnComplete: { age: 2 * 24 * 3600, count: 10_000 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'queue connection error'));
  }

  get available(): boolean {
    return this.queue !== null;
  }

  /** Adds a job; one with the same id already there (waiting, running or done lately) is kept instead. */
  async add(name: MailJobName, data: MailJob, jobId: string): Promise<void> {
    if (!this.queue) throw new Error('e-mail is off (SMTP_URL unset)');
    await beforeDeadline(this.connection!, this.queue.add(name, data, { jobId }), 'mail queue');
  }


  async onModuleDestroy(): Promise<void> {
    if (this.queue) await within(this.queue.close().catch(() => undefined), 1000);
    if (this.connection) await closeRedis(this.connection);
  }
}
