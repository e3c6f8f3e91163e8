import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { Sql } from '../../db/sql.js';
import { InjectRedis, closeRedis } from '../../redis/redis.module.js';
import { subscribe } from '../../redis/subscription.js';
import type { WebhookEventType } from './webhook.entity.js';

/** Re-read this often even without news (a missed message, a change made straight in the database). */
const REFRESH_MS = 10_000;

/**
 * Which event types some enabled endpoint wants, known in every process without a query: the
 * comment path asks it on every write, and costs nothing while no webhook is registered. Dropped
 * and read again in every process when an endpoint changes (Redis pub/sub), and every 10 s anyway.
 */
@Injectable()
export class WebhookTypes implements OnApplicationBootstrap, OnApplicationShutdown {
  private wanted = new Set<WebhookEventType>();
  private subscriber?: Redis;
  private timer?: NodeJS.Timeout;
  private readonly log = new Logger(WebhookTypes.name);

  constructor(
    private readonly sql: Sql,
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  private get channel(): string {
    return `${this.config.queuePrefix}:webhooks:changed`;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reload();
    this.subscriber = subscribe(this.config.redisUrl, 'comments-webhook-types', this.channel, {
      onMessage: () => void this.reload(),
      onSubscribed: (again) => again && void this.reload(),
      onError: (err) => this.log.debug({ err: err.message }, 'webhook change subscription failed'),
    });
    this.timer = setInterval(() => void this.reload(), REFRESH_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    if (this.subscriber) await closeRedis(this.subscriber);
  }

  wants(type: WebhookEventType): boolean {
    return this.wanted.has(type);
  }

  /** Any type at all (the relay only looks for rows then). */
  get any(): boolean {
    return this.wanted.size > 0;
  }

  /** Of these decision statuses, those some endpoint hears of. */
  decisionStatuses(statuses: ReadonlyArray<string>): Array<'published' | 'rejected'> {
    return (['published', 'rejected'] as const).filter((s) => statuses.includes(s) && this.wanted.has(`comment.${s}`));
  }

  /** After a change of the endpoints: this process at once, the others by message. */
  async changed(): Promise<void> {
    await this.reload();
    await this.redis.publish(this.channel, '1').catch((err: Error) => this.log.warn({ err: err.message }, 'could not announce a webhook change; other processes see it within 10 s'));
  }

  async reload(): Promise<void> {
    try {
      const rows = await this.sql.rows<{ events: string }>('SELECT events FROM webhook_endpoints WHERE enabled = $1', [true]);
      const next = new Set<WebhookEventType>();
      for (const row of rows) for (const type of JSON.parse(row.events) as WebhookEventType[]) next.add(type);
      this.wanted = next;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'could not read the webhook endpoints; keeping what was known');
    }
  }
}
