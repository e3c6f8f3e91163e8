import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Article } from './article.entity.js';
import { CommentEvents, changesPublicList, type CommentChanged, type CommentReported } from './comment-events.js';
import { CommentsService, type PublishedComment } from './comments.service.js';

/** What an article's live stream says: only public fields, never who is pending or why. */
export type StreamEvent =
  | { type: 'published'; comment: PublishedComment; total: number }
  | { type: 'removed'; id: string; total: number }
  | { type: 'article'; commentsOpen: boolean };

export interface StreamListener {
  send(event: StreamEvent): void;
  /** Ends the connection (shutdown: open streams would keep the server from closing). */
  end(): void;
}

const MAX_LISTENERS = 20_000;

/**
 * Fans comment events (heard from every process over Redis pub/sub) out to this process's
 * server-sent-event connections. A published comment is read once per event, however many
 * readers are watching its article.
 */
@Injectable()
export class CommentStream implements OnModuleDestroy {
  private readonly log = new Logger(CommentStream.name);
  private readonly byArticle = new Map<string, Set<StreamListener>>();
  private size = 0;

  constructor(
    events: CommentEvents,
    private readonly comments: CommentsService,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
  ) {
    events.on((event) => {
      if (!this.byArticle.has(event.articleId)) return;
      if (event.type === 'article.changed') {
        for (const listener of this.byArticle.get(event.articleId) ?? []) listener.send({ type: 'article', commentsOpen: event.commentsOpen });
        return;
      }
      if (changesPublicList(event)) this.relay(event).catch((err: Error) => this.log.warn({ err: err.message }, 'live comment event not sent'));
    });
  }

  /** False when this process already serves as many streams as it should. */
  hasRoom(): boolean {
    return this.size < MAX_LISTENERS;
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

  onModuleDestroy(): void {
    for (const set of this.byArticle.values()) for (const listener of set) listener.end();
    this.byArticle.clear();
    this.size = 0;
  }

  /** Says what the list now holds: the comment if it is published and not hidden, else its removal. */
  private async relay(event: CommentChanged | CommentReported): Promise<void> {
    const [comment, article] = await Promise.all([this.comments.findById(event.commentId), this.articles.findOneBy({ id: event.articleId })]);
    const total = article?.publishedCount ?? 0;
    let out: StreamEvent;
    if (comment?.status === 'published' && !comment.hiddenAt && comment.publishedAt) {
      const author = await this.comments.authorOf(comment);
      out = { type: 'published', comment: { id: comment.id, body: comment.body, author, publishedAt: comment.publishedAt.toISOString() }, total };
    } else {
      out = { type: 'removed', id: event.commentId, total };
    }
    for (const listener of this.byArticle.get(event.articleId) ?? []) listener.send(out);
  }
}
