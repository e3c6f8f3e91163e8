import type { Comment, CommentStatus, RevisionStatus } from '../../comments/comment.entity.js';
import type { Finding } from '../../rules/types.js';
import type { Actor } from './moderation-log.entity.js';

// The shapes ModerationService and FirstDecisions share, in their own file so neither imports the other.

export interface Transition {
  commentId: string;
  /** The statuses the change is allowed from; anything else is a conflict. */
  from: readonly CommentStatus[];
  /** A published comment qualifies only while it is in the reported queue (checked in the conditional update too). */
  publishedOnlyIfReported?: boolean;
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
  /** The text's version (edit_count) the decision was made on: an edit since then makes it a conflict. */
  editCount?: number;
  /**
   * The text decided on: the comment's latest revision as the decider saw it (null: a comment never
   * edited). Any other latest text now makes it a conflict.
   */
  revisionId?: string | null;
  /** The state of the published comment's edit the decision is for (the rules: 'pending'); anything else is a conflict. */
  revisionStatus?: RevisionStatus;
}

/** A decision on a published comment's waiting edit: its revision and what became of it. */
export interface EditOutcome {
  revisionId: string;
  outcome: 'published' | 'in_review' | 'rejected';
}

export type TransitionResult =
  | { changed: true; comment: Comment; previous: CommentStatus; reportsCleared?: boolean; edit?: EditOutcome }
  | { changed: false; comment: Comment | null };
