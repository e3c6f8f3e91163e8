import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import type { Repository } from 'typeorm';
import { Comment } from '../../comments/comment.entity.js';
import { Sql, placeholders, valuesList } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { historyCounts } from './history-counts.js';
import { decisionNotificationsSql, notifyDecisions } from '../../readers/notifications/notification-writes.js';
import type { Transition, TransitionResult } from './transition.js';
import { decisionEventsSql } from '../../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../../integrations/webhooks/webhook-types.js';

/**
 * Comments' first decisions by the rules (pending → …, article known), for ModerationService only:
 * gathered from the jobs in flight and applied together. One conditional UPDATE … FROM (VALUES …)
 * for the batch — a row whose status moved meanwhile is simply not updated, so a retried or
 * duplicate job changes nothing and logs nothing — with the log rows, the commenters' counts, the
 * articles' counts and the notifications, atomically.
 */
@Injectable()
export class FirstDecisions {
  constructor(
    private readonly transactions: Transactions,
    private readonly sql: Sql,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    private readonly webhooks: WebhookTypes,
  ) {}

  private readonly batches = new DataLoader<Transition, TransitionResult>((batch) => this.applyBatch(batch), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (callback) => setImmediate(callback),
  });

  /** Applies one comment's first decision with the others in flight. */
  apply(t: Transition): Promise<TransitionResult> {
    return this.batches.load(t);
  }

  private async applyBatch(batch: readonly Transition[]): Promise<TransitionResult[]> {
    const now = new Date();
    // One decision per comment per batch: a duplicate job's copy finds the status already moved.
    const first = new Map<string, Transition>();
    for (const t of batch) if (!first.has(t.commentId)) first.set(t.commentId, t);
    const decisions = [...first.values()];
    const changed = this.sql.isPostgres ? await this.decideInOneStatement(decisions, now) : await this.decideInTransaction(decisions, now);
    return Promise.all(
      batch.map(async (t): Promise<TransitionResult> => {
        const createdAt = changed.get(t.commentId);
        if (!createdAt || first.get(t.commentId) !== t) return { changed: false, comment: await this.comments.findOneBy({ id: t.commentId }) };
        return {
          changed: true,
          previous: t.from[0]!,
          comment: Object.assign(new Comment(), {
            id: t.commentId,
            articleId: t.articleId!,
            createdAt,
            status: t.to,
            decisionReason: t.reason ?? null,
            decidedAt: now,
            publishedAt: t.to === 'published' ? now : null,
            findings: t.findings ?? null,
            textHash: t.textHash ?? null,
          }),
        };
      }),
    );
  }

  /** SQLite: the batch's update, then its log rows and counts, in one transaction. */
  private decideInTransaction(decisions: Transition[], now: Date): Promise<Map<string, Date>> {
    return this.transactions.run(async (manager) => {
      const params: unknown[] = [now];
      const values = decisions.map((t) => {
        const at = params.length;
        params.push(t.commentId, t.from[0], t.to, t.reason ?? null, t.findings ? JSON.stringify(t.findings) : null, t.textHash ?? null, t.editCount ?? null);
        return `(${[1, 2, 3, 4, 5, 6].map((i) => `$${at + i}`).join(', ')}, $${at + 7}::int)`;
      });
      const updated = await this.sql.rows<{ id: string; commenter_id: string; created_at: unknown; parent_id: string | null }>(
        `UPDATE comments SET status = v.column3, decision_reason = v.column4, decided_at = $1,
                published_at = CASE WHEN v.column3 = 'published' THEN $1::timestamp ELSE NULL END,
                findings = COALESCE(v.column5, comments.findings), text_hash = COALESCE(v.column6, comments.text_hash)
           FROM (VALUES ${values.join(', ')}) AS v
          WHERE comments.id = v.column1 AND comments.status = v.column2 AND (v.column7 IS NULL OR comments.edit_count = v.column7)
          RETURNING comments.id AS id, comments.commenter_id AS commenter_id, comments.created_at AS created_at, comments.parent_id AS parent_id`,
        params,
        manager,
      );
      const done = new Map(updated.map((row) => [row.id, this.sql.time(row.created_at)]));
      const applied = decisions.filter((t) => done.has(t.commentId));
      if (applied.length === 0) return done;
      const to = new Map(applied.map((t) => [t.commentId, t.to]));
      const published = new Map<string, number>();
      for (const t of applied) if (t.to === 'published') published.set(t.articleId!, (published.get(t.articleId!) ?? 0) + 1);
      const replies = new Map<string, number>();
      for (const row of updated) if (row.parent_id && to.get(row.id) === 'published') replies.set(row.parent_id, (replies.get(row.parent_id) ?? 0) + 1);
      const counts = historyCounts(updated.map((row) => ({ commenterId: row.commenter_id, from: 'pending', to: to.get(row.id)! })));
      // The log, then the shared rows (commenters, the article's count) last: their locks are held briefly.
      await this.sql.writeAll(
        [
          {
            text: `INSERT INTO moderation_log (comment_id, from_status, to_status, actor, actor_id, reason, note, created_at) VALUES ${valuesList(applied.length, 8)}`,
            params: applied.flatMap((t) => [t.commentId, t.from[0], t.to, t.actor, t.actorId ?? null, t.reason ?? null, t.note ?? null, now]),
          },
          ...(counts ? [counts] : []),
          ...[...published]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([articleId, n]) => ({ text: 'UPDATE articles SET published_count = published_count + $1::int WHERE id = $2', params: [n, articleId] })),
          ...[...replies]
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([parentId, n]) => ({ text: 'UPDATE comments SET reply_count = reply_count + $1::int WHERE id = $2', params: [n, parentId] })),
        ],
        manager,
      );
      const told = applied.filter((t) => t.to === 'published' || t.to === 'rejected').map((t) => t.commentId);
      await notifyDecisions(this.sql, manager, told, now, { trim: false });
      const hooked = this.webhooks.decisionStatuses(applied.map((t) => t.to));
      if (hooked.length > 0) {
        const source = `(SELECT id, commenter_id, status AS to_status FROM comments WHERE id IN (${placeholders(applied.length, 2)}))`;
        await this.sql.run(decisionEventsSql(source, '$1::timestamp', hooked), [now, ...applied.map((t) => t.commentId)], manager);
      }
      return done;
    });
  }

  /**
   * PostgreSQL: the same as one statement (data-modifying CTEs, atomic on its own): one round
   * trip, and the shared rows (commenters, articles) locked only while it runs.
   */
  private async decideInOneStatement(decisions: Transition[], now: Date): Promise<Map<string, Date>> {
    const hooked = this.webhooks.decisionStatuses(decisions.map((t) => t.to));
    const params: unknown[] = [now];
    const values = decisions.map((t) => {
      const at = params.length;
      params.push(t.commentId, t.to, t.reason ?? null, t.findings ? JSON.stringify(t.findings) : null, t.textHash ?? null, t.actor, t.actorId ?? null, t.note ?? null, t.editCount ?? null);
      return `(${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `$${at + i}`).join(', ')}, $${at + 9}::int)`;
    });
    const rows = await this.sql.rows<{ id: string; created_at: unknown }>(
      `WITH u AS (
         UPDATE comments SET status = v.column2, decision_reason = v.column3, decided_at = $1,
                published_at = CASE WHEN v.column2 = 'published' THEN $1::timestamp ELSE NULL END,
                findings = COALESCE(v.column4, comments.findings), text_hash = COALESCE(v.column5, comments.text_hash)
           FROM (VALUES ${values.join(', ')}) AS v
          WHERE comments.id = v.column1 AND comments.status = 'pending' AND (v.column9 IS NULL OR comments.edit_count = v.column9)
          RETURNING comments.id, comments.commenter_id, comments.article_id, comments.created_at, comments.parent_id, comments.reply_to_id,
                    v.column2 AS to_status, v.column3 AS reason, v.column6 AS actor, v.column7 AS actor_id, v.column8 AS note),
       logged AS (
         INSERT INTO moderation_log (comment_id, from_status, to_status, actor, actor_id, reason, note, created_at)
         SELECT id, 'pending', to_status, actor, actor_id, reason, note, $1 FROM u ORDER BY id),
       counted AS (
         UPDATE commenters SET comment_count = comment_count + d.n, published_count = published_count + d.p, rejected_count = rejected_count + d.r
           FROM (SELECT commenter_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE to_status = 'published') AS p,
                        COUNT(*) FILTER (WHERE to_status = 'rejected') AS r
                   FROM u GROUP BY commenter_id) d
          WHERE commenters.id = d.commenter_id),
       listed AS (
         UPDATE articles SET published_count = published_count + d.n
           FROM (SELECT article_id, COUNT(*) AS n FROM u WHERE to_status = 'published' GROUP BY article_id) d
          WHERE articles.id = d.article_id),
       replied AS (
         UPDATE comments SET reply_count = reply_count + d.n
           FROM (SELECT parent_id, COUNT(*) AS n FROM u WHERE to_status = 'published' AND parent_id IS NOT NULL GROUP BY parent_id) d
          WHERE comments.id = d.parent_id),
       notified AS (${decisionNotificationsSql('u', '$1::timestamp')})${hooked.length > 0 ? `,
       hooked AS (${decisionEventsSql('u', '$1::timestamp', hooked)})` : ''}
       SELECT id, created_at FROM u`,
      params,
    );
    return new Map(rows.map((row) => [row.id, this.sql.time(row.created_at)]));
  }
}
