import type { Span } from './highlight.js';

import type { ParentView, StatusCounts } from '../../moderation/queue/queue.service.js';
import type { QueueName as Queue } from '../../moderation/reasons.js';

// The server's own lists and shapes (type imports vanish from the bundle; reasons.ts has no dependencies).
export { QUEUES, REJECT_REASONS as REASONS, type QueueName as Queue } from '../../moderation/reasons.js';
export type { StatusCounts } from '../../moderation/queue/queue.service.js';

export interface Me {
  id: string;
  email: string;
  role: 'moderator' | 'admin';
}


export interface BanView {
  reason: string;
  until: string | null;
  createdAt: string;
  active: boolean;
}

/** One text of an edited comment, with its verdict (RevisionView on the server). */
export interface Revision {
  id: string;
  body: string;
  status: string;
  reason: string | null;
  findings: Span[];
  createdAt: string;
  decidedAt: string | null;
}

export interface CommentView {
  id: string;
  articleId: string;
  commenterId: string;
  body: string;
  status: string;
  reason: string | null;
  createdAt: string;
  reportCount: number;
  hidden: boolean;
  featured: boolean;
  featuredAt: string | null;
  editCount: number;
  editedAt: string | null;
  /** Set while a published comment's edit waits: the last of the item's revisions, not public yet. */
  revisionStatus: string | null;
}

/** GET /api/moderation/queue items and GET /api/moderation/comments/{id} (QueueItem on the server). */
export interface QueueItem {
  comment: CommentView;
  article: { id: string; title: string | null; url: string | null };
  findings: Span[];
  reports: Array<{ reason: string; note: string | null; createdAt: string }>;
  author: { id: string; displayName: string; provider: string; firstSeenAt: string; history: StatusCounts; banned: boolean; bans: BanView[] };
  /** For a reply, the comment it answers. */
  parent: ParentView | null;
  /** An edited comment's texts, oldest first (empty: never edited); a decision applies to the last. */
  revisions: Revision[];
}

export interface Item extends QueueItem {
  id: string;
  /** Shown on the card after a 409: someone else acted first. */
  notice?: string;
}

export function toItem(raw: QueueItem): Item {
  return { ...raw, id: raw.comment.id };
}

/** The text a decision applies to: the latest revision (null: never edited). Its id goes with the decision. */
export function shownRevision(item: QueueItem | undefined): Revision | null {
  return item?.revisions.at(-1) ?? null;
}

/** A published comment's edit waiting for a decision (its text is not public yet), or null. */
export function waitingEdit(item: QueueItem): Revision | null {
  return item.comment.revisionStatus ? shownRevision(item) : null;
}

/** Report reasons with how many readers gave each. */
export function reportsByReason(item: QueueItem): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of item.reports) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count }));
}

/** Which queue a comment in this state belongs to (reported comments are also published). */
export function belongsTo(item: { status: string; reportCount?: number; reportedAt?: string | null; revisionStatus?: string | null }, queue: Queue): boolean {
  switch (queue) {
    case 'review':
      return item.status === 'in_review' || (item.status === 'published' && item.revisionStatus === 'in_review');
    case 'rejected':
      return item.status === 'rejected';
    case 'published':
      return item.status === 'published';
    case 'reported':
      return item.status === 'published' && (item.reportedAt != null || (item.reportCount ?? 0) > 0);
  }
}
