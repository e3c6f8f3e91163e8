import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { batchedLookup } from '../db/batched-lookup.js';
import { Sql, placeholders } from '../db/sql.js';
import type { Commenter } from '../auth/commenter.entity.js';
import { AppError } from '../errors.js';
import { BansService } from '../moderation/commenters/bans.service.js';
import { newCommentId } from './comment-id.js';
import { CommentWriter } from './comment-writer.js';
import { OutboxRelay } from './outbox.relay.js';
import { Article } from './article.entity.js';
import { acceptCommentText } from './comment-text.js';
import { Comment } from './comment.entity.js';
import { isVisibleRow } from './listed-comment.js';
import type { SubmitCommentInput } from './comments.dto.js';
import { CommentRateLimiter } from './rate-limiter.js';

export interface OwnComment {
  id: string;
  articleId: string;
  /** A reply's thread (its top comment); null for a top comment. */
  parentId: string | null;
  body: string;
  status: Comment['status'];
  reason: string | null;
  createdAt: string;
  publishedAt: string | null;
  editCount: number;
  /** When an edit's text was last published. */
  editedAt: string | null;
  /** Until when the author may edit it; null once they cannot (rejected, deleted, no edits left). */
  editableUntil: string | null;
  /** A published comment's edit waiting for moderation: the text the author wrote (the public still sees `body`). */
  pendingBody: string | null;
}

/** What the author's view needs beyond the comment (CommentEdits.ownViews gathers it). */
export interface OwnEditState {
  editableUntil: string | null;
  pendingBody: string | null;
}

export function toOwnComment(comment: Comment, edits: OwnEditState): OwnComment {
  return {
    id: comment.id,
    articleId: comment.articleId,
    parentId: comment.parentId ?? null,
    body: comment.body,
    status: comment.status,
    // Why it waits or was refused: the rule or the moderator's reason (a held comment's too).
    reason: comment.status === 'rejected' || comment.status === 'in_review' ? comment.decisionReason : null,
    createdAt: comment.createdAt.toISOString(),
    publishedAt: comment.publishedAt?.toISOString() ?? null,
    editCount: comment.editCount ?? 0,
    editedAt: comment.editedAt?.toISOString() ?? null,
    editableUntil: edits.editableUntil,
    pendingBody: edits.pendingBody,
  };
}

interface ParentFacts {
  id: string;
  articleId: string;
  parentId: string | null;
  /** Published and not hidden: a reader can answer it. */
  shown: boolean;
}

/** Why a reply cannot be taken, or null: the parent must be a comment of this article that is still shown. */
function parentRefusal(parent: ParentFacts | null, articleId: string): AppError | null {
  if (!parent || parent.articleId !== articleId) {
    return new AppError('VALIDATION_FAILED', 400, 'parentId is not a comment of this article', { field: 'parentId' });
  }
  if (!parent.shown) return new AppError('PARENT_NOT_AVAILABLE', 409, 'The comment you are replying to is no longer published');
  return null;
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
    private readonly bans: BansService,
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
    const [earlier, open, rate, parent] = await Promise.all([
      idempotencyKey ? this.comments.findOneBy({ commenterId: commenter.id, idempotencyKey }) : null,
      this.articleOpen(articleId),
      this.rateLimiter.take(commenter.id, rateKey),
      input.parentId ? this.parentOf(input.parentId) : null,
    ]);
    if (earlier) return earlier; // its slot was counted when it was accepted
    const refusal = open === false ? new AppError('COMMENTS_CLOSED', 403, 'Comments are closed on this article') : input.parentId ? parentRefusal(parent, articleId) : null;
    if (refusal) {
      if (rate.allowed) await this.rateLimiter.release(commenter.id, rateKey); // only accepted comments count
      throw refusal;
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
      // Two levels: a reply to a reply joins its thread and names the reply it answers.
      parentId: parent ? (parent.parentId ?? parent.id) : null,
      replyToId: parent?.parentId ? parent.id : null,
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

  /** A reply's parent, as the checks need it. Concurrent submissions share one query. */
  private readonly parentOf = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<{ id: string; article_id: string; parent_id: string | null; status: string; hidden_at: unknown }>(
      `SELECT id, article_id, parent_id, status, hidden_at FROM comments WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Map(
      rows.map((row): [string, ParentFacts] => [
        row.id,
        { id: row.id, articleId: row.article_id, parentId: row.parent_id, shown: isVisibleRow(row) },
      ]),
    );
  });

  /** Whether an article takes comments (null: not created yet). Concurrent submissions share one query. */
  private readonly articleOpen = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<{ id: string; comments_open: unknown }>(`SELECT id, comments_open FROM articles WHERE id IN (${placeholders(ids.length)})`, ids);
    return new Map(rows.map((row) => [row.id, this.sql.bool(row.comments_open)]));
  });

  findById(id: string): Promise<Comment | null> {
    return this.comments.findOneBy({ id });
  }

  recentOf(commenterId: string, limit = 50, articleId?: string): Promise<Comment[]> {
    return this.comments.find({ where: articleId === undefined ? { commenterId } : { commenterId, articleId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }
}
