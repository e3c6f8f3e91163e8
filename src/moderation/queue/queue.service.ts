import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource, type SelectQueryBuilder } from 'typeorm';
import { Commenter } from '../../auth/commenter.entity.js';
import { Article } from '../../comments/article.entity.js';
import { Comment, type CommentStatus } from '../../comments/comment.entity.js';
import { Sql, placeholders } from '../../db/sql.js';
import { AppError } from '../../errors.js';
import type { Finding } from '../../rules/types.js';
import { BansService } from '../commenters/bans.service.js';
import type { QueueName } from '../moderation.dto.js';
import { CommentReport, type ReportReason } from '../reports/report.entity.js';
import { revisionsOf } from '../../comments/comment-revisions.js';
import { toBanView, toCommenterView, toModerationComment, toRevisionView, type BanView, type CommenterView, type ModerationCommentView, type RevisionView } from './views.js';

export interface StatusCounts {
  pending: number;
  in_review: number;
  published: number;
  rejected: number;
  deleted: number;
  total: number;
}

export interface AuthorSummary extends CommenterView {
  /** Their comments by status. */
  history: StatusCounts;
  banned: boolean;
  bans: BanView[];
}

export interface ReportView {
  reason: ReportReason;
  note: string | null;
  reporterId: string;
  createdAt: string;
}

export interface QueueItem {
  comment: ModerationCommentView;
  article: { id: string; title: string | null; url: string | null };
  /** Rule findings, with UTF-16 spans into comment.body. */
  findings: Finding[];
  reports: ReportView[];
  author: AuthorSummary;
  /** For a reply, the comment it answers (the reply it mentions, else the thread's top comment), for context. */
  parent: ParentView | null;
  /**
   * An edited comment's texts, oldest first, with their outcomes (empty: never edited). The last is
   * the text a decision applies to: send its id as `revisionId`. While comment.revisionStatus is
   * set it is the published comment's edit waiting, with its own findings.
   */
  revisions: RevisionView[];
}

export interface ParentView {
  id: string;
  body: string;
  status: CommentStatus;
  author: { id: string; displayName: string };
}

export interface QueuePage {
  items: QueueItem[];
  nextCursor: string | null;
}

export type QueueCounts = Record<QueueName, number>;

/** Each queue: which comments, ordered by which time column, which way. */
const QUEUE: Record<QueueName, { where: string; column: 'createdAt' | 'reportedAt' | 'decidedAt' | 'publishedAt'; order: 'ASC' | 'DESC' }> = {
  // A published comment whose edit the rules held waits here too (its edit is the last of the item's revisions).
  review: { where: "(c.status = 'in_review' OR (c.status = 'published' AND c.revision_status = 'in_review'))", column: 'createdAt', order: 'ASC' },
  reported: { where: "c.status = 'published' AND c.reported_at IS NOT NULL", column: 'reportedAt', order: 'DESC' },
  rejected: { where: "c.status = 'rejected'", column: 'decidedAt', order: 'DESC' },
  published: { where: "c.status = 'published'", column: 'publishedAt', order: 'DESC' },
};
const SQL_COLUMN = { createdAt: 'c.created_at', reportedAt: 'c.reported_at', decidedAt: 'c.decided_at', publishedAt: 'c.published_at' } as const;

const REPORTS_PER_ITEM = 50;

function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const at = new Date(time ?? '');
  if (!id || !/^[0-9a-f-]{36}$/.test(id) || Number.isNaN(at.getTime())) {
    throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
  }
  return { at, id };
}

/** The comment a reply answers: the reply it mentions, else its thread's top comment; null for a top comment. */
function answered(c: Comment): string | null {
  return c.replyToId ?? c.parentId ?? null;
}

export function emptyCounts(): StatusCounts {
  return { pending: 0, in_review: 0, published: 0, rejected: 0, deleted: 0, total: 0 };
}

