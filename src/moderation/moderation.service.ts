import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import DataLoader from 'dataloader';
import type { EntityManager, Repository } from 'typeorm';
import { Article } from '../comments/article.entity.js';
import { Sql, valuesList, type Statement } from '../db/sql.js';
import { Transactions } from '../db/transactions.js';
import { CommentEvents } from '../comments/comment-events.js';
import { Comment, type CommentStatus } from '../comments/comment.entity.js';
import { DecisionStats, uuidv7Time } from '../metrics/decision-stats.js';
import type { Finding } from '../rules/types.js';
import { AuditEntry, auditRow } from './audit-entry.entity.js';
import { ModerationLogEntry, type Actor } from './moderation-log.entity.js';

export interface Transition {
  commentId: string;
  /** The statuses the change is allowed from; anything else is a conflict. */
  from: readonly CommentStatus[];
  to: CommentStatus;
  actor: Actor;
  actorId?: string | null;
  reason?: string | null;
  note?: string | null;
  findings?: Finding[];
  /** The comment's article, when the caller already knows it (saves a read). */
  articleId?: string;
  /** The normalised-text hash the rules computed (stored for the duplicate rules). */
  textHash?: string;
}

export type TransitionResult =
  | { changed: true; comment: Comment; previous: CommentStatus; reportsCleared?: boolean }
  | { changed: false; comment: Comment | null };

/*
 * A moderator's decision also settles readers' reports: the comment leaves the `reported` queue,
 * comes back to the public list if HIDE_REPORTED had hidden it, and its report count starts over.
 * Approving a reported comment that is still published is therefore a change (published →
 * published), guarded like any other, so two moderators approving it at once apply it once.
 */

/**
 * The one place a comment's status changes — the worker and moderators both come through here.
 * The update is conditional on the status it expects, so retries, duplicate jobs and two moderators
 * at once can never apply a decision twice or log it twice.
 */
@Injectable()
export class ModerationService {
  private readonly log = new Logger(ModerationService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
    private readonly stats: DecisionStats,
    private readonly sql: Sql,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
  ) {}

  async transition(t: Transition): Promise<TransitionResult> {
    // A comment's first decision by the rules (pending, article known, no moderator bookkeeping)
    // joins the batch of decisions in flight; everything else goes one by one, reading the comment first.
    const firstDecision = t.from.length === 1 && t.from[0] === 'pending' && t.articleId !== undefined && t.actor !== 'moderator';
    const result = firstDecision ? await this.known.load(t) : await this.oneByOne(t);
    if (result.changed) {
      this.log.debug({ commentId: t.commentId, from: result.previous, to: t.to, actor: t.actor }, 'comment status changed');
      const { comment } = result;
      this.stats.record({
        commentId: t.commentId,
        from: result.previous,
        to: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
        submittedAt: comment.createdAt ?? uuidv7Time(t.commentId),
        decidedAt: comment.decidedAt ?? new Date(),
      });
      await this.events.emit({
        type: 'comment.changed',
        articleId: comment.articleId,
        commentId: t.commentId,
        from: result.previous,
        to: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
        ...(result.reportsCleared ? { reportsCleared: true } : {}),
      });
    }
    return result;
  }

