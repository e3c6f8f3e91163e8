/** What the box knows about comments, shared by every view of them (the list, threads, highlights). */
import type { ListedComment } from '../../comments/listed-comment.js';

/** A comment as the public list, replies, highlights and the live stream give it (the server's own type). */
export type Item = ListedComment;

export interface Page {
  items: Item[];
  nextCursor: string | null;
  total: number;
}

export type Reaction = 'like' | 'dislike';

/** One of the reader's own comments, as GET /api/me/comments gives it. */
export interface Own {
  id: string;
  body: string;
  status: 'pending' | 'in_review' | 'published' | 'rejected' | 'deleted';
  reason: string | null;
  createdAt: string;
  publishedAt?: string | null;
  parentId?: string | null;
  editableUntil?: string | null;
  editCount?: number;
  editedAt?: string | null;
  /** An edit of a published comment, waiting for moderation. */
  pendingBody?: string | null;
}

/** The latest public data of every comment shown, by id. */
export const known = new Map<string, Item>();
/** The reader's comments on this article, newest first. */
export const own = new Map<string, Own>();
export const myReactions = new Map<string, Reaction>();
/** Comments this reader reported while the box was open. */
export const reported = new Set<string>();
/** The BEST comments of the highlights strip (their badge shows in the list too). */
export const best = new Set<string>();
/** Readers the signed-in reader muted, by id (GET /api/me/muted): their comments show as a placeholder. */
export const muted = new Map<string, { id: string; displayName: string }>();
/** Comments of muted readers the reader chose to see anyway ("Show"), while the box is open. */
export const revealed = new Set<string>();

/** A muted reader's comment, not opened: shown to this reader as a placeholder. */
export function isMutedFor(c: Item): boolean {
  return !!c.author && muted.has(c.author.id) && !revealed.has(c.id);
}

export function isWaiting(o: Own): boolean {
  return o.status === 'pending' || o.status === 'in_review';
}

export function canEdit(o: Own | undefined, now = Date.now()): boolean {
  return !!o?.editableUntil && new Date(o.editableUntil).getTime() > now && o.status !== 'rejected' && o.status !== 'deleted';
}
