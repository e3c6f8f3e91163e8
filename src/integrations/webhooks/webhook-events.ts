import type { EntityManager } from 'typeorm';
import type { Sql } from '../../db/sql.js';
import type { WebhookEventType } from './webhook.entity.js';

/*
 * Events are written by the code that makes the change they tell of, in its transaction (as
 * notifications are), and only when some enabled endpoint wants their type (WebhookTypes): plain
 * functions over the caller's transaction, so moderation needs no webhook module to call them.
 */

const COLUMNS = 'type, comment_id, commenter_id, detail, created_at';

export interface NewWebhookEvent {
  type: WebhookEventType;
  commentId?: string | null;
  commenterId?: string | null;
  detail?: Record<string, unknown> | null;
}

/** One event row, in `manager`'s transaction. */
export async function recordWebhookEvent(sql: Sql, manager: EntityManager | undefined, event: NewWebhookEvent, now = new Date()): Promise<void> {
  await sql.run(
    `INSERT INTO webhook_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)`,
    [event.type, event.commentId ?? null, event.commenterId ?? null, event.detail ? JSON.stringify(event.detail) : null, now],
    manager,
  );
}

/** `comment.created` rows for a batch of new comments, as a statement for Sql.writeAll (no reads: it may run as a CTE beside the inserts). */
export function createdEventsStatement(comments: ReadonlyArray<{ id: string; commenterId: string; createdAt: Date }>) {
  return {
    text: `INSERT INTO webhook_events (${COLUMNS}) VALUES ${comments.map((_, i) => `('comment.created', $${i * 3 + 1}, $${i * 3 + 2}, NULL, $${i * 3 + 3})`).join(', ')}`,
    params: comments.flatMap((c) => [c.id, c.commenterId, c.createdAt]),
  };
}

/**
 * The INSERT … SELECT of `comment.published` / `comment.rejected` rows for status changes: `source`
 * is a relation (id, commenter_id, to_status) of real changes; `now` the time's placeholder;
 * `types` the statuses some endpoint wants ('published', 'rejected'), never empty.
 */
export function decisionEventsSql(source: string, now: string, statuses: ReadonlyArray<'published' | 'rejected'>): string {
  return `INSERT INTO webhook_events (${COLUMNS})
  SELECT 'comment.' || s.to_status, s.id, s.commenter_id, NULL, ${now} FROM ${source} s
   WHERE s.to_status IN (${statuses.map((s) => `'${s}'`).join(', ')})`;
}
