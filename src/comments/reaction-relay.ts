import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Sql, placeholders } from '../db/sql.js';
import { CommentEvents } from './comment-events.js';
import { CommentListCache } from './comment-list.cache.js';
import { CommentStream } from './comment-stream.js';

/** A comment's counts go out at most this often, however many reactions it gets. */
const EVERY_MS = 1000;
/** Comment ids waiting for the next update; past this, more wait for their next reaction (the list still refreshes). */
const MAX_PENDING = 10_000;
const READ_CHUNK = 500;

/**
 * Turns bursts of `comment.reacted` (from every process) into this process's live `reactions`
 * events and list refreshes: a reaction after a quiet second goes out at once; the ones after it
 * wait for the next flush, a second after the last one, which reads the current counts of every
 * waiting comment on a watched article in one query and drops their articles' cached pages.
 */
@Injectable()
export class ReactionRelay implements OnModuleDestroy {
  private readonly log = new Logger(ReactionRelay.name);
  /** comment id → its article, for the watched articles. */
  private pending = new Map<string, string>();
  /** Articles whose cached pages show counts that changed. */
  private stale = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing = false;
  private lastFlush = 0;
  private closed = false;

  constructor(
    events: CommentEvents,
    private readonly stream: CommentStream,
    private readonly cache: CommentListCache,
    private readonly sql: Sql,
  ) {
    events.on((event) => {
      if (event.type === 'comment.reacted') this.note(event.articleId, event.commentId);
    });
  }

  onModuleDestroy(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.stale.clear();
  }

  private note(articleId: string, commentId: string): void {
    this.stale.add(articleId);
    if (this.stream.watched(articleId) && (this.pending.size < MAX_PENDING || this.pending.has(commentId))) this.pending.set(commentId, articleId);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing || this.closed) return;
    this.timer = setTimeout(() => void this.flush(), Math.max(0, this.lastFlush + EVERY_MS - Date.now()));
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    this.flushing = true;
    const pending = this.pending;
    const stale = this.stale;
    this.pending = new Map();
    this.stale = new Set();
    try {
      for (const articleId of stale) this.cache.invalidate(articleId);
      const ids = [...pending.keys()].filter((id) => this.stream.watched(pending.get(id)!));
      for (let i = 0; i < ids.length; i += READ_CHUNK) {
        const chunk = ids.slice(i, i + READ_CHUNK);
        const rows = await this.sql.rows<{ id: string; likes: unknown; dislikes: unknown }>(
          `SELECT id, likes, dislikes FROM comments WHERE id IN (${placeholders(chunk.length)})`,
          chunk,
        );
        for (const row of rows) {
          this.stream.broadcast(pending.get(row.id)!, { type: 'reactions', id: row.id, likes: Number(row.likes), dislikes: Number(row.dislikes) });
        }
      }
    } catch (err) {
      this.log.warn({ err: (err as Error).message, comments: pending.size }, 'live reaction counts not sent');
    } finally {
      // Counted from when this update went out, so two updates of a comment are a second apart even when a read was slow.
      this.lastFlush = Date.now();
      this.flushing = false;
      if (this.stale.size > 0) this.schedule();
    }
  }
}
