import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { escapeHtml } from '../../common/html.js';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AuditEntry, auditRow } from '../../moderation/decisions/audit-entry.entity.js';
import { Mailer } from '../../readers/email/mailer.js';
import { InjectRedis } from '../../redis/redis.module.js';
import { signatureHeader } from '../signature.js';
import { postJson } from './webhook-http.js';
import { renderBody, type WebhookEvent } from './webhook-payload.js';
import { recordWebhookEvent } from './webhook-events.js';
import { WebhookTypes } from './webhook-types.js';
import type { DeliveryStatus, WebhookFormat } from './webhook.entity.js';
import { WebhookQueue } from './webhooks.queue.js';

/** An endpoint is switched off after this many failed attempts in a row (any endpoint's success resets the count). */
export const DISABLE_AFTER_FAILURES = 50;
/** Delivery log rows kept per endpoint (the newest). */
export const DELIVERIES_KEPT = 100;
/** `queue.backlog` goes out at most once in this many seconds, whatever the number of workers. */
const BACKLOG_ALERT_SECONDS = 3600;
/** What the review queue holds: comments held for review and published comments' edits held for review. */
const IN_REVIEW = "(status = 'in_review' OR (status = 'published' AND revision_status = 'in_review'))";

interface EndpointRow {
  id: string;
  url: string;
  format: WebhookFormat;
  enabled: unknown;
  secret: string;
  previous_secret: string | null;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/** The worker's side of webhooks: one delivery attempt, the backlog check, the admins' mail. */
@Injectable()
export class WebhookSender {
  private readonly log = new Logger(WebhookSender.name);