/** The moderators' queues, read by keyset so a moving queue never makes a page skip or repeat. */
@Injectable()
export class QueueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly bans: BansService,
    private readonly sql: Sql,
  ) {}

  async list(queue: QueueName, options: { articleId?: string; cursor?: string; limit: number }): Promise<QueuePage> {
    const spec = QUEUE[queue];
    const column = SQL_COLUMN[spec.column];
    const query = this.dataSource
      .getRepository(Comment)
      .createQueryBuilder('c')
      .where(spec.where)
      .orderBy(column, spec.order)
      .addOrderBy('c.id', spec.order)
      .limit(options.limit + 1);
    if (options.articleId) query.andWhere('c.article_id = :articleId', { articleId: options.articleId });
    if (options.cursor) {
      const after = decodeCursor(options.cursor);
      const at = this.sql.timeParam(after.at);
      const cmp = spec.order === 'ASC' ? '>' : '<';
      query.andWhere(`(${column} ${cmp} :at OR (${column} = :at AND c.id ${cmp} :afterId))`, { at, afterId: after.id });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, options.limit);
    const last = page[page.length - 1];
    const lastAt = last?.[spec.column];
    return {
      items: await this.hydrate(page),
      nextCursor: rows.length > options.limit && last && lastAt ? encodeCursor(lastAt, last.id) : null,
    };
  }

  async counts(articleId?: string): Promise<QueueCounts> {
    const count = (where: string) => {
      const q: SelectQueryBuilder<Comment> = this.dataSource.getRepository(Comment).createQueryBuilder('c').where(where);
      if (articleId) q.andWhere('c.article_id = :articleId', { articleId });
      return q.getCount();
    };
    const [review, reported, rejected, published] = await Promise.all([
      count(QUEUE.review.where),
      count(QUEUE.reported.where),
      count(QUEUE.rejected.where),
      count(QUEUE.published.where),
    ]);
    return { review, reported, rejected, published };
  }

  /** Everything a moderator needs beside each comment, in a handful of queries for the whole page. */
  async hydrate(comments: Comment[]): Promise<QueueItem[]> {
    if (comments.length === 0) return [];
    const articleIds = [...new Set(comments.map((c) => c.articleId))];
    const authorIds = [...new Set(comments.map((c) => c.commenterId))];
    const [articles, authors, reports, histories, bans, parents, revisions] = await Promise.all([
      this.dataSource.getRepository(Article).findBy({ id: In(articleIds) }),
      this.dataSource.getRepository(Commenter).findBy({ id: In(authorIds) }),
      this.dataSource.getRepository(CommentReport).find({ where: { commentId: In(comments.map((c) => c.id)) }, order: { id: 'DESC' } }),
      this.historyOf(authorIds),
      this.bans.historyOf(authorIds),
      this.parentsOf(comments),
      revisionsOf(
        this.dataSource.manager,
        comments.filter((c) => c.editCount > 0).map((c) => c.id),
      ),
    ]);
    const articleById = new Map(articles.map((a) => [a.id, a]));
    const authorById = new Map(authors.map((a) => [a.id, a]));
    const now = new Date();
    return comments.map((c) => {
      const article = articleById.get(c.articleId);
      const author = authorById.get(c.commenterId);
      const authorBans = (bans.get(c.commenterId) ?? []).map((b) => toBanView(b, now));
      return {
        comment: toModerationComment(c),
        article: { id: c.articleId, title: article?.title ?? null, url: article?.url ?? null },
        findings: c.findings ?? [],
        reports: reports
          .filter((r) => r.commentId === c.id)
          .slice(0, REPORTS_PER_ITEM)
          .map((r) => ({ reason: r.reason, note: r.note, reporterId: r.commenterId, createdAt: r.createdAt.toISOString() })),
        author: {
          ...(author
            ? toCommenterView(author)
            : { id: c.commenterId, displayName: '', username: null, avatarUrl: null, provider: '', firstSeenAt: c.createdAt.toISOString() }),
          history: histories.get(c.commenterId) ?? emptyCounts(),
          banned: authorBans.some((b) => b.active),
          bans: authorBans,
        },
        parent: parents.get(answered(c) ?? '') ?? null,
        revisions: (revisions.get(c.id) ?? []).map(toRevisionView),
      };
    });
  }

  /** The comments these replies answer, with their authors' names: one query for the page. */
  private async parentsOf(comments: Comment[]): Promise<Map<string, ParentView>> {
    const ids = [...new Set(comments.map(answered).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const rows = await this.sql.rows<{ id: string; body: string; status: CommentStatus; commenter_id: string; display_name: string | null }>(
      `SELECT c.id, c.body, c.status, c.commenter_id, m.display_name FROM comments c
         LEFT JOIN commenters m ON m.id = c.commenter_id WHERE c.id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Map(rows.map((r) => [r.id, { id: r.id, body: r.body, status: r.status, author: { id: r.commenter_id, displayName: r.display_name ?? '' } }]));
  }

  /** Comments by status for each commenter. */
  async historyOf(commenterIds: string[]): Promise<Map<string, StatusCounts>> {
    const result = new Map<string, StatusCounts>();
    if (commenterIds.length === 0) return result;
    const rows = await this.dataSource
      .getRepository(Comment)
      .createQueryBuilder('c')
      .select('c.commenter_id', 'commenter_id')
      .addSelect('c.status', 'status')
      .addSelect('COUNT(*)', 'n')
      .where('c.commenter_id IN (:...ids)', { ids: commenterIds })
      .groupBy('c.commenter_id')
      .addGroupBy('c.status')
      .getRawMany<{ commenter_id: string; status: CommentStatus; n: string | number }>();
    for (const row of rows) {
      const counts = result.get(row.commenter_id) ?? emptyCounts();
      counts[row.status] = Number(row.n);
      counts.total += Number(row.n);
      result.set(row.commenter_id, counts);
    }
    return result;
  }
}
