import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Sql, placeholders, valuesList } from '../db/sql.js';
import { Transactions } from '../db/transactions.js';
import { AppError } from '../errors.js';
import { CommentEvents } from './comment-events.js';
import type { ReactionType } from './comment-reaction.entity.js';

/** A reader's reaction as a request leaves it: `type` null takes it back. */
export interface ReactionChange {
  commentId: string;
  articleId: string;
  readerId: string;
  type: ReactionType | null;
}

export interface ReactionState {
  likes: number;
  dislikes: number;
  myReaction: ReactionType | null;
}

interface Waiting {
  change: ReactionChange;
  resolve: (state: ReactionState) => void;
  reject: (err: unknown) => void;
}

interface Counts {
  likes: number;
  dislikes: number;
}

const MAX_BATCH = 500;
/** PostgreSQL gave up one transaction of a deadlock (with a moderator's, say): the batch is tried again. */
const RETRIES = 3;

/**
 * PostgreSQL's batch ($1–$4 the reactions set, $5 now, $6–$7 those taken back, $8 every comment
 * of the batch). The deltas sum what the upsert and the delete returned; comments whose counts did
 * not move are read as they are.
 */
const APPLY_IN_ONE_STATEMENT = `
WITH up AS (
       INSERT INTO comment_reactions (comment_id, commenter_id, article_id, type, created_at)
       SELECT s.comment_id, s.commenter_id, s.article_id, s.type, $5::timestamp
         FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[]) AS s (comment_id, commenter_id, article_id, type)
        ORDER BY s.comment_id, s.commenter_id
       ON CONFLICT (comment_id, commenter_id) DO UPDATE SET type = EXCLUDED.type WHERE comment_reactions.type <> EXCLUDED.type
       RETURNING comment_id, type, xmax = 0 AS inserted),
     gone AS (
       DELETE FROM comment_reactions r USING unnest($6::varchar[], $7::varchar[]) AS d (comment_id, commenter_id)
        WHERE r.comment_id = d.comment_id AND r.commenter_id = d.commenter_id
       RETURNING r.comment_id, r.type),
     delta AS (
       SELECT comment_id, SUM(likes)::int AS likes, SUM(dislikes)::int AS dislikes FROM (
         SELECT comment_id, CASE WHEN type = 'like' THEN 1 WHEN inserted THEN 0 ELSE -1 END AS likes,
                            CASE WHEN type = 'dislike' THEN 1 WHEN inserted THEN 0 ELSE -1 END AS dislikes FROM up
         UNION ALL
         SELECT comment_id, CASE WHEN type = 'like' THEN -1 ELSE 0 END, CASE WHEN type = 'dislike' THEN -1 ELSE 0 END FROM gone) AS x
       GROUP BY comment_id HAVING SUM(likes) <> 0 OR SUM(dislikes) <> 0),
     locked AS (SELECT id FROM comments WHERE id IN (SELECT comment_id FROM delta) ORDER BY id FOR UPDATE),
     counted AS (
       UPDATE comments SET likes = comments.likes + delta.likes, dislikes = comments.dislikes + delta.dislikes
         FROM locked JOIN delta ON delta.comment_id = locked.id
        WHERE comments.id = locked.id
       RETURNING comments.id, comments.likes, comments.dislikes)
SELECT id, likes, dislikes, true AS changed FROM counted
UNION ALL
SELECT id, likes, dislikes, false FROM comments WHERE id = ANY($8::varchar[]) AND id NOT IN (SELECT id FROM counted)`;

const keyOf = (commentId: string, readerId: string) => `${commentId}\u0000${readerId}`;
const other = (type: ReactionType): ReactionType => (type === 'like' ? 'dislike' : 'like');

/**
 * Applies readers' reactions many per transaction (group commit, like CommentWriter): the ones
 * that arrive while a batch commits go together in the next. The counts on `comments` change only
 * by what the statements report they did (RETURNING), so they always equal the rows, however many
 * requests race, in this process or another.
 */