  constructor(
    private readonly config: AppConfig,
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly queue: WebhookQueue,
    private readonly types: WebhookTypes,
    private readonly modules: ModuleRef,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  /** One attempt (`attempt` of `attempts`): logged; a failure before the last attempt is for BullMQ to retry. */
  async deliver(endpointId: string, event: WebhookEvent, attempt: number, attempts: number, test = false): Promise<{ outcome: DeliveryOutcome; error?: string }> {
    const [endpoint] = await this.sql.rows<EndpointRow>('SELECT id, url, format, enabled, secret, previous_secret FROM webhook_endpoints WHERE id = $1', [endpointId]);
    // Deleted, or switched off meanwhile: the rest of its deliveries are dropped.
    if (!endpoint || (!test && !this.sql.bool(endpoint.enabled))) return { outcome: 'skipped' };
    const body = renderBody(event, endpoint.format);
    const secrets = endpoint.previous_secret ? [endpoint.secret, endpoint.previous_secret] : [endpoint.secret];
    const result = await postJson(
      endpoint.url,
      body,
      {
        'user-agent': `NewsComments-Webhooks/1 (+${this.config.publicUrl})`,
        'x-comments-signature': signatureHeader(body, secrets),
        'x-comments-event': event.type,
        'x-comments-delivery': WebhookQueue.jobId(endpointId, event.id),
      },
      this.config.webhookAllowPrivate,
    );
    const last = attempt >= attempts;
    const status: DeliveryStatus = result.error === null ? 'delivered' : last ? 'failed' : 'retrying';
    await this.logDelivery(endpointId, event, status, attempt, result.status, result.durationMs, result.error);
    if (status === 'delivered') {
      await this.sql.run('UPDATE webhook_endpoints SET failures = 0 WHERE id = $1 AND failures <> 0', [endpointId]);
      return { outcome: 'delivered' };
    }
    // A test event's failure is the admin's to see in the log, not a reason to switch the endpoint off.
    if (!test) await this.countFailure(endpointId, result.error!);
    return status === 'retrying' ? { outcome: 'retry', error: result.error! } : { outcome: 'failed', error: result.error! };
  }

  private async logDelivery(endpointId: string, event: WebhookEvent, status: DeliveryStatus, attempt: number, code: number | null, durationMs: number, error: string | null): Promise<void> {
    await this.sql.run(
      `INSERT INTO webhook_deliveries (endpoint_id, event_id, event_type, status, attempt, response_code, duration_ms, error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [endpointId, event.id, event.type, status, attempt, code, durationMs, error ? error.slice(0, 300) : null, new Date()],
    );
    await this.sql.run(
      `DELETE FROM webhook_deliveries WHERE endpoint_id = $1
          AND id < (SELECT x.id FROM webhook_deliveries x WHERE x.endpoint_id = $1 ORDER BY x.id DESC LIMIT 1 OFFSET ${DELIVERIES_KEPT - 1})`,
      [endpointId],
    );
  }

  /** One more failed attempt in a row (counted in the database, atomically); the 50th switches the endpoint off. */
  private async countFailure(endpointId: string, lastError: string): Promise<void> {
    const [row] = await this.sql.rows<{ failures: unknown }>('UPDATE webhook_endpoints SET failures = failures + 1 WHERE id = $1 AND enabled = $2 RETURNING failures', [endpointId, true]);
    if (!row || Number(row.failures) < DISABLE_AFTER_FAILURES) return;
    const now = new Date();
    const reason = `Switched off after ${DISABLE_AFTER_FAILURES} failed attempts in a row; the last: ${lastError}`.slice(0, 300);
    const switchedOff = await this.transactions.run(async (manager) => {
      const result = await this.sql.run(
        'UPDATE webhook_endpoints SET enabled = $1, disabled_reason = $2, disabled_at = $3, updated_at = $3 WHERE id = $4 AND enabled = $5',
        [false, reason, now, endpointId, true],
        manager,
      );
      if (result.affected !== 1) return false;
      await manager.insert(AuditEntry, auditRow({ createdAt: now, action: 'webhook.disabled', reason: 'failures', note: reason, detail: { webhookId: endpointId } }));
      return true;
    });
    if (!switchedOff) return;
    this.log.warn({ endpointId, reason }, 'webhook endpoint switched off');
    await this.types.changed();
    if (this.config.smtpUrl) await this.queue.addTellAdmins(endpointId, now).catch((err: Error) => this.log.warn({ err: err.message }, 'could not queue the mail to admins'));
  }

  /** The mail to every active admin that an endpoint was switched off. */
  async tellAdmins(endpointId: string): Promise<number> {
    if (!this.config.smtpUrl) return 0;
    const [endpoint] = await this.sql.rows<{ url: string; description: string | null; disabled_reason: string | null }>(
      'SELECT url, description, disabled_reason FROM webhook_endpoints WHERE id = $1',
      [endpointId],
    );
    if (!endpoint) return 0;
    const admins = await this.sql.rows<{ email: string }>("SELECT email FROM moderators WHERE role = 'admin' AND status = 'active'");
    const dashboard = `${this.config.publicUrl}/moderation#webhooks`;
    const name = endpoint.description ? `${endpoint.description} (${endpoint.url})` : endpoint.url;
    const why = endpoint.disabled_reason ?? 'Too many failed deliveries';
    // The e-mail module's transport (not imported here: it is registered once, by the shared module list).
    const mailer = this.modules.get(Mailer, { strict: false });
    for (const admin of admins) {
      await mailer.send({
        to: admin.email,
        subject: `Webhook switched off: ${endpoint.description ?? new URL(endpoint.url).host}`,
        text: `The comment service stopped sending webhooks to ${name}.\n\n${why}\n\nFix the receiver, then switch the endpoint on again in the dashboard: ${dashboard}\n`,
        html: `<p>The comment service stopped sending webhooks to <b>${escapeHtml(name)}</b>.</p><p>${escapeHtml(why)}</p><p>Fix the receiver, then switch the endpoint on again in the <a href="${escapeHtml(dashboard)}">dashboard</a>.</p>`,
      });
    }
    return admins.length;
  }

  /**
   * The review queue over REVIEW_BACKLOG_ALERT: one `queue.backlog` event, at most hourly (a Redis
   * key set only if absent, with a one-hour expiry: two workers checking at once send one).
   */
  async checkBacklog(): Promise<'off' | 'below' | 'sent' | 'already-sent'> {
    const threshold = this.config.reviewBacklogAlert;
    if (threshold === undefined || !this.types.wants('queue.backlog')) return 'off';
    const [row] = await this.sql.rows<{ n: unknown }>(`SELECT COUNT(*) AS n FROM comments WHERE ${IN_REVIEW}`);
    const inReview = Number(row?.n ?? 0);
    if (inReview <= threshold) return 'below';
    const first = await this.redis.set(`${this.config.queuePrefix}:webhooks:backlog-alert`, String(Date.now()), 'EX', BACKLOG_ALERT_SECONDS, 'NX');
    if (first !== 'OK') return 'already-sent';
    await recordWebhookEvent(this.sql, undefined, { type: 'queue.backlog', detail: { inReview, threshold } });
    return 'sent';
  }
}
