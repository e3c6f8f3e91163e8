import { Injectable, Logger } from '@nestjs/common';
import { Sql, valuesList } from '../db/sql.js';
import { searchText } from '../moderation/search/search-text.js';
import { createdEventsStatement } from '../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../integrations/webhooks/webhook-types.js';
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
    private readonly sql: Sql,
    private readonly webhooks: WebhookTypes,
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
      await insertAll(this.sql, batch.map((w) => w.item), this.webhooks.wants('comment.created'));
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
          await insertAll(this.sql, [waiting.item], this.webhooks.wants('comment.created'));
          waiting.resolve();
        } catch (rowErr) {
          waiting.reject(rowErr);
        }
      }
    }
  }
}

/**
 * The batch's new articles, comments and outbox rows (and `comment.created` webhook events when
 * some endpoint wants them): on PostgreSQL one
 * statement (one round trip, atomic on its own), on SQLite one transaction (Sql.writeAll).
 */
async function insertAll(sql: Sql, items: NewComment[], webhookEvents: boolean): Promise<void> {
  const articles = new Map<string, Article>();
  for (const { article } of items) if (article && !articles.has(article.id)) articles.set(article.id, article);
  await sql.writeAll([
    ...(articles.size === 0
      ? []
      : [
          {
            text: `INSERT INTO articles (id, url, title, created_at) VALUES ${valuesList(articles.size, 4)} ON CONFLICT (id) DO NOTHING`,
            params: [...articles.values()].flatMap((a) => [a.id, a.url, a.title, a.createdAt]),
          },
        ]),
    {
      text: `INSERT INTO comments (id, article_id, commenter_id, body, status, idempotency_key, created_at, parent_id, reply_to_id, search_text) VALUES ${valuesList(items.length, 10)}`,
      params: items.flatMap(({ comment: c }) => [c.id, c.articleId, c.commenterId, c.body, c.status, c.idempotencyKey, c.createdAt, c.parentId ?? null, c.replyToId ?? null, searchText(c.body)]),
    },
    {
      text: `INSERT INTO outbox (comment_id, created_at) VALUES ${valuesList(items.length, 2)}`,
      params: items.flatMap(({ comment: c }) => [c.id, c.createdAt]),
    },
    ...(webhookEvents ? [createdEventsStatement(items.map(({ comment }) => comment))] : []),
  ]);
}