  /** Reads the comment, checks the expected status, applies the change and its bookkeeping: one transaction. */
  private oneByOne(t: Transition): Promise<TransitionResult> {
    return this.transactions.run(async (manager): Promise<TransitionResult> => {
      const current = await manager.findOneBy(Comment, { id: t.commentId });
      if (current === null || !t.from.includes(current.status)) return { changed: false, comment: current };
      const previous = current.status;
      const byModerator = t.actor === 'moderator';
      const clearsReports = byModerator && previous === 'published' && t.to === 'published' && current.reportedAt != null;
      if (previous === t.to && !clearsReports) return { changed: false, comment: current };
      const now = new Date();
      const publishedAt = t.to !== 'published' ? null : previous === 'published' ? (current.publishedAt ?? now) : now;
      const update = manager
        .createQueryBuilder()
        .update(Comment)
        .set({
          status: t.to,
          decisionReason: t.reason ?? null,
          decidedAt: now,
          publishedAt,
          ...(t.findings ? { findings: t.findings } : {}),
          ...(byModerator ? { reportCount: 0, reportedAt: null, hiddenAt: null } : {}),
          ...(t.textHash ? { textHash: t.textHash } : {}),
        })
        .where('id = :id AND status = :previous', { id: t.commentId, previous });
      if (clearsReports) update.andWhere('reported_at IS NOT NULL');
      if ((await update.execute()).affected !== 1) return { changed: false, comment: await manager.findOneBy(Comment, { id: t.commentId }) };

      // A comment HIDE_REPORTED hid was already taken off the article's count.
      const wasCounted = previous === 'published' && current.hiddenAt == null;
      const delta = (t.to === 'published' ? 1 : 0) - (wasCounted ? 1 : 0);
      if (delta !== 0) {
        await manager
          .createQueryBuilder()
          .update(Article)
          .set({ publishedCount: () => `published_count + ${delta}` })
          .where('id = :id', { id: current.articleId })
          .execute();
      }
      const counts = this.historyCounts([{ commenterId: current.commenterId, from: previous, to: t.to }]);
      if (counts) await this.sql.run(counts.text, counts.params, manager);
      await manager.insert(ModerationLogEntry, {
        commentId: t.commentId,
        fromStatus: previous,
        toStatus: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
        note: t.note ?? null,
        createdAt: now,
      });
      if (byModerator) {
        await manager.insert(
          AuditEntry,
          auditRow({
            createdAt: now,
            action: t.to === 'published' ? 'comment.approve' : 'comment.reject',
            moderatorId: t.actorId ?? null,
            commentId: t.commentId,
            commenterId: current.commenterId,
            fromStatus: previous,
            toStatus: t.to,
            reason: t.reason ?? null,
            note: t.note ?? null,
            detail: current.reportedAt != null ? { reportsCleared: current.reportCount } : null,
          }),
        );
      }
      return {
        changed: true,
        previous,
        reportsCleared: clearsReports || (byModerator && current.reportedAt != null),
        comment: Object.assign(current, {
          status: t.to,
          decisionReason: t.reason ?? null,
          decidedAt: now,
          publishedAt,
          findings: t.findings ?? current.findings ?? null,
          ...(byModerator ? { reportCount: 0, reportedAt: null, hiddenAt: null } : {}),
        }),
      };
    });
  }

