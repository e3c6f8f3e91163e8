import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../../config.js';
import { Comment, type CommentStatus } from '../../comments/comment.entity.js';
import { ListCursors } from '../../comments/list-cursor.js';
import { Sql } from '../../db/sql.js';
import { AppError } from '../../errors.js';
import { QueueService, type QueuePage } from '../queue/queue.service.js';

export interface SearchQuery {
  /** The query's search form (search-text.ts), never empty when given. */
  text?: string;
  /** Lower-cased: a display-name substring, or a commenter id. */
  author?: string;
  articleId?: string;
  status?: CommentStatus;
  cursor?: string;
  limit: number;
}

/** PostgreSQL cancels a search running longer (SET LOCAL: this transaction only). */
export const SEARCH_TIMEOUT_MS = 2000;

/** LIKE's wildcards and its escape character, taken literally. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Moderator search: newest first, by keyset (created_at, id) so new comments never make a page
 * repeat; always LIMITed, and on PostgreSQL under a statement timeout. LIKE '%…%' cannot use an
 * index: it scans the candidate rows (all, or an article's, an author's) newest first until the
 * page is full — see docs/decisions.md for the volume this is meant for.
 */
@Injectable()
export class SearchService {
  private readonly cursors: ListCursors;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: QueueService,
    private readonly sql: Sql,
    config: AppConfig,
  ) {
    // The comment lists' signed cursors, scoped to the search: a cursor only pages the search that gave it.
    this.cursors = new ListCursors(config);
  }

  async search(query: SearchQuery): Promise<QueuePage> {
    const scope = `moderation-search\u0000${JSON.stringify([query.text ?? null, query.author ?? null, query.articleId ?? null, query.status ?? null])}`;
    const after = query.cursor ? this.cursors.verify(scope, query.cursor) : undefined;
    const rows = await this.bounded((manager) => {
      const q = manager.getRepository(Comment).createQueryBuilder('c').orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').limit(query.limit + 1);
      if (query.text !== undefined) q.andWhere(`c.search_text LIKE :text ESCAPE '\\'`, { text: `%${likeLiteral(query.text)}%` });
      if (query.author !== undefined) {
        q.andWhere(`c.commenter_id IN (SELECT m.id FROM commenters m WHERE m.id = :author OR LOWER(m.display_name) LIKE :name ESCAPE '\\')`, {
          author: query.author,
          name: `%${likeLiteral(query.author)}%`,
        });
      }
      if (query.articleId !== undefined) q.andWhere('c.article_id = :articleId', { articleId: query.articleId });
      if (query.status !== undefined) q.andWhere('c.status = :status', { status: query.status });
      if (after) {
        const at = this.sql.timeParam(after.publishedAt);
        q.andWhere('(c.created_at < :at OR (c.created_at = :at AND c.id < :afterId))', { at, afterId: after.id });
      }
      return q.getMany();
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.queue.hydrate(page),
      nextCursor: rows.length > query.limit && last ? this.cursors.sign(scope, { publishedAt: last.createdAt, id: last.id }) : null,
    };
  }

  /** PostgreSQL: in a transaction with a statement timeout, a cancelled search a 503. SQLite has no timeout: the LIMIT bounds it. */
  private async bounded<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.sql.isPostgres) return work(this.dataSource.manager);
    try {
      return await this.dataSource.transaction('READ COMMITTED', async (manager) => {
        await manager.query(`SET LOCAL statement_timeout = ${SEARCH_TIMEOUT_MS}`);
        return work(manager);
      });
    } catch (err) {
      const code = err instanceof QueryFailedError ? (err.driverError as { code?: string } | undefined)?.code : undefined;
      if (code === '57014') {
        throw new AppError('SEARCH_TIMEOUT', 503, 'The search took too long: narrow it with author, articleId or status, or a longer q', { timeoutMs: SEARCH_TIMEOUT_MS });
      }
      throw err;
    }
  }
}
