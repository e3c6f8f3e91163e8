import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Article } from './article.entity.js';
import { CommentEvents, changesPublicList, type CommentEvent } from './comment-events.js';
import { CommentReader } from './comment-reader.js';
import type { ListedComment } from './listed-comment.js';

/** What an article's live stream says: only public fields, never who is pending or why. */
export type StreamEvent =
  /** A comment entered the list (a reply carries its parentId). */
  | { type: 'published'; comment: ListedComment; total: number }
  /** A comment left the list; a top comment with published replies stays as `placeholder`. */
  | { type: 'removed'; id: string; parentId: string | null; total: number; placeholder: ListedComment | null }
  /** An edit's new text was published. */
  | { type: 'edited'; comment: ListedComment }
  /** Reaction counts, coalesced: at most once a second per comment. */
  | { type: 'reactions'; id: string; likes: number; dislikes: number }
  | { type: 'featured'; id: string; featured: boolean }
  | { type: 'article'; commentsOpen: boolean };

export interface StreamListener {
  send(event: StreamEvent): void;
  /** Ends the connection (shutdown: open streams would keep the server from closing). */
  end(): void;
}

const MAX_LISTENERS = 20_000;

/**
 * Fans comment events (heard from every process over Redis pub/sub) out to this process's
 * server-sent-event connections. A changed comment is read once per event, however many readers
 * are watching its article.
 */
@Injectable()
export class CommentStream implements OnModuleDestroy {
  private readonly log = new Logger(CommentStream.name);
  private readonly byArticle = new Map<string, Set<StreamListener>>();
  private size = 0;

  constructor(
    events: CommentEvents,
    private readonly reader: CommentReader,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
  ) {
    events.on((event) => {
      if (!this.byArticle.has(event.articleId)) return;
      if (event.type === 'article.changed') {
        this.broadcast(event.articleId, { type: 'article', commentsOpen: event.commentsOpen });
        return;
      }
      if (changesPublicList(event)) this.relay(event).catch((err: Error) => this.log.warn({ err: err.message }, 'live comment event not sent'));
    });
  }

  /** False when this process already serves as many streams as it should. */
  hasRoom(): boolean {
    return this.size < MAX_LISTENERS;
  }

  /** Whether anyone on this process watches the article (saves work for events nobody hears). */
  watched(articleId: string): boolean {
    return this.byArticle.has(articleId);
  }

  add(articleId: string, listener: StreamListener): void {
    let set = this.byArticle.get(articleId);
    if (!set) this.byArticle.set(articleId, (set = new Set()));
    set.add(listener);
    this.size++;
  }

  remove(articleId: string, listener: StreamListener): void {
    const set = this.byArticle.get(articleId);
    if (!set?.delete(listener)) return;
    this.size--;
    if (set.size === 0) this.byArticle.delete(articleId);
  }

  broadcast(articleId: string, event: StreamEvent): void {
    for (const listener of this.byArticle.get(articleId) ?? []) listener.send(event);
  }

  onModuleDestroy(): void {
    for (const set of this.byArticle.values()) for (const listener of set) listener.end();
    this.byArticle.clear();
    this.size = 0;
  }

  /** Says what the list now holds: the comment if it is shown, its new text, its pick, or its removal. */
  private async relay(event: CommentEvent): Promise<void> {
    if (!('commentId' in event)) return;
    const [comment, article] = await Promise.all([this.reader.item(event.commentId), this.articles.findOneBy({ id: event.articleId })]);
    const total = article?.publishedCount ?? 0;
    const shown = comment !== null && !comment.deleted;
    let out: StreamEvent;
    if (event.type === 'comment.featured') {
      out = { type: 'featured', id: event.commentId, featured: shown && comment.featured };
    } else if (shown && event.type === 'comment.changed' && event.edited) {
      out = { type: 'edited', comment };
    } else if (shown) {
      out = { type: 'published', comment, total };
    } else {
      // A removed reply is not in any list any more: its thread is read from the row.
      const parentId = comment ? comment.parentId : await this.reader.threadOf(event.commentId);
      out = { type: 'removed', id: event.commentId, parentId, total, placeholder: comment };
    }
    this.broadcast(event.articleId, out);
  }
}
