import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { beforeDeadline, closeRedis, createRedis, within } from '../../redis/redis.module.js';
import type { WebhookEvent } from './webhook-payload.js';

export const WEBHOOK_QUEUE = 'webhooks';
/**
 * Attempts of one delivery. With BullMQ's exponential backoff from 42 s the waits are 42 s, 84 s, …
 * 12 h: the 12th and last attempt comes about 23.9 h (42 s × (2^11 − 1)) after the first.
 */
export const DELIVERY_ATTEMPTS = 12;
export const FIRST_RETRY_MS = 42_000;

/** `deliver`: one event to one endpoint; `backlog`: the review queue's size check (repeatable); `tell-admins`: the mail that an endpoint was switched off. */
export type WebhookJobName = 'deliver' | 'backlog' | 'tell-admins';

export interface WebhookJob {
  endpointId?: string;
  event?: WebhookEvent;
  /** A test event: sent once, also to a switched-off endpoint. */
  test?: boolean;
}

/** Producer side of the `webhooks` queue (every process: the relay runs everywhere). */
@Injectable()
export class WebhookQueue implements OnModuleDestroy {
  readonly queue: Queue<WebhookJob, unknown, WebhookJobName>;
  private readonly connection: Redis;
  private readonly log = new Logger(WebhookQueue.name);

  constructor(config: AppConfig) {
    this.connection = createRedis(config.redisUrl, 'comments-webhooks');
    this.connection.on('error', () => undefined);
    const firstRetryMs = config.nodeEnv === 'test' && config.webhookBackoffMs !== undefined ? config.webhookBackoffMs : FIRST_RETRY_MS;
    this.queue = new Queue<WebhookJob, unknown, WebhookJobName>(WEBHOOK_QUEUE, {
      connection: this.connection,
      prefix: config.queuePrefix,
      defaultJobOptions: {
        attempts: DELIVERY_ATTEMPTS,
        backoff: { type: 'exponential', delay: firstRetryMs },
        // Kept a while, so that a second relay adding the same <endpoint>-<event> job adds nothing.
        removeOnComplete: { age: 24 * 3600, count: 20_000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 20_000 },
      },
    });
    this.queue.on('error', (err) => this.log.debug({ err }, 'queue connection error'));
  }

  static jobId(endpointId: string, eventId: string): string {
    return `${endpointId}-${eventId}`;
  }

  /** One job per (endpoint, event); one already there (waiting, retrying or done lately) is kept instead. */
  async addDeliveries(deliveries: Array<{ endpointId: string; event: WebhookEvent }>): Promise<void> {
    if (deliveries.length === 0) return;
    const jobs = deliveries.map(({ endpointId, event }) => ({ name: 'deliver' as const, data: { endpointId, event }, opts: { jobId: WebhookQueue.jobId(endpointId, event.id) } }));
    await beforeDeadline(this.connection, this.queue.addBulk(jobs), 'webhooks queue');
  }

  async addTest(endpointId: string, event: WebhookEvent): Promise<void> {
    await beforeDeadline(this.connection, this.queue.add('deliver', { endpointId, event, test: true }, { jobId: WebhookQueue.jobId(endpointId, event.id), attempts: 1 }), 'webhooks queue');
  }

  async addTellAdmins(endpointId: string, at: Date): Promise<void> {
    await beforeDeadline(this.connection, this.queue.add('tell-admins', { endpointId }, { jobId: `tell-admins-${endpointId}-${at.getTime()}`, attempts: 5 }), 'webhooks queue');
  }

  async onModuleDestroy(): Promise<void> {
    await within(this.queue.close().catch(() => undefined), 1000);
    await closeRedis(this.connection);
  }
}
