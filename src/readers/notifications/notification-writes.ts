import type { EntityManager } from 'typeorm';
import { placeholders, type Sql } from '../../db/sql.js';
import type { NotificationType } from './notification.entity.js';

/*
 * Notifications are written by the code that makes the change they tell of, in its transaction
 * (the comment's status change, a pick, a warning): never from the lossy live events. Plain
 * functions over the caller's transaction, so moderation needs no reader module to call them.
 */

/** A reader keeps their newest this many; older ones go as new ones come. */
export const KEPT_PER_READER = 500;
/** How far past KEPT_PER_READER the rules' untrimmed batches may take a reader before their next look trims them. */
export const TRIM_SLACK = 50;

const COLUMNS = 'reader_id, type, event_key, comment_id, article_id, article_url, reason, actor_id, actor_name, created_at';

/** The reader has not turned the type off (no row: on). Both arguments are SQL expressions. */
const wants = (reader: string, type: string) =>
  `NOT EXISTS (SELECT 1 FROM notification_preferences p WHERE p.reader_id = ${reader} AND p.type = ${type} AND NOT p.enabled)`;

/**
 * The INSERT … SELECT of what some status changes tell. `source` is a relation of the changed
 * comments, (id, commenter_id, article_id, parent_id, reply_to_id, to_status, reason), each a real
 * change to `to_status` (an edit approved again, or a moderator clearing reports, is none); `now`
 * the time's placeholder. The author hears of `published` and `rejected`; a published reply is
 * news to the author of the comment it answers (the reply it mentions, else the thread's top
 * comment) — not to themselves, and not when that reader muted the replier. Repeats (a retried
 * job, a comment published again after a removal was reversed) hit the unique key and add nothing.
 */
export function decisionNotificationsSql(source: string, now: string): string {
  return `INSERT INTO notifications (${COLUMNS})
  SELECT s.commenter_id, s.to_status, s.id, s.id, s.article_id, a.url, CASE WHEN s.to_status = 'rejected' THEN s.reason END, NULL, NULL, ${now}
    FROM ${source} s JOIN articles a ON a.id = s.article_id
   WHERE s.to_status IN ('published', 'rejected') AND ${wants('s.commenter_id', 's.to_status')}
  UNION ALL
  SELECT r.commenter_id, 'reply', s.id, s.id, s.article_id, a.url, NULL, s.commenter_id, w.display_name, ${now}
    FROM ${source} s
    JOIN comments r ON r.id = COALESCE(s.reply_to_id, s.parent_id)
    JOIN articles a ON a.id = s.article_id
    JOIN commenters w ON w.id = s.commenter_id
   WHERE s.to_status = 'published' AND s.parent_id IS NOT NULL AND r.commenter_id <> s.commenter_id
     AND ${wants('r.commenter_id', "'reply'")}
     AND NOT EXISTS (SELECT 1 FROM reader_mutes m WHERE m.muter_id = r.commenter_id AND m.muted_id = s.commenter_id)
  ON CONFLICT DO NOTHING`;
}

/**
 * The status changes of these comments (already written in `manager`'s transaction) notify whom they
 * concern. `trim: false` for the rules' batches: trimming every recipient there walked each one's
 * newest 500 rows per batch on the busiest statement of the worker; those readers are trimmed when
 * they next look (NotificationsService), and every comment adds at most two rows meanwhile.
 */
export async function notifyDecisions(sql: Sql, manager: EntityManager, commentIds: readonly string[], now: Date, { trim = true } = {}): Promise<void> {
  if (commentIds.length === 0) return;
  const source = `(SELECT id, commenter_id, article_id, parent_id, reply_to_id, status AS to_status, decision_reason AS reason
                     FROM comments WHERE id IN (${placeholders(commentIds.length, 2)}))`;
  const rows = await sql.rows<{ reader_id: string }>(`${decisionNotificationsSql(source, '$1::timestamp')} RETURNING reader_id`, [now, ...commentIds], manager);
  if (trim) await prune(sql, manager, rows.map((row) => row.reader_id));
}

/** One notification to one reader (a pick, a warning), unless they turned its type off. */
export async function notifyReader(
  sql: Sql,
  manager: EntityManager,
  n: { readerId: string; type: NotificationType; eventKey: string; commentId?: string; articleId?: string },
  now: Date,
): Promise<void> {
  const rows = await sql.rows<{ reader_id: string }>(
    `INSERT INTO notifications (${COLUMNS})
     SELECT $1::varchar, $2::varchar, $3::varchar, $4::varchar, $5::varchar, (SELECT url FROM articles WHERE id = $5::varchar), NULL, NULL, NULL, $6::timestamp
      WHERE ${wants('$1::varchar', '$2::varchar')}
     ON CONFLICT DO NOTHING RETURNING reader_id`,
    [n.readerId, n.type, n.eventKey, n.commentId ?? null, n.articleId ?? null, now],
    manager,
  );
  await prune(sql, manager, rows.map((row) => row.reader_id));
}

async function prune(sql: Sql, manager: EntityManager, readers: string[]): Promise<void> {
  for (const reader of new Set(readers)) await trimReader(sql, reader, manager);
}

/** Keeps the reader's newest KEPT_PER_READER notifications. */
export async function trimReader(sql: Sql, readerId: string, manager?: EntityManager): Promise<void> {
  await sql.run(
    `DELETE FROM notifications WHERE reader_id = $1
        AND id < (SELECT x.id FROM notifications x WHERE x.reader_id = $1 ORDER BY x.id DESC LIMIT 1 OFFSET ${KEPT_PER_READER - 1})`,
    [readerId],
    manager,
  );
}
