import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config.js';
import { Sql, placeholders } from '../db/sql.js';
import { AppError } from '../errors.js';
import { ListCursors } from './list-cursor.js';
import { LISTED, LISTED_SELECT, VISIBLE, isVisibleRow, toListed, type ListedComment, type ListedRow } from './listed-comment.js';
import { MAX_RANKED, RankingSnapshots } from './ranking-snapshots.js';

export type ListSort = 'newest' | 'oldest' | 'likes' | 'replies';
export const LIST_SORTS: readonly ListSort[] = ['newest', 'oldest', 'likes', 'replies'];

export interface CommentPage {
  items: ListedComment[];
  nextCursor: string | null;
  /** Published comments on the article, replies included (the widget's header). */
  total: number;
  /** False once a moderator has closed comments on the article: the widget hides its form. */
  commentsOpen: boolean;
}

export interface ReplyPage {
  items: ListedComment[];
  nextCursor: string | null;
  /** The thread's published replies. */
  total: number;
}

export interface Highlights {
  featured: ListedComment[];
  best: ListedComment[];
}

const FEATURED_MAX = 10;
const RANK_ORDER: Record<'likes' | 'replies', string> = {
  likes: 'c.likes DESC, c.published_at DESC, c.id DESC',
  replies: 'c.reply_count DESC, c.published_at DESC, c.id DESC',
};

export function parseSort(raw: string | undefined): ListSort {
  if (raw === undefined || raw === '') return 'newest';
  if ((LIST_SORTS as readonly string[]).includes(raw)) return raw as ListSort;
  throw new AppError('VALIDATION_FAILED', 400, `sort must be one of ${LIST_SORTS.join(', ')}`, { field: 'sort' });
}

/**
 * What the public reads: an article's top comments in four orders, a thread's replies, the
 * highlights, one comment. Time orders page by keyset; rankings (likes, replies) by a snapshot
 * (RankingSnapshots), so a walk stays whole while reactions reorder the list.
 */
@Injectable()
export class CommentReader {
  constructor(
    private readonly sql: Sql,
    private readonly cursors: ListCursors,
    private readonly rankings: RankingSnapshots,
    private readonly config: AppConfig,
  ) {}

  /** A cursor's scope: the list it belongs to. */
  scope(articleId: string, sort: ListSort): string {
    return `${articleId}\u0000${sort}`;
  }

  replyScope(parentId: string): string {
    return `replies\u0000${parentId}`;
  }

  /** Checks a cursor (before any cache is consulted: only cursors this service gave out make entries). */
  checkCursor(articleId: string, sort: ListSort, cursor: string): void {
    if (sort === 'likes' || sort === 'replies') this.cursors.verifyRank(this.scope(articleId, sort), cursor);
    else this.cursors.verify(this.scope(articleId, sort), cursor);
  }

  checkReplyCursor(parentId: string, cursor: string): void {
    this.cursors.verify(this.replyScope(parentId), cursor);
  }

  async list(articleId: string, sort: ListSort, limit: number, cursor?: string): Promise<CommentPage> {
    const [page, article] = await Promise.all([
      sort === 'likes' || sort === 'replies' ? this.ranked(articleId, sort, limit, cursor) : this.byTime(articleId, sort, limit, cursor),
      this.sql.rows<{ published_count: unknown; comments_open: unknown }>('SELECT published_count, comments_open FROM articles WHERE id = $1', [articleId]),
    ]);
    return {
      ...page,
      total: Number(article[0]?.published_count ?? 0),
      commentsOpen: article[0] ? this.sql.bool(article[0].comments_open) : true,
    };
  }