  /**
   * The commenters' history counts (the rules' facts) in step with status changes: comments past
   * `pending`, and comments now published or rejected. Null when nothing changes.
   */
  private historyCounts(changes: Array<{ commenterId: string; from: CommentStatus; to: CommentStatus }>): Statement | null {
    const deltas = new Map<string, [number, number, number]>();
    for (const { commenterId, from, to } of changes) {
      const d = deltas.get(commenterId) ?? [0, 0, 0];
      d[0] += Number(from === 'pending') - Number(to === 'pending');
      d[1] += Number(to === 'published') - Number(from === 'published');
      d[2] += Number(to === 'rejected') - Number(from === 'rejected');
      deltas.set(commenterId, d);
    }
    // Sorted, so concurrent batches lock commenter rows in the same order.
    const rows = [...deltas].filter(([, d]) => d.some((n) => n !== 0)).sort(([a], [b]) => (a < b ? -1 : 1));
    if (rows.length === 0) return null;
    return {
      text: `UPDATE commenters SET comment_count = comment_count + v.column2, published_count = published_count + v.column3, rejected_count = rejected_count + v.column4
               FROM (VALUES ${rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}::int, $${i * 4 + 3}::int, $${i * 4 + 4}::int)`).join(', ')}) AS v
              WHERE commenters.id = v.column1`,
      params: rows.flatMap(([id, d]) => [id, ...d]),
    };
  }

  /**
   * Decisions whose current status and article are known (the rules': pending → …), gathered from
   * the jobs in flight and applied together: one conditional UPDATE … FROM (VALUES …) RETURNING for
   * the batch (a row whose status moved meanwhile is simply not updated, so a retried or duplicate
   * job changes nothing and logs nothing), the articles' counts, and the log rows, in one transaction.
   */
  private readonly known = new DataLoader<Transition, TransitionResult>((batch) => this.applyKnown(batch), {
    cache: false,
    maxBatchSize: 500,
    batchScheduleFn: (callback) => setImmediate(callback),
  });

  private async applyKnown(batch: readonly Transition[]): Promise<TransitionResult[]> {
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
        params.push(t.commentId, t.from[0], t.to, t.reason ?? null, t.findings ? JSON.stringify(t.findings) : null, t.textHash ?? null);
        return `(${[1, 2, 3, 4, 5, 6].map((i) => `$${at + i}`).join(', ')})`;
      });
      const updated = await this.sql.rows<{ id: string; commenter_id: string; created_at: unknown }>(
        `UPDATE comments SET status = v.column3, decision_reason = v.column4, decided_at = $1,
                published_at = CASE WHEN v.column3 = 'published' THEN $1::timestamp ELSE NULL END,
                findings = COALESCE(v.column5, comments.findings), text_hash = COALESCE(v.column6, comments.text_hash)
           FROM (VALUES ${values.join(', ')}) AS v
          WHERE comments.id = v.column1 AND comments.status = v.column2
          RETURNING comments.id AS id, comments.commenter_id AS commenter_id, comments.created_at AS created_at`,
        params,
        manager,
      );
      const done = new Map(updated.map((row) => [row.id, this.sql.time(row.created_at)]));
      const applied = decisions.filter((t) => done.has(t.commentId));
      if (applied.length === 0) return done;
      const published = new Map<string, number>();
      for (const t of applied) if (t.to === 'published') published.set(t.articleId!, (published.get(t.articleId!) ?? 0) + 1);
      const to = new Map(applied.map((t) => [t.commentId, t.to]));
      const counts = this.historyCounts(updated.map((row) => ({ commenterId: row.commenter_id, from: 'pending', to: to.get(row.id)! })));
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
        ],
        manager,
      );
      return done;
    });
  }

  /**
   * PostgreSQL: the same as one statement (data-modifying CTEs, atomic on its own): one round
   * trip, and the shared rows (commenters, articles) locked only while it runs.
   */
  private async decideInOneStatement(decisions: Transition[], now: Date): Promise<Map<string, Date>> {
    const params: unknown[] = [now];
    const values = decisions.map((t) => {
      const at = params.length;
      params.push(t.commentId, t.to, t.reason ?? null, t.findings ? JSON.stringify(t.findings) : null, t.textHash ?? null, t.actor, t.actorId ?? null, t.note ?? null);
      return `(${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `$${at + i}`).join(', ')})`;
    });
    const rows = await this.sql.rows<{ id: string; created_at: unknown }>(
      `WITH u AS (
         UPDATE comments SET status = v.column2, decision_reason = v.column3, decided_at = $1,
                published_at = CASE WHEN v.column2 = 'published' THEN $1::timestamp ELSE NULL END,
                findings = COALESCE(v.column4, comments.findings), text_hash = COALESCE(v.column5, comments.text_hash)
           FROM (VALUES ${values.join(', ')}) AS v
          WHERE comments.id = v.column1 AND comments.status = 'pending'
          RETURNING comments.id, comments.commenter_id, comments.article_id, comments.created_at,
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
          WHERE articles.id = d.article_id)
       SELECT id, created_at FROM u`,
      params,
    );
    return new Map(rows.map((row) => [row.id, this.sql.time(row.created_at)]));
  }
}
