import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config.js';
import { Sql, placeholders } from '../../db/sql.js';
import { within } from '../../redis/redis.module.js';
import { toWebhookEvent, type EventRow, type WebhookEvent } from './webhook-payload.js';
import { WebhookQueue } from './webhooks.queue.js';
import type { WebhookEventType } from './webhook.entity.js';
import { WebhookTypes } from './webhook-types.js';

const BATCH = 200;
const POLL_MS = 1000;
/** With no endpoint wanting anything, rows left from before are cleared this often. */
const IDLE_SWEEP_MS = 60_000;

/**
 * Fans the event rows out to the endpoints that want them, as `webhooks` jobs, then deletes the
 * rows. Runs in every process (API and worker), each second while some endpoint is on: rows
 * written by a process that died before relaying them are relayed by any other. Two relays on the
 * same rows add each job once (its id is `<endpointId>-<eventId>`) and delete the rows twice.
 */
@Injectable()
export class WebhookRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(WebhookRelay.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastIdleSweep = 0;
  private redisDown = false;

  constructor(
    private readonly sql: Sql,
    private readonly queue: WebhookQueue,
    private readonly config: AppConfig,
    private readonly types: WebhookTypes,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), POLL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await within(this.running ?? Promise.resolve(), 3000);
  }

  private tick(): void {
    if (this.running) return;
    const idle = !this.types.any;
    if (idle && Date.now() - this.lastIdleSweep < IDLE_SWEEP_MS) return;
    if (idle) this.lastIdleSweep = Date.now();
    this.running = this.relay()
      .then(() => undefined)
      .catch((err: Error) => this.log.warn({ err: err.message }, 'webhook relay round failed'))
      .finally(() => (this.running = undefined));
  }

  /** Relays everything waiting now; exposed for tests. */
  async relay(): Promise<number> {
    let relayed = 0;
    for (;;) {
      const rows = await this.sql.rows<EventRow>(
        `SELECT e.id, e.type, e.created_at, e.detail, e.comment_id, e.commenter_id,
                c.body, c.status, c.decision_reason, c.parent_id, c.created_at AS comment_created_at,
                c.article_id, a.url AS article_url, a.title AS article_title, w.id AS author_id, w.display_name
           FROM webhook_events e
           LEFT JOIN comments c ON c.id = e.comment_id
           LEFT JOIN articles a ON a.id = c.article_id
           LEFT JOIN commenters w ON w.id = COALESCE(e.commenter_id, c.commenter_id)
          ORDER BY e.id ASC LIMIT $1`,
        [BATCH],
      );
      if (rows.length === 0) return relayed;
      const endpoints = (await this.sql.rows<{ id: string; events: string }>('SELECT id, events FROM webhook_endpoints WHERE enabled = $1', [true])).map((e) => ({
        id: e.id,
        events: new Set(JSON.parse(e.events) as WebhookEventType[]),
      }));
      const deliveries: Array<{ endpointId: string; event: WebhookEvent }> = [];
      for (const row of rows) {
        const wanting = endpoints.filter((e) => e.events.has(row.type));
        if (wanting.length === 0) continue;
        const event = toWebhookEvent(row, (v) => this.sql.time(v), this.config.publicUrl);
        for (const endpoint of wanting) deliveries.push({ endpointId: endpoint.id, event });
      }
      try {
        await this.queue.addDeliveries(deliveries);
      } catch (err) {
        if (!this.redisDown) this.log.warn({ err: (err as Error).message, held: rows.length }, 'webhooks queue unavailable: events held');
        this.redisDown = true;
        return relayed;
      }
      this.redisDown = false;
      const ids = rows.map((row) => row.id);
      await this.sql.run(`DELETE FROM webhook_events WHERE id IN (${placeholders(ids.length)})`, ids);
      relayed += deliveries.length;
      if (rows.length < BATCH) return relayed;
    }
  }
}
