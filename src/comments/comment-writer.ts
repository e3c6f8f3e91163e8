import { Injectable, Logger } from '@nestjs/common';
import { Sql, valuesList } from '../db/sql.js';
import { Transactions } from '../db/transactions.js';
import type { Article } from './article.entity.js';
import type { Comment } from './comment.entity.js';

export interface NewComment {
  comment: Comment;
  /** Set when the article does not exist yet: created with the comment. */
  article?: Article;
}

interface Waiting {
  item: NewComment;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const MAX_BATCH = 250;
const MAX_IN_FLIGHT = 2;

/**
 * Writes accepted comments and their outbox rows durably, many per transaction: while one batch
 * commits, the next one gathers (group commit). A reader's 202 waits for its own commit, so
 * nothing answered is ever lost, but the disk flushes once per batch instead of once per comment.
 */
@Injectable()
export class CommentWriter {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private readonly log = new Logger(CommentWriter.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly sql: Sql,
  ) {}

  write(item: NewComment): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Waiting[]): Promise<void> {
    try {
      await insertAll(this.sql, this.transactions, batch.map((w) => w.item));
      batch.forEach((w) => w.resolve());
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One bad row (a duplicate Idempotency-Key) must not fail its neighbours: one by one.
      this.log.debug({ err: (err as Error).message, size: batch.length }, 'batch insert failed; retrying row by row');
      for (const waiting of batch) {
        try {
          await insertAll(this.sql, this.transactions, [waiting.item]);
          waiting.resolve();
        } catch (rowErr) {
          waiting.reject(rowErr);
        }
      }
    }
  }
}

/**
 * The batch's new articles, comments and outbox rows. On PostgreSQL one statement (data-modifying
 * CTEs), which is atomic on its own: one round trip, no BEGIN/COMMIT. On SQLite three statements in
 * one transaction (in-process, no round trips to save).
 */
async function insertAll(sql: Sql, transactions: Transactions, items: NewComment[]): Promise<void> {
  const articles = new Map<string, Article>();
  for (const { article } of items) if (article && !articles.has(article.id)) articles.set(article.id, article);
  const articleParams = [...articles.values()].flatMap((a) => [a.id, a.url, a.title, a.createdAt]);
  const articleSql = `INSERT INTO articles (id, url, title, created_at) VALUES ${valuesList(articles.size, 4)} ON CONFLICT (id) DO NOTHING`;
  const first = articleParams.length + 1;
  const commentParams = items.flatMap(({ comment: c }) => [c.id, c.articleId, c.commenterId, c.body, c.status, c.idempotencyKey, c.createdAt]);
  const commentSql = `INSERT INTO comments (id, article_id, commenter_id, body, status, idempotency_key, created_at) VALUES ${valuesList(items.length, 7, first)}`;
  const outboxFirst = first + commentParams.length;
  const outboxParams = items.flatMap(({ comment: c }) => [c.id, c.createdAt]);
  const outboxSql = `INSERT INTO outbox (comment_id, created_at) VALUES ${valuesList(items.length, 2, outboxFirst)}`;
  const params = [...articleParams, ...commentParams, ...outboxParams];
  if (sql.isPostgres) {
    const steps = [...(articles.size > 0 ? [`a AS (${articleSql})`] : []), `c AS (${commentSql})`];
    await sql.run(`WITH ${steps.join(', ')} ${outboxSql}`, params);
    return;
  }
  // SQLite numbers each statement's placeholders on its own: renumber from $1.
  await transactions.run(async (manager) => {
    if (articles.size > 0) await sql.run(articleSql, articleParams, manager);
    await sql.run(commentSql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) - first + 1}`), commentParams, manager);
    await sql.run(outboxSql.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) - outboxFirst + 1}`), outboxParams, manager);
  });
}
