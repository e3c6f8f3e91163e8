import type { Commenter } from '../../auth/commenter.entity.js';
import type { CommentRevision } from '../../comments/comment-revision.entity.js';
import type { Comment } from '../../comments/comment.entity.js';
import type { Finding } from '../../rules/types.js';
import { isInForce, type CommenterBan } from '../commenters/ban.entity.js';

/** A commenter as moderators see them, in the queue and on their profile. */
export interface CommenterView {
  id: string;
  displayName: string;
  username: string | null;
  avatarUrl: string | null;
  provider: string;
  firstSeenAt: string;
}

export function toCommenterView(c: Commenter): CommenterView {
  return { id: c.id, displayName: c.displayName, username: c.username, avatarUrl: c.avatarUrl, provider: c.provider, firstSeenAt: c.firstSeenAt.toISOString() };
}

export interface ModerationCommentView {
  id: string;
  articleId: string;
  commenterId: string;
  body: string;
  status: Comment['status'];
  /** The rule or moderator reason behind the current status. */
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
  publishedAt: string | null;
  /** Distinct readers' reports since a moderator last decided. */
  reportCount: number;
  reportedAt: string | null;
  hidden: boolean;
  /** An editor's pick the public sees now (published, not hidden); featuredAt is kept while it is out of the list. */
  featured: boolean;
  featuredAt: string | null;
  /** Edits by the author (at most 3); the text's version. */
  editCount: number;
  /** When an edit's text was last published. */
  editedAt: string | null;
  /** Set while a published comment's edit waits (the last of the item's `revisions`; its text is not public yet). */
  revisionStatus: Comment['revisionStatus'];
}

/** One text of an edited comment, with its outcome: the original first, the latest last. */
export interface RevisionView {
  id: string;
  body: string;
  status: CommentRevision['status'];
  /** The rule or moderator reason behind its outcome. */
  reason: string | null;
  /** The rules' findings, with UTF-16 spans into this revision's body. */
  findings: Finding[];
  createdAt: string;
  decidedAt: string | null;
}

export function toRevisionView(r: CommentRevision): RevisionView {
  return {
    id: r.id,
    body: r.body,
    status: r.status,
    reason: r.reason,
    findings: r.findings ?? [],
    createdAt: r.createdAt.toISOString(),
    decidedAt: r.decidedAt?.toISOString() ?? null,
  };
}

export function toModerationComment(c: Comment): ModerationCommentView {
  return {
    id: c.id,
    articleId: c.articleId,
    commenterId: c.commenterId,
    body: c.body,
    status: c.status,
    reason: c.decisionReason,
    createdAt: c.createdAt.toISOString(),
    decidedAt: c.decidedAt?.toISOString() ?? null,
    publishedAt: c.publishedAt?.toISOString() ?? null,
    reportCount: c.reportCount ?? 0,
    reportedAt: c.reportedAt?.toISOString() ?? null,
    hidden: c.hiddenAt != null,
    featured: c.featuredAt != null && c.status === 'published' && c.hiddenAt == null,
    featuredAt: c.featuredAt?.toISOString() ?? null,
    editCount: c.editCount ?? 0,
    editedAt: c.editedAt?.toISOString() ?? null,
    revisionStatus: c.revisionStatus ?? null,
  };
}

export interface BanView {
  id: number;
  reason: string;
  note: string | null;
  until: string | null;
  createdAt: string;
  createdBy: string | null;
  liftedAt: string | null;
  liftedBy: string | null;
  /** In force now (not lifted, not past `until`). */
  active: boolean;
}

export function toBanView(b: CommenterBan, now = new Date()): BanView {
  return {
    id: b.id,
    reason: b.reason,
    note: b.note,
    until: b.until?.toISOString() ?? null,
    createdAt: b.createdAt.toISOString(),
    createdBy: b.createdBy,
    liftedAt: b.liftedAt?.toISOString() ?? null,
    liftedBy: b.liftedBy,
    active: isInForce(b, now),
  };
}

/** The subset of a comment a 409 answer carries: what it is now (an edit since shows in editCount and revisionStatus). */
export function currentState(
  c: Comment,
): Pick<ModerationCommentView, 'id' | 'status' | 'reason' | 'decidedAt' | 'reportCount' | 'reportedAt' | 'hidden' | 'editCount' | 'revisionStatus'> {
  const view = toModerationComment(c);
  return {
    id: view.id,
    status: view.status,
    reason: view.reason,
    decidedAt: view.decidedAt,
    reportCount: view.reportCount,
    reportedAt: view.reportedAt,
    hidden: view.hidden,
    editCount: view.editCount,
    revisionStatus: view.revisionStatus,
  };
}
