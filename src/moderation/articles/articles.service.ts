import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Article } from '../../comments/article.entity.js';
import { CommentEvents } from '../../comments/comment-events.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import type { ModerationMode } from '../../rules/types.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';

export interface ArticleView {
  id: string;
  url: string | null;
  title: string | null;
  commentsOpen: boolean;
  /** The article's own moderation mode; null follows the rule set's. */
  moderationMode: ModerationMode | null;
  publishedCount: number;
  createdAt: string;
}

export interface ArticleSettings {
  commentsOpen?: boolean;
  moderationMode?: ModerationMode | null;
  note?: string;
}

function toView(a: Article): ArticleView {
  return {
    id: a.id,
    url: a.url,
    title: a.title,
    commentsOpen: a.commentsOpen,
    moderationMode: a.moderationMode,
    publishedCount: a.publishedCount,
    createdAt: a.createdAt.toISOString(),
  };
}

/** What the desk decides per article: comments open or closed, and pre-moderation for sensitive stories. */
@Injectable()
export class ArticlesService {
  constructor(
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
  ) {}

  async get(articleId: string): Promise<ArticleView> {
    const article = await this.articles.findOneBy({ id: articleId });
    if (!article) throw new AppError('NOT_FOUND', 404, 'No comment has been written on this article, and no moderator has set it up');
    return toView(article);
  }

  /**
   * Changes the article's settings, with an audit entry. An article nobody has commented on yet is
   * created, so comments can be closed, or held for review, before the story goes out.
   */
  async update(moderatorId: string, articleId: string, input: ArticleSettings): Promise<ArticleView> {
    const now = new Date();
    const article = await this.transactions.run(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(Article)
        .values({ id: articleId, url: null, title: null, commentsOpen: true, moderationMode: null, publishedCount: 0, createdAt: now })
        .orIgnore()
        .execute();
      const before = await manager.findOneByOrFail(Article, { id: articleId });
      const change: Partial<Pick<Article, 'commentsOpen' | 'moderationMode'>> = {};
      if (input.commentsOpen !== undefined) change.commentsOpen = input.commentsOpen;
      if (input.moderationMode !== undefined) change.moderationMode = input.moderationMode;
      await manager.update(Article, { id: articleId }, change);
      await manager.insert(
        AuditEntry,
        auditRow({
          createdAt: now,
          action: 'article.update',
          moderatorId,
          note: input.note ?? null,
          detail: {
            articleId,
            ...(change.commentsOpen !== undefined ? { commentsOpen: change.commentsOpen, wasOpen: before.commentsOpen } : {}),
            ...(change.moderationMode !== undefined ? { moderationMode: change.moderationMode, wasMode: before.moderationMode } : {}),
          },
        }),
      );
      return Object.assign(before, change);
    });
    await this.events.emit({ type: 'article.changed', articleId, commentsOpen: article.commentsOpen, moderationMode: article.moderationMode });
    return toView(article);
  }
}
