import { Injectable } from '@nestjs/common';
import type { CommentStatus } from '../../comments/comment.entity.js';
import { AppError } from '../../errors.js';
import type { RejectReason } from '../moderation.dto.js';
import { ModerationService } from '../decisions/moderation.service.js';
import { currentState, toModerationComment, type ModerationCommentView } from './views.js';

export type DecisionAction = 'approve' | 'reject';

export interface Decision {
  action: DecisionAction;
  reason?: RejectReason;
  note?: string;
  expectedStatus?: CommentStatus;
  /** The text the moderator read (the latest revision; null: never edited): an edit since is a conflict. */
  revisionId?: string | null;
}

/*
 * With expectedStatus (the status the moderator saw), approve: from review, rejected (a reversal),
 * pending (ahead of the rules) or published (clears the reports of a reported one); reject: from
 * review, pending or published (a removal). Anything else now is a 409 with the state. A deleted
 * comment is never moved. On a published comment whose edit waits, both decide the edit
 * (ModerationService): approve publishes its text, reject takes the comment out of the list.
 */
const FROM: Record<DecisionAction, readonly CommentStatus[]> = {
  approve: ['in_review', 'rejected', 'pending', 'published'],
  reject: ['in_review', 'pending', 'published'],
};

/*
 * Without expectedStatus a decision applies only to a comment waiting for one: pending, in review,
 * or published and in the reported queue. Reversing a decided comment must name the status the
 * moderator saw, so two moderators acting at once never silently undo each other: once one has
 * decided, the comment no longer waits and the other gets the 409.
 */
const WAITING: readonly CommentStatus[] = ['in_review', 'pending', 'published'];

export type BulkResult =
  | { id: string; ok: true; status: CommentStatus }
  | { id: string; ok: false; error: 'CONFLICT' | 'NOT_FOUND'; status: CommentStatus | null };

/** A moderator's decisions, each through ModerationService.transition (the one place statuses change). */
@Injectable()
export class DecisionsService {
  constructor(private readonly moderation: ModerationService) {}

  async decide(moderatorId: string, commentId: string, decision: Decision): Promise<{ comment: ModerationCommentView; previous: CommentStatus }> {
    if (!/^[0-9a-f-]{36}$/.test(commentId)) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const result = await this.moderation.transition({
      commentId,
      from: decision.expectedStatus ? FROM[decision.action].filter((s) => s === decision.expectedStatus) : WAITING,
      publishedOnlyIfReported: !decision.expectedStatus,
      to: decision.action === 'approve' ? 'published' : 'rejected',
      actor: 'moderator',
      actorId: moderatorId,
      reason: decision.action === 'reject' ? decision.reason : null,
      note: decision.note ?? null,
      ...(decision.revisionId !== undefined ? { revisionId: decision.revisionId } : {}),
    });
    if (result.changed) return { comment: toModerationComment(result.comment), previous: result.previous };
    if (!result.comment) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const { status, editCount } = result.comment;
    const edits = editCount > 0 ? ` (its text edited ${editCount} time${editCount > 1 ? 's' : ''})` : '';
    throw new AppError('CONFLICT', 409, `The comment is ${status}${edits} now; nothing was changed`, { current: currentState(result.comment) });
  }

  /** One at a time, each on its own: a conflict on one id never stops the others. */
  async bulk(moderatorId: string, ids: string[], decision: Decision): Promise<BulkResult[]> {
    const results: BulkResult[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        const { comment } = await this.decide(moderatorId, id, decision);
        results.push({ id, ok: true, status: comment.status });
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'CONFLICT' && err.code !== 'NOT_FOUND')) throw err;
        const current = err.extra.current as { status: CommentStatus } | undefined;
        results.push({ id, ok: false, error: err.code, status: current?.status ?? null });
      }
    }
    return results;
  }
}
