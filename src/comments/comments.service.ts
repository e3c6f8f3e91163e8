import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AuthService } from '../auth/auth.service.js';
import { batchedLookup } from '../db/batched-lookup.js';
import { Sql, placeholders } from '../db/sql.js';
import type { Commenter } from '../auth/commenter.entity.js';
import { AppError } from '../errors.js';
import { BansService } from '../moderation/bans.service.js';
import { newCommentId } from './comment-id.js';
import { CommentWriter } from './comment-writer.js';
import { OutboxRelay } from './outbox.relay.js';
import { Article } from './article.entity.js';
import { acceptCommentText } from './comment-text.js';
import { Comment } from './comment.entity.js';
import type { SubmitCommentInput } from './comments.dto.js';
import { ListCursors, type ListPosition } from './list-cursor.js';
import { CommentRateLimiter } from './rate-limiter.js';

export interface PublishedComment {
  id: string;
  body: string;
  author: { id: string; displayName: string; avatarUrl: string | null; provider: string };
  publishedAt: string;
}

export interface CommentPage {
  items: PublishedComment[];
  nextCursor: string | null;
  total: number;
  /** False once a moderator has closed comments on the article: the widget hides its form. */
  commentsOpen: boolean;
}

export interface OwnComment {
  id: string;
  articleId: string;
  body: string;
  status: Comment['status'];
  reason: string | null;
  createdAt: string;
  publishedAt: string | null;
}

export function toOwnComment(comment: Comment): OwnComment {
  return {
    id: comment.id,
    articleId: comment.articleId,
    body: comment.body,
    status: comment.status,
    reason: comment.status === 'rejected' ? comment.decisionReason : null,
    createdAt: comment.createdAt.toISOString(),
    publishedAt: comment.publishedAt?.toISOString() ?? null,
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

@Injectable()
export class CommentsService {
  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly sql: Sql,
    private readonly writer: CommentWriter,
    private readonly rateLimiter: CommentRateLimiter,
    private readonly relay: OutboxRelay,
    private readonly auth: AuthService,
    private readonly bans: BansService,
    private readonly cursors: ListCursors,
  ) {}

  /**
   * Accepts a comment: stored as `pending` with its outbox row in one transaction, then handed
   * to the relay. A repeated Idempotency-Key returns the first comment.
   */
  async submit(commenter: Commenter, articleId: string, input: SubmitCommentInput, idempotencyKey: string | null): Promise<Comment> {
    if (await this.bans.isBanned(commenter)) throw new AppError('COMMENTER_BANNED', 403, 'This account may not comment');
    const body = acceptCommentText(input.body);
    const id = newCommentId();
    const rateKey = idempotencyKey ? `key:${idempotencyKey}` : id;
    // Three independent lookups at once (one round trip of waiting instead of three).
    const [earlier, open, rate] = await Promise.all([
      idempotencyKey ? this.comments.findOneBy({ commenterId: commenter.id, idempotencyKey }) : null,
      this.articleOpen(articleId),
      this.rateLimiter.take(commenter.id, rateKey),
    ]);
    if (earlier) return earlier; // its slot was counted when it was accepted
    if (open === false) {
      if (rate.allowed) await this.rateLimiter.release(commenter.id, rateKey); // only accepted comments count
      throw new AppError('COMMENTS_CLOSED', 403, 'Comments are closed on this article');
    }
    if (!rate.allowed) {
      throw new AppError(
        'RATE_LIMITED',
        429,
        `Too many comments; try again in ${rate.retryAfterSeconds} s`,
        { retryAfter: rate.retryAfterSeconds },
        { 'retry-after': String(rate.retryAfterSeconds) },
      );
    }

    const now = new Date();
    const comment = Object.assign(new Comment(), {
      id,
      articleId,
      commenterId: commenter.id,
      body,
      status: 'pending' as const,
      decisionReason: null,
      findings: null,
      idempotencyKey,
      createdAt: now,
      decidedAt: null,
      publishedAt: null,
      reportCount: 0,
      reportedAt: null,
      hiddenAt: null,
    });
    const newArticle =
      open !== null
        ? undefined
      : Object.assign(new Article(), {
          id: articleId,
          url: input.articleUrl ?? null,
          title: input.articleTitle ?? null,
          commentsOpen: true,
          moderationMode: null,
          publishedCount: 0,
          createdAt: now,
        });
    try {
      await this.writer.write({ comment, article: newArticle });
    } catch (err) {
      if (idempotencyKey && isUniqueViolation(err)) {
        const first = await this.comments.findOneBy({ commenterId: commenter.id, idempotencyKey });
        if (first) return first;
      }
      throw err;
    }
    this.relay.kick(id);
    return comment;
  }

  /** Whether an article takes comments (null: not created yet). Concurrent submissions share one query. */
  private readonly articleOpen = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<{ id: string; comments_open: unknown }>(`SELECT id, comments_open FROM articles WHERE id IN (${placeholders(ids.length)})`, ids);
    return new Map(rows.map((row) => [row.id, this.sql.bool(row.comments_open)]));
  });

  /** Published comments, newest first, by keyset: concurrent publishing never makes a page skip or repeat. */
  async listPublished(articleId: string, limit: number, after?: ListPosition): Promise<CommentPage> {
    const query = this.comments
      .createQueryBuilder('c')
      .innerJoin('commenters', 'm', 'm.id = c.commenter_id')
      .select(['c.id AS id', 'c.body AS body', 'c.published_at AS published_at'])
      .addSelect(['m.id AS author_id', 'm.display_name AS display_name', 'm.avatar_url AS avatar_url', 'm.provider AS provider'])
      .where('c.article_id = :articleId AND c.status = :status AND c.hidden_at IS NULL', { articleId, status: 'published' })
      .orderBy('c.published_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (after) {
      const at = this.sql.timeParam(after.publishedAt);
      query.andWhere('(c.published_at < :at OR (c.published_at = :at AND c.id < :afterId))', { at, afterId: after.id });
    }
    const [rows, article] = await Promise.all([query.getRawMany<Record<string, unknown>>(), this.articles.findOneBy({ id: articleId })]);
    const items = rows.slice(0, limit).map((row) => ({
      id: row.id as string,
      body: row.body as string,
      author: {
        id: row.author_id as string,
        displayName: row.display_name as string,
        avatarUrl: (row.avatar_url as string | null) ?? null,
        provider: row.provider as string,
      },
      publishedAt: this.sql.time(row.published_at).toISOString(),
    }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > limit && last ? this.cursors.sign(articleId, { publishedAt: new Date(last.publishedAt), id: last.id }) : null,
      total: article?.publishedCount ?? 0,
      commentsOpen: article?.commentsOpen ?? true,
    };
  }

  async authorOf(comment: Comment): Promise<PublishedComment['author']> {
    const author = await this.auth.findById(comment.commenterId);
    return { id: comment.commenterId, displayName: author?.displayName ?? '', avatarUrl: author?.avatarUrl ?? null, provider: author?.provider ?? '' };
  }

  findById(id: string): Promise<Comment | null> {
    return this.comments.findOneBy({ id });
  }

  recentOf(commenterId: string, limit = 50, articleId?: string): Promise<Comment[]> {
    return this.comments.find({ where: articleId === undefined ? { commenterId } : { commenterId, articleId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
