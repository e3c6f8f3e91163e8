import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { Commenter } from '../auth/commenter.entity.js';
import { RateLimits } from '../common/rate-limits.js';
import { AppConfig } from '../config.js';
import { batchedLookup } from '../db/batched-lookup.js';
import { Sql, placeholders } from '../db/sql.js';
import { AppError } from '../errors.js';
import { BansService } from '../moderation/commenters/bans.service.js';
import type { ReactionType } from './comment-reaction.entity.js';
import { CommentEvents } from './comment-events.js';
import { isVisibleRow } from './listed-comment.js';
import { ReactionWriter, type ReactionState } from './reaction-writer.js';

/** What the checks need to know of a comment. */
interface ReactedComment {
  articleId: string;
  commenterId: string;
  /** Published and not hidden after reports: in the public list now. */
  shown: boolean;
  /** Ever published (published_at is kept when a comment leaves the list). */
  wasPublished: boolean;
}

const COMMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** my-reactions answers with at most this many, the newest (an article's page shows far fewer). */
const MY_REACTIONS_MAX = 1000;
/** Comments whose facts each API process keeps (a busy hour's reacted comments, ~200 bytes each). */
const FACTS_MAX = 50_000;

/**
 * Why a reader may not react to a comment, or null. A comment the public never saw (unknown,
 * pending, held, rejected by the rules) is 404 to everyone but its author; one that was public and
 * is no longer (rejected by a moderator, deleted by its author, hidden after reports) is 409
 * COMMENT_NOT_PUBLISHED: readers have seen it, and their page may still show it.
 */
export function reactionRefusal(comment: ReactedComment | null, readerId: string): AppError | null {
  if (!comment) return new AppError('NOT_FOUND', 404, 'No such comment');
  if (comment.commenterId === readerId) return new AppError('OWN_COMMENT', 409, 'You cannot react to your own comment');
  if (!comment.wasPublished) return new AppError('NOT_FOUND', 404, 'No such comment');
  if (!comment.shown) return new AppError('COMMENT_NOT_PUBLISHED', 409, 'This comment is no longer published');
  return null;
}

/** Readers' 공감 / 비공감: one per reader per comment, switched or taken back at will. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly sql: Sql,
    private readonly writer: ReactionWriter,
    private readonly bans: BansService,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
    events: CommentEvents,
  ) {
    this.facts = new LRUCache<string, ReactedComment>({ max: FACTS_MAX, ttl: config.listCacheTtlMs });
    // Whatever changes whether a comment is shown comes as an event from the process that changed it.
    events.on((event) => {
      if (event.type === 'comment.reacted' || event.type === 'article.changed') return;
      this.factsGeneration++;
      this.facts.delete(event.commentId);
    });
    events.onResubscribed(() => {
      this.factsGeneration++;
      this.facts.clear();
    });
  }

  /**
   * What the checks need of each reacted comment, kept in memory: a popular comment gets thousands
   * of reactions a minute and its facts change only with its status. Dropped as soon as any process
   * announces a change to the comment, everything dropped after Redis comes back, and
   * LIST_CACHE_TTL bounds what a missed message can leave (the same bound as the public list's).
   */
  private readonly facts: LRUCache<string, ReactedComment>;
  /** Moves on every drop: facts read while one happened may be from before it, and are not kept. */
  private factsGeneration = 0;

  /** Sets (`like` / `dislike`) or takes back (null) the reader's reaction. A repeat changes nothing. */
  async react(reader: Pick<Commenter, 'id' | 'status'>, commentId: string, type: ReactionType | null): Promise<ReactionState> {
    if (await this.bans.isBanned(reader)) throw new AppError('COMMENTER_BANNED', 403, 'This account may not react to comments');
    // Every request counts, repeats too: the limit guards the database work below.
    await this.limits.consume('reaction', reader.id, {
      points: this.config.reactionRateLimit,
      windowSeconds: 60,
      message: `Too many reactions: at most ${this.config.reactionRateLimit} a minute`,
    });
    const comment = COMMENT_ID.test(commentId) ? await this.factsOf(commentId) : null;
    const refusal = reactionRefusal(comment, reader.id);
    if (refusal) throw refusal;
    return this.writer.apply({ commentId, articleId: comment!.articleId, readerId: reader.id, type });
  }

  /** The reader's reactions on an article's comments, the newest MY_REACTIONS_MAX. */
  async mine(readerId: string, articleId: string): Promise<Record<string, ReactionType>> {
    const rows = await this.sql.rows<{ comment_id: string; type: ReactionType }>(
      'SELECT comment_id, type FROM comment_reactions WHERE commenter_id = $1 AND article_id = $2 ORDER BY created_at DESC LIMIT $3',
      [readerId, articleId, MY_REACTIONS_MAX],
    );
    return Object.fromEntries(rows.map((row) => [row.comment_id, row.type]));
  }

  private async factsOf(commentId: string): Promise<ReactedComment | null> {
    const kept = this.facts.get(commentId);
    if (kept) return kept;
    const generation = this.factsGeneration;
    const read = await this.commentOf(commentId);
    if (read && generation === this.factsGeneration) this.facts.set(commentId, read);
    return read;
  }

  /** Concurrent reactions share one query for their comments. */
  private readonly commentOf = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<{ id: string; article_id: string; commenter_id: string; status: string; hidden_at: unknown; published_at: unknown }>(
      `SELECT id, article_id, commenter_id, status, hidden_at, published_at FROM comments WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Map(
      rows.map((row): [string, ReactedComment] => [
        row.id,
        {
          articleId: row.article_id,
          commenterId: row.commenter_id,
          shown: isVisibleRow(row),
          wasPublished: row.published_at != null,
        },
      ]),
    );
  });
}