  private async byTime(articleId: string, sort: 'newest' | 'oldest', limit: number, cursor?: string): Promise<Pick<CommentPage, 'items' | 'nextCursor'>> {
    const scope = this.scope(articleId, sort);
    const after = cursor ? this.cursors.verify(scope, cursor) : undefined;
    const [cmp, dir] = sort === 'newest' ? ['<', 'DESC'] : ['>', 'ASC'];
    const params: unknown[] = [articleId, limit + 1];
    let where = '';
    if (after) {
      params.push(this.sql.timeParam(after.publishedAt), after.id);
      where = `AND (c.published_at ${cmp} $3 OR (c.published_at = $3 AND c.id ${cmp} $4))`;
    }
    const rows = await this.sql.rows<ListedRow>(
      `${LISTED_SELECT} WHERE c.article_id = $1 AND c.parent_id IS NULL AND ${LISTED} ${where}
        ORDER BY c.published_at ${dir}, c.id ${dir} LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map((row) => toListed(row, this.sql));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? this.cursors.sign(scope, { publishedAt: new Date(last.publishedAt), id: last.id }) : null };
  }

  private async ranked(articleId: string, sort: 'likes' | 'replies', limit: number, cursor?: string): Promise<Pick<CommentPage, 'items' | 'nextCursor'>> {
    const scope = this.scope(articleId, sort);
    let page;
    let offset = 0;
    if (cursor) {
      const at = this.cursors.verifyRank(scope, cursor);
      offset = at.offset;
      page = await this.rankings.page(at.snapshot, offset, limit);
      if (!page) throw new AppError('CURSOR_EXPIRED', 410, 'This ranking has expired; load the list again from the start', { field: 'cursor' });
    } else {
      page = await this.rankings.first(scope, limit, () => this.rank(articleId, sort));
    }
    const next = offset + page.ids.length;
    return {
      items: await this.byIds(page.ids, LISTED),
      nextCursor: page.snapshot && next < page.size ? this.cursors.signRank(scope, { snapshot: page.snapshot, offset: next }) : null,
    };
  }

  private async rank(articleId: string, sort: 'likes' | 'replies'): Promise<string[]> {
    const rows = await this.sql.rows<{ id: string }>(
      `SELECT c.id FROM comments c WHERE c.article_id = $1 AND c.parent_id IS NULL AND ${LISTED} ORDER BY ${RANK_ORDER[sort]} LIMIT $2`,
      [articleId, MAX_RANKED],
    );
    return rows.map((row) => row.id);
  }

  /** The comments with these ids that still meet `condition`, in the ids' order. */
  private async byIds(ids: string[], condition: string): Promise<ListedComment[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.rows<ListedRow>(`${LISTED_SELECT} WHERE c.id IN (${placeholders(ids.length)}) AND ${condition}`, ids);
    const byId = new Map(rows.map((row) => [row.id as string, toListed(row, this.sql)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** A thread's published replies, oldest first. 404 when the thread is not in the list. */
  async replies(parentId: string, limit: number, cursor?: string): Promise<ReplyPage & { articleId: string }> {
    const parent = await this.listedRow(parentId);
    if (!parent || parent.parent_id) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const scope = this.replyScope(parentId);
    const after = cursor ? this.cursors.verify(scope, cursor) : undefined;
    const params: unknown[] = [parentId, limit + 1];
    let where = '';
    if (after) {
      params.push(this.sql.timeParam(after.publishedAt), after.id);
      where = 'AND (c.published_at > $3 OR (c.published_at = $3 AND c.id > $4))';
    }
    const rows = await this.sql.rows<ListedRow>(
      `${LISTED_SELECT} WHERE c.parent_id = $1 AND ${VISIBLE} ${where} ORDER BY c.published_at ASC, c.id ASC LIMIT $2`,
      params,
    );
    const items = rows.slice(0, limit).map((row) => toListed(row, this.sql));
    const last = items[items.length - 1];
    return {
      articleId: parent.article_id as string,
      items,
      nextCursor: rows.length > limit && last ? this.cursors.sign(scope, { publishedAt: new Date(last.publishedAt), id: last.id }) : null,
      total: Number(parent.reply_count ?? 0),
    };
  }

  async highlights(articleId: string): Promise<Highlights> {
    const [featured, best] = await Promise.all([
      this.sql.rows<ListedRow>(
        `${LISTED_SELECT} WHERE c.article_id = $1 AND c.featured_at IS NOT NULL AND ${VISIBLE} ORDER BY c.featured_at DESC, c.id DESC LIMIT $2`,
        [articleId, FEATURED_MAX],
      ),
      this.sql.rows<ListedRow>(
        `${LISTED_SELECT} WHERE c.article_id = $1 AND c.parent_id IS NULL AND ${VISIBLE} AND c.likes >= $2
          ORDER BY c.likes - c.dislikes DESC, c.published_at ASC, c.id ASC LIMIT $3`,
        [articleId, this.config.bestMinLikes, this.config.bestCommentsCount],
      ),
    ]);
    return { featured: featured.map((row) => toListed(row, this.sql)), best: best.map((row) => toListed(row, this.sql)) };
  }

  /** One comment as a list shows it (a placeholder for a top comment that left with replies), or null. */
  async item(id: string): Promise<ListedComment | null> {
    const row = await this.listedRow(id);
    return row ? toListed(row, this.sql) : null;
  }

  /** A comment's thread (null for a top comment or an unknown id), whatever its status. */
  async threadOf(id: string): Promise<string | null> {
    const [row] = await this.sql.rows<{ parent_id: string | null }>('SELECT parent_id FROM comments WHERE id = $1', [id]);
    return row?.parent_id ?? null;
  }

  /** Whether the public can see this comment itself (not a placeholder). */
  async visible(id: string): Promise<ListedComment | null> {
    const item = await this.item(id);
    return item && !item.deleted ? item : null;
  }

  private async listedRow(id: string): Promise<ListedRow | null> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const [row] = await this.sql.rows<ListedRow>(`${LISTED_SELECT} WHERE c.id = $1`, [id]);
    if (!row) return null;
    if (isVisibleRow(row)) return row;
    return !row.parent_id && row.published_at != null && Number(row.reply_count) > 0 ? row : null;
  }
}
