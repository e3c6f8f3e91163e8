import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Transactions } from '../db/transactions.js';
import { Article } from './article.entity.js';
import { Comment } from './comment.entity.js';
import { OutboxEntry } from './outbox.entity.js';

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

  constructor(private readonly transactions: Transactions) {}

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
      await this.transactions.run((manager) => insertAll(manager, batch.map((w) => w.item)));
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
          await this.transactions.run((manager) => insertAll(manager, [waiting.item]));
          waiting.resolve();
        } catch (rowErr) {
          waiting.reject(rowErr);
        }
      }
    }
  }
}

async function insertAll(manager: EntityManager, items: NewComment[]): Promise<void> {
  const articles = new Map<string, Article>();
  for (const { article } of items) if (article && !articles.has(article.id)) articles.set(article.id, article);
  if (articles.size > 0) {
    await manager.createQueryBuilder().insert().into(Article).values([...articles.values()]).orIgnore().execute();
  }
  await manager.createQueryBuilder().insert().into(Comment).values(items.map((i) => i.comment)).updateEntity(false).execute();
  await manager
    .createQueryBuilder()
    .insert()
    .into(OutboxEntry)
    .values(items.map((i) => ({ commentId: i.comment.id, createdAt: i.comment.createdAt })))
    .updateEntity(false)
    .execute();
}
