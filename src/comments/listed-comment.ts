import type { Sql } from '../db/sql.js';

export interface CommentAuthor {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  provider: string;
  /** The author deleted their account: `displayName` is "Deleted account" (the widget says it in the reader's language). */
  deleted?: true;
}

/**
 * A comment as the public sees it, in lists, replies, highlights and the live stream. A top comment
 * that left the list while it has published replies stays as a placeholder: `deleted: true`, no
 * body, no author, so its thread stays readable. `replyTo` and `deleted` appear only where they
 * apply, so a plain item has exactly the fields every item has.
 */
export interface ListedComment {
  id: string;
  /** The thread's top comment, for a reply; null for a top comment. */
  parentId: string | null;
  /** The reply this one answers (the mention): only on a reply that answers another reply still in the list. */
  replyTo?: { id: string; displayName: string };
  body: string | null;
  author: CommentAuthor | null;
  publishedAt: string;
  /** Published replies (top comments only; 0 for replies). */
  replyCount: number;
  likes: number;
  dislikes: number;
  /** When an edited text was published ("(edited)"). */
  editedAt: string | null;
  /** An editor's pick. */
  featured: boolean;
  /** Only on a placeholder (true). */
  deleted?: true;
}

/** What a comment needs to be shown publicly: published and not hidden after reports. */
export const VISIBLE = "c.status = 'published' AND c.hidden_at IS NULL";

/** Shown in a list: visible, or a top comment that left with published replies (a placeholder). */
export const LISTED = `c.published_at IS NOT NULL AND ((${VISIBLE}) OR c.reply_count > 0)`;

/** The columns toListed reads, with their joins (`c` is the comment). */
export const LISTED_SELECT = `SELECT c.id, c.parent_id, c.reply_to_id, c.body, c.status, c.hidden_at, c.published_at, c.reply_count,
       c.likes, c.dislikes, c.edited_at, c.featured_at, c.article_id,
       m.id AS author_id, m.display_name, m.avatar_url, m.provider, m.status AS author_status, rm.display_name AS reply_to_name
  FROM comments c
  JOIN commenters m ON m.id = c.commenter_id
  LEFT JOIN comments r ON r.id = c.reply_to_id AND r.status = 'published' AND r.hidden_at IS NULL
  LEFT JOIN commenters rm ON rm.id = r.commenter_id`;

export type ListedRow = Record<string, unknown>;

export function isVisibleRow(row: ListedRow): boolean {
  return row.status === 'published' && (row.hidden_at === null || row.hidden_at === undefined);
}

export function toListed(row: ListedRow, sql: Sql): ListedComment {
  const visible = isVisibleRow(row);
  // The reply it answers, while that one is public: a removed reply's author is named nowhere.
  const replyToId = row.reply_to_name != null ? ((row.reply_to_id as string | null) ?? null) : null;
  return {
    id: row.id as string,
    parentId: (row.parent_id as string | null) ?? null,
    ...(replyToId ? { replyTo: { id: replyToId, displayName: (row.reply_to_name as string | null) ?? '' } } : {}),
    body: visible ? (row.body as string) : null,
    author: visible
      ? {
          id: row.author_id as string,
          displayName: row.display_name as string,
          avatarUrl: (row.avatar_url as string | null) ?? null,
          provider: row.provider as string,
          ...(row.author_status === 'deleted' ? { deleted: true as const } : {}),
        }
      : null,
    publishedAt: sql.time(row.published_at).toISOString(),
    replyCount: Number(row.reply_count ?? 0),
    likes: Number(row.likes ?? 0),
    dislikes: Number(row.dislikes ?? 0),
    editedAt: visible && row.edited_at != null ? sql.time(row.edited_at).toISOString() : null,
    featured: visible && row.featured_at != null,
    ...(visible ? {} : { deleted: true as const }),
  };
}
