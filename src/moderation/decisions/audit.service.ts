import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AppError } from '../../errors.js';
import { Commenter } from '../../auth/commenter.entity.js';
import { Article } from '../../comments/article.entity.js';
import { Comment } from '../../comments/comment.entity.js';
import { Moderator } from '../../moderators/moderator.entity.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditView {
  id: number;
  at: string;
  action: AuditEntry['action'];
  /** Who did it; null for the command-line tool and the service itself. */
  moderator: { id: string; email: string } | null;
  commentId: string | null;
  /** The start of the comment's current text, so a line reads as what happened to which comment. */
  commentExcerpt: string | null;
  commenterId: string | null;
  /** The commenter's display name now (a ban's subject, a comment's author). */
  commenterName: string | null;
  /** For article settings: the article's title, when the service knows it. */
  articleTitle: string | null;
  targetModerator: { id: string; email: string } | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  note: string | null;
  detail: AuditEntry['detail'];
}

export interface AuditFilter {
  commentId?: string;
  moderatorId?: string;
  commenterId?: string;
  cursor?: string;
  limit: number;
}

const EXCERPT_LENGTH = 140;

function excerpt(body: string): string {
  const chars = Array.from(body.replace(/\s+/g, ' ').trim());
  return chars.length > EXCERPT_LENGTH ? `${chars.slice(0, EXCERPT_LENGTH - 1).join('')}…` : chars.join('');
}

const distinct = (values: Array<string | null | undefined>): string[] => [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];

/** The audit trail, newest first, by id keyset. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: AuditFilter): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    const query = this.dataSource.getRepository(AuditEntry).createQueryBuilder('e').orderBy('e.id', 'DESC').limit(filter.limit + 1);
    if (filter.commentId) query.andWhere('e.comment_id = :commentId', { commentId: filter.commentId });
    if (filter.moderatorId) query.andWhere('e.moderator_id = :moderatorId', { moderatorId: filter.moderatorId });
    if (filter.commenterId) query.andWhere('e.commenter_id = :commenterId', { commenterId: filter.commenterId });
    if (filter.cursor) {
      if (!/^\d{1,15}$/.test(filter.cursor)) throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
      query.andWhere('e.id < :before', { before: Number(filter.cursor) });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const ids = [...new Set(page.flatMap((e) => [e.moderatorId, e.targetModeratorId]).filter((id): id is string => id !== null))];
    const moderators = ids.length ? await this.dataSource.getRepository(Moderator).find({ select: { id: true, email: true }, where: { id: In(ids) } }) : [];
    const email = new Map(moderators.map((m) => [m.id, m.email]));
    const who = (id: string | null) => (id ? { id, email: email.get(id) ?? '' } : null);
    const { comments, commenters, articles } = await this.context(page);
    return {
      items: page.map((e) => ({
        id: e.id,
        at: e.createdAt.toISOString(),
        action: e.action,
        moderator: who(e.moderatorId),
        commentId: e.commentId,
        commentExcerpt: e.commentId ? (comments.get(e.commentId)?.excerpt ?? null) : null,
        commenterId: e.commenterId,
        commenterName: commenters.get(e.commenterId ?? comments.get(e.commentId ?? '')?.commenterId ?? '') ?? null,
        articleTitle: articles.get(articleIdOf(e) ?? '') ?? null,
        targetModerator: who(e.targetModeratorId),
        from: e.fromStatus,
        to: e.toStatus,
        reason: e.reason,
        note: e.note,
        detail: e.detail,
      })),
      nextCursor: rows.length > filter.limit && page.length ? String(page[page.length - 1]!.id) : null,
    };
  }

  /** What the page's lines name, read in three queries: comments' excerpts, commenters' names, articles' titles. */
  private async context(page: AuditEntry[]) {
    const commentIds = distinct(page.map((e) => e.commentId));
    const found = commentIds.length
      ? await this.dataSource.getRepository(Comment).find({ select: { id: true, body: true, commenterId: true, articleId: true }, where: { id: In(commentIds) } })
      : [];
    const comments = new Map(found.map((c) => [c.id, { excerpt: excerpt(c.body), commenterId: c.commenterId }]));
    const commenterIds = distinct([...page.map((e) => e.commenterId), ...found.map((c) => c.commenterId)]);
    const people = commenterIds.length
      ? await this.dataSource.getRepository(Commenter).find({ select: { id: true, displayName: true }, where: { id: In(commenterIds) } })
      : [];
    const articleIds = distinct(page.map(articleIdOf));
    const titled = articleIds.length ? await this.dataSource.getRepository(Article).find({ select: { id: true, title: true }, where: { id: In(articleIds) } }) : [];
    return {
      comments,
      commenters: new Map(people.map((p) => [p.id, p.displayName])),
      articles: new Map(titled.filter((a) => a.title).map((a) => [a.id, a.title as string])),
    };
  }
}

function articleIdOf(e: AuditEntry): string | null {
  const id = (e.detail as Record<string, unknown> | null)?.articleId;
  return typeof id === 'string' ? id : null;
}
