import { Injectable, Logger } from '@nestjs/common';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { CommentEvents } from '../../comments/comment-events.js';
import type { EntityManager } from 'typeorm';
import { latestRevision, settleRevision, supersedeWaiting } from '../../comments/comment-revisions.js';
import type { CommentRevision } from '../../comments/comment-revision.entity.js';
import { Comment } from '../../comments/comment.entity.js';
import { DecisionStats, uuidv7Time } from '../../metrics/decision-stats.js';
import { AuditEntry, auditRow } from './audit-entry.entity.js';
import { FirstDecisions } from './first-decisions.js';
import { dedupeKey } from '../../rules/normalise.js';
import { historyCounts } from './history-counts.js';
import { adjustListedCounts } from './listed-counts.js';
import { dedupeHash } from './text-hash.js';
import { ModerationLogEntry } from './moderation-log.entity.js';
import type { EditOutcome, Transition, TransitionResult } from './transition.js';
import { notifyDecisions } from '../../readers/notifications/notification-writes.js';
import { recordWebhookEvent } from '../../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../../integrations/webhooks/webhook-types.js';

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
    private readonly firstDecisions: FirstDecisions,
    private readonly webhooks: WebhookTypes,
  ) {}

  async transition(t: Transition): Promise<TransitionResult> {
    // A comment's first decision by the rules (pending, article known, no moderator bookkeeping)
    // joins the batch of decisions in flight; everything else goes one by one, reading the comment first.
    // An edited comment's decision also settles its revision: one by one (edits are rare).
    const firstDecision =
      t.from.length === 1 && t.from[0] === 'pending' && t.articleId !== undefined && t.actor !== 'moderator' && !t.editCount && t.revisionId === undefined;
    const result = firstDecision ? await this.firstDecisions.apply(t) : await this.oneByOne(t);
    if (result.changed) {
      const { comment, edit } = result;
      const change = { commentId: t.commentId, from: result.previous, to: t.to, actor: t.actor, actorId: t.actorId ?? null, reason: t.reason ?? null };
      this.log.debug({ ...change, ...(edit ? { edit } : {}) }, 'comment status changed');
      // An author's edit or deletion is no moderation decision.
      if (t.actor !== 'author') this.stats.record({ ...change, submittedAt: comment.createdAt ?? uuidv7Time(t.commentId), decidedAt: comment.decidedAt ?? new Date() });
      if (edit?.outcome === 'in_review') {
        // The comment itself stays published with its text: only the moderators' queue changes.
        await this.events.emit({ type: 'comment.revised', articleId: comment.articleId, commentId: t.commentId, revisionId: edit.revisionId, status: 'in_review' });
        return result;
      }
      await this.events.emit({
        type: 'comment.changed',
        articleId: comment.articleId,
        ...change,
        ...(result.reportsCleared ? { reportsCleared: true } : {}),
        ...(edit?.outcome === 'published' ? { edited: true } : {}),
      });
    }
    return result;
  }

  /** Reads the comment, checks the expected status, applies the change and its bookkeeping: one transaction. */
  private oneByOne(t: Transition): Promise<TransitionResult> {
    return this.transactions.run(async (manager): Promise<TransitionResult> => {
      const current = await manager.findOneBy(Comment, { id: t.commentId });
      if (current === null || !t.from.includes(current.status)) return { changed: false, comment: current };
      if (t.editCount !== undefined && current.editCount !== t.editCount) return { changed: false, comment: current };
      if (t.revisionStatus !== undefined && current.revisionStatus !== t.revisionStatus) return { changed: false, comment: current };
      const latest = current.editCount > 0 ? await latestRevision(manager, current.id) : null;
      if (t.revisionId !== undefined && (latest?.id ?? null) !== t.revisionId) return { changed: false, comment: current };
      const now = new Date();
      // A published comment's edit waits: decisions are on its text (a deletion is not).
      const edit = current.revisionStatus != null && t.to !== 'deleted' ? latest : null;
      if (edit && t.to === 'in_review') return holdEdit(manager, current, edit, t, now);
      const previous = current.status;
      const reportedOnly = t.publishedOnlyIfReported === true && previous === 'published' && !edit;
      if (reportedOnly && current.reportedAt == null) return { changed: false, comment: current };
      const byModerator = t.actor === 'moderator';
      const clearsReports = byModerator && previous === 'published' && t.to === 'published' && current.reportedAt != null;
      if (previous === t.to && !clearsReports && !edit) return { changed: false, comment: current };
      // Published or rejected, the edit's text becomes the comment's (the author and moderators read it).
      const text = edit
        ? { body: edit.body, editedAt: now, findings: t.findings ?? edit.findings ?? null, textHash: t.textHash ?? dedupeHash(dedupeKey(edit.body)) }
        : {};
      const revision = current.revisionStatus != null ? { revisionStatus: null } : {};
      // Kept when it leaves the list: a top comment with published replies stays there as a placeholder, in its place.
      const publishedAt = current.publishedAt ?? (t.to === 'published' ? now : null);
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
          ...text,
          ...revision,
        })
        // The text read above, still: an edit meanwhile makes it a conflict.
        .where('id = :id AND status = :previous AND edit_count = :editCount', { id: t.commentId, previous, editCount: current.editCount });
      if (edit) update.andWhere('revision_status IS NOT NULL');
      if (clearsReports || reportedOnly) update.andWhere('reported_at IS NOT NULL');
      if ((await update.execute()).affected !== 1) return { changed: false, comment: await manager.findOneBy(Comment, { id: t.commentId }) };

      // A comment HIDE_REPORTED hid was already taken off the article's count.
      const wasCounted = previous === 'published' && current.hiddenAt == null;
      // Only a moderator's decision unhides it: the rules publishing its edit leave it hidden and uncounted.
      const isCounted = t.to === 'published' && (current.hiddenAt == null || byModerator);
      await adjustListedCounts(manager, current, (isCounted ? 1 : 0) - (wasCounted ? 1 : 0));
      const counts = historyCounts([{ commenterId: current.commenterId, from: previous, to: t.to }]);
      if (counts) await this.sql.run(counts.text, counts.params, manager);
      if (t.to === 'deleted') {
        if (current.revisionStatus != null) await supersedeWaiting(manager, current.id);
      } else if (latest && t.to !== 'pending') {
        await settleRevision(manager, latest.id, t.to, { reason: t.reason ?? null, findings: t.findings, decidedAt: now });
      }
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
      // Told in this transaction, so never lost nor told twice; an edit approved again is no news.
      if (previous !== t.to && (t.to === 'published' || t.to === 'rejected')) {
        await notifyDecisions(this.sql, manager, [t.commentId], now);
        if (this.webhooks.wants(`comment.${t.to}`)) await recordWebhookEvent(this.sql, manager, { type: `comment.${t.to}`, commentId: t.commentId, commenterId: current.commenterId }, now);
      }
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
            detail:
              current.reportedAt != null || edit
                ? { ...(current.reportedAt != null ? { reportsCleared: current.reportCount } : {}), ...(edit ? { revisionId: edit.id } : {}) }
                : null,
          }),
        );
      }
      return {
        changed: true,
        previous,
        reportsCleared: clearsReports || (byModerator && current.reportedAt != null),
        ...(edit ? { edit: { revisionId: edit.id, outcome: t.to as EditOutcome['outcome'] } } : {}),
        comment: Object.assign(current, {
          ...revision,
          status: t.to,
          decisionReason: t.reason ?? null,
          decidedAt: now,
          publishedAt,
          findings: t.findings ?? current.findings ?? null,
          ...text,
          ...(byModerator ? { reportCount: 0, reportedAt: null, hiddenAt: null } : {}),
        }),
      };
    });
  }
}

/**
 * The rules hold a published comment's edit for review: the comment keeps its status and its
 * public text; only the edit waits, now in the review queue.
 */
async function holdEdit(manager: EntityManager, current: Comment, edit: CommentRevision, t: Transition, now: Date): Promise<TransitionResult> {
  if (current.revisionStatus !== 'pending') return { changed: false, comment: current };
  const held = await manager
    .createQueryBuilder()
    .update(Comment)
    .set({ revisionStatus: 'in_review' })
    .where("id = :id AND status = 'published' AND edit_count = :editCount AND revision_status = 'pending'", { id: current.id, editCount: current.editCount })
    .execute();
  if (held.affected !== 1) return { changed: false, comment: await manager.findOneBy(Comment, { id: current.id }) };
  await settleRevision(manager, edit.id, 'in_review', { reason: t.reason ?? null, findings: t.findings, decidedAt: now });
  return {
    changed: true,
    previous: current.status,
    edit: { revisionId: edit.id, outcome: 'in_review' },
    comment: Object.assign(current, { revisionStatus: 'in_review' as const }),
  };
}