@Injectable()
export class ReactionWriter {
  private readonly log = new Logger(ReactionWriter.name);
  private readonly waiting: Waiting[] = [];
  private flushing = false;
  private scheduled = false;

  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
  ) {}

  /** Resolves once the change is committed, with the comment's counts and the reader's reaction then. */
  apply(change: ReactionChange): Promise<ReactionState> {
    return new Promise<ReactionState>((resolve, reject) => {
      this.waiting.push({ change, resolve, reject });
      // The requests read in this turn of the event loop go together.
      if (this.scheduled || this.flushing) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  /** One batch at a time: the next one gathers while this one commits, and batches of the same comments never wait on each other's locks. */
  private pump(): void {
    if (this.flushing || this.waiting.length === 0) return;
    this.flushing = true;
    void this.flush(this.waiting.splice(0, MAX_BATCH)).finally(() => {
      this.flushing = false;
      this.pump();
    });
  }

  private async flush(batch: Waiting[]): Promise<void> {
    // The same reader on the same comment twice in a batch: the last request wins and every one of them answers with it.
    const final = new Map<string, ReactionChange>();
    for (const { change } of batch) {
      const key = keyOf(change.commentId, change.readerId);
      final.delete(key);
      final.set(key, change);
    }
    const changes = [...final.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, change]) => change);
    let result: Applied;
    try {
      result = await this.applyWithRetry(changes);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, size: batch.length }, 'reactions not applied');
      for (const waiting of batch) waiting.reject(err);
      return;
    }
    for (const { change, resolve, reject } of batch) {
      const counts = result.counts.get(change.commentId);
      if (!counts) {
        reject(new AppError('NOT_FOUND', 404, 'No such comment'));
        continue;
      }
      resolve({ ...counts, myReaction: final.get(keyOf(change.commentId, change.readerId))!.type });
    }
    const articleOf = new Map(changes.map((c) => [c.commentId, c.articleId]));
    for (const commentId of result.changed) void this.events.emit({ type: 'comment.reacted', articleId: articleOf.get(commentId)!, commentId });
  }

  private async applyWithRetry(changes: ReactionChange[]): Promise<Applied> {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.sql.isPostgres ? await this.inOneStatement(changes) : await this.transactions.run((manager) => this.inTransaction(changes, manager));
      } catch (err) {
        const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
        if (attempt >= RETRIES || code !== '40P01') throw err;
      }
    }
  }

  /**
   * PostgreSQL: one statement (one round trip, atomic on its own). The upsert changes a reaction
   * only when its type differs and says whether it inserted (xmax = 0) or switched; the delete says
   * what it removed; both act on the rows as committed, waiting for any batch that holds them (from
   * another process, say). The comments' counts move by exactly that, locked in id order.
   */
  private async inOneStatement(changes: ReactionChange[]): Promise<Applied> {
    const sets = changes.filter((c) => c.type !== null);
    const removals = changes.filter((c) => c.type === null);
    // Arrays, not VALUES lists: the statement's text is the same for every batch.
    const rows = await this.sql.rows<{ id: string; likes: unknown; dislikes: unknown; changed: boolean }>(APPLY_IN_ONE_STATEMENT, [
      sets.map((c) => c.commentId),
      sets.map((c) => c.readerId),
      sets.map((c) => c.articleId),
      sets.map((c) => c.type),
      new Date(),
      removals.map((c) => c.commentId),
      removals.map((c) => c.readerId),
      commentIds(changes),
    ]);
    return toApplied(rows);
  }

  /** SQLite (one writer at a time; the first statement writes, so it takes the lock): the same, statement by statement. */
  private async inTransaction(changes: ReactionChange[], manager: EntityManager): Promise<Applied> {
    const ids = commentIds(changes);
    const delta = new Map<string, Counts>(ids.map((id) => [id, { likes: 0, dislikes: 0 }]));
    const add = (commentId: string, type: ReactionType, n: number) => {
      const d = delta.get(commentId)!;
      if (type === 'like') d.likes += n;
      else d.dislikes += n;
    };

    const sets = changes.filter((c) => c.type !== null);
    if (sets.length > 0) {
      const inserted = await this.sql.rows<{ comment_id: string; commenter_id: string; type: ReactionType }>(
        `INSERT INTO comment_reactions (comment_id, commenter_id, article_id, type, created_at) VALUES ${valuesList(sets.length, 5)}
         ON CONFLICT (comment_id, commenter_id) DO NOTHING RETURNING comment_id, commenter_id, type`,
        sets.flatMap((c) => [c.commentId, c.readerId, c.articleId, c.type, new Date()]),
        manager,
      );
      for (const row of inserted) add(row.comment_id, row.type, +1);
      const isNew = new Set(inserted.map((row) => keyOf(row.comment_id, row.commenter_id)));
      const existing = sets.filter((c) => !isNew.has(keyOf(c.commentId, c.readerId)));
      if (existing.length > 0) {
        const switched = await this.sql.rows<{ comment_id: string; type: ReactionType }>(
          `UPDATE comment_reactions SET type = v.column3 FROM (VALUES ${valuesList(existing.length, 3)}) AS v
            WHERE comment_reactions.comment_id = v.column1 AND comment_reactions.commenter_id = v.column2 AND comment_reactions.type <> v.column3
            RETURNING comment_reactions.comment_id AS comment_id, comment_reactions.type AS type`,
          existing.flatMap((c) => [c.commentId, c.readerId, c.type]),
          manager,
        );
        for (const row of switched) {
          add(row.comment_id, row.type, +1);
          add(row.comment_id, other(row.type), -1);
        }
      }
    }

    const removals = changes.filter((c) => c.type === null);
    if (removals.length > 0) {
      const removed = await this.sql.rows<{ comment_id: string; type: ReactionType }>(
        `DELETE FROM comment_reactions WHERE (comment_id, commenter_id) IN (VALUES ${valuesList(removals.length, 2)}) RETURNING comment_id, type`,
        removals.flatMap((c) => [c.commentId, c.readerId]),
        manager,
      );
      for (const row of removed) add(row.comment_id, row.type, -1);
    }

    const changed = ids.filter((id) => delta.get(id)!.likes !== 0 || delta.get(id)!.dislikes !== 0);
    const rows: Array<{ id: string; likes: unknown; dislikes: unknown; changed: boolean }> = [];
    if (changed.length > 0) {
      const counted = await this.sql.rows<{ id: string; likes: unknown; dislikes: unknown }>(
        `UPDATE comments SET likes = comments.likes + v.column2, dislikes = comments.dislikes + v.column3
           FROM (VALUES ${changed.map((_, i) => `($${3 * i + 1}, $${3 * i + 2}::int, $${3 * i + 3}::int)`).join(', ')}) AS v
          WHERE comments.id = v.column1
          RETURNING comments.id AS id, comments.likes AS likes, comments.dislikes AS dislikes`,
        changed.flatMap((id) => [id, delta.get(id)!.likes, delta.get(id)!.dislikes]),
        manager,
      );
      rows.push(...counted.map((row) => ({ ...row, changed: true })));
    }
    const counted = new Set(rows.map((row) => row.id));
    const unchanged = ids.filter((id) => !counted.has(id));
    if (unchanged.length > 0) {
      const read = await this.sql.rows<{ id: string; likes: unknown; dislikes: unknown }>(`SELECT id, likes, dislikes FROM comments WHERE id IN (${placeholders(unchanged.length)})`, unchanged, manager);
      rows.push(...read.map((row) => ({ ...row, changed: false })));
    }
    return toApplied(rows);
  }
}

interface Applied {
  /** Each comment's counts after the batch. */
  counts: Map<string, Counts>;
  /** The comments whose counts the batch changed. */
  changed: string[];
}

function commentIds(changes: ReactionChange[]): string[] {
  return [...new Set(changes.map((c) => c.commentId))].sort();
}

function toApplied(rows: Array<{ id: string; likes: unknown; dislikes: unknown; changed: unknown }>): Applied {
  const counts = new Map<string, Counts>();
  const changed: string[] = [];
  for (const row of rows) {
    counts.set(row.id, { likes: Number(row.likes), dislikes: Number(row.dislikes) });
    if (row.changed === true || row.changed === 1) changed.push(row.id);
  }
  return { counts, changed };
}
