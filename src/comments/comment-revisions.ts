import { In, type EntityManager } from 'typeorm';
import type { Finding } from '../rules/types.js';
import { newCommentId } from './comment-id.js';
import { CommentRevision, type RevisionOutcome } from './comment-revision.entity.js';
import type { Comment } from './comment.entity.js';

/*
 * An edited comment's texts, oldest first. Invariant: while comments.revision_status is null, the
 * latest revision is the comment's own text (body); while it is set, the latest is the published
 * comment's edit waiting for moderation. A comment never edited has none.
 */

const WAITING: RevisionOutcome[] = ['pending', 'in_review'];

/** The comment's latest text on record, or null for a comment never edited. */
export function latestRevision(manager: EntityManager, commentId: string): Promise<CommentRevision | null> {
  return manager.findOne(CommentRevision, { where: { commentId }, order: { createdAt: 'DESC', id: 'DESC' } });
}

/**
 * A new text from the author. The first edit keeps the original as the first revision, with its
 * outcome at that time (published, or superseded with the hold's reason if it was still waiting);
 * a text still waiting for moderation is superseded by the new one.
 */
export async function addRevision(manager: EntityManager, comment: Comment, body: string, now: Date): Promise<CommentRevision> {
  if (comment.editCount === 0) {
    await manager.insert(CommentRevision, {
      id: newCommentId(),
      commentId: comment.id,
      body: comment.body,
      status: comment.status === 'published' ? 'published' : 'superseded',
      reason: comment.decisionReason,
      findings: comment.findings,
      createdAt: comment.createdAt,
      decidedAt: comment.decidedAt,
    });
  } else {
    await supersedeWaiting(manager, comment.id);
  }
  const revision = Object.assign(new CommentRevision(), {
    id: newCommentId(),
    commentId: comment.id,
    body,
    status: 'pending' as const,
    reason: null,
    findings: null,
    createdAt: now,
    decidedAt: null,
  });
  await manager.insert(CommentRevision, revision);
  return revision;
}

/** A text still waiting is withdrawn: replaced by a newer edit, or its comment deleted. */
export async function supersedeWaiting(manager: EntityManager, commentId: string): Promise<void> {
  await manager.update(CommentRevision, { commentId, status: In(WAITING) }, { status: 'superseded' });
}

/** A text's outcome: the rules' or a moderator's verdict on it. */
export async function settleRevision(
  manager: EntityManager,
  id: string,
  outcome: 'published' | 'in_review' | 'rejected',
  decision: { reason: string | null; findings?: Finding[]; decidedAt: Date },
): Promise<void> {
  await manager.update(
    CommentRevision,
    { id },
    { status: outcome, reason: decision.reason, decidedAt: decision.decidedAt, ...(decision.findings ? { findings: decision.findings } : {}) },
  );
}

/** The revisions of these comments, oldest first per comment: one query. */
export async function revisionsOf(manager: EntityManager, commentIds: string[]): Promise<Map<string, CommentRevision[]>> {
  const byComment = new Map<string, CommentRevision[]>();
  if (commentIds.length === 0) return byComment;
  const rows = await manager.find(CommentRevision, { where: { commentId: In(commentIds) }, order: { createdAt: 'ASC', id: 'ASC' } });
  for (const row of rows) {
    const list = byComment.get(row.commentId) ?? [];
    list.push(row);
    byComment.set(row.commentId, list);
  }
  return byComment;
}
