import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { CommentEvents, type CommentChanged } from '../comments/comment-events.js';
import { QueueService } from '../moderation/queue/queue.service.js';
import { openEventStream, sseFrame, type EventStream } from '../common/event-stream.js';

/** How often an idle stream gets a comment line, so proxies and browsers keep it open. */
export const HEARTBEAT_MS = 15_000;
/**
 * A stream is ended after this long; EventSource reconnects at once, through the guard again, so a
 * signed-out or disabled moderator stops hearing events within this time.
 */
export const MAX_STREAM_MS = 10 * 60_000;
/** Changes arrive in bursts (a bulk decision, a busy article): counts go out at most this often. */
const COUNTS_EVERY_MS = 500;

export type QueueName = 'review' | 'reported' | 'rejected' | 'published';

/** What a dashboard hears. */
export type LiveEvent =
  | { event: 'item'; data: { commentId: string; articleId: string; queue: QueueName } }
  | {
      event: 'decision';
      data: { commentId: string; articleId: string; from: string | null; to: string; actor: string | null; moderatorId: string | null; reason: string | null };
    }
  | { event: 'counts'; data: Record<string, number> };


/** Any event type on the comment-events channel (other modules may add their own, e.g. reports). */
type AnyCommentEvent = CommentChanged | { type: string; commentId?: string; articleId?: string; [key: string]: unknown };

/** Turns one comment event into what a moderator's dashboard needs to hear (or nothing). */
export function toLiveEvents(e: AnyCommentEvent): LiveEvent[] {
  if (e.type === 'comment.reported' && typeof e.commentId === 'string') {
    return [{ event: 'item', data: { commentId: e.commentId, articleId: String(e.articleId ?? ''), queue: 'reported' } }];
  }
  // A published comment's edit held by the rules: the comment joins the review queue (its status stays published).
  if (e.type === 'comment.revised' && typeof e.commentId === 'string') {
    return [{ event: 'item', data: { commentId: e.commentId, articleId: String(e.articleId ?? ''), queue: 'review' } }];
  }
  if (e.type !== 'comment.changed') return [];
  const c = e as CommentChanged;
  const out: LiveEvent[] = [];
  if (c.to === 'in_review') out.push({ event: 'item', data: { commentId: c.commentId, articleId: c.articleId, queue: 'review' } });
  // Decisions on held comments and anything a moderator did; the rules publishing clean comments
  // (the bulk of traffic) only moves the counts.
  if (c.from === 'in_review' || c.actor === 'moderator' || c.actor === 'system') {
    out.push({
      event: 'decision',
      data: {
        commentId: c.commentId,
        articleId: c.articleId,
        from: c.from,
        to: c.to,
        actor: c.actor ?? null,
        moderatorId: c.actor === 'moderator' ? (c.actorId ?? null) : null,
        reason: c.reason ?? null,
      },
    });
  }
  return out;
}


/**
 * The open event streams of this process. Every process hears every comment event over Redis
 * pub/sub (CommentEvents), so a dashboard connected to any replica sees decisions made anywhere.
 */
@Injectable()
export class LiveEvents implements OnModuleDestroy {
  private readonly log = new Logger(LiveEvents.name);
  private readonly clients = new Set<EventStream>();
  private countsTimer?: NodeJS.Timeout;
  constructor(
    events: CommentEvents,
    private readonly queue: QueueService,
  ) {
    events.on((event) => this.onEvent(event as AnyCommentEvent));
    // Messages may have been lost while Redis was away: let every dashboard recount.
    events.onResubscribed(() => this.scheduleCounts());
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over a hijacked response: headers, a first `counts`, heartbeats, clean-up on close. */
  attach(raw: ServerResponse, headers: Record<string, string | number | string[] | undefined>, onClose: () => void = () => undefined): void {
    const client: EventStream = openEventStream(raw, {
      headers,
      heartbeatMs: HEARTBEAT_MS,
      maxMs: MAX_STREAM_MS,
      onClose: () => {
        this.clients.delete(client);
        onClose();
      },
    });
    this.clients.add(client);
    void this.sendCounts(new Set([client]));
  }

  private onEvent(event: AnyCommentEvent): void {
    if (this.clients.size === 0) return;
    const text = toLiveEvents(event).map((e) => sseFrame(e.event, e.data)).join('');
    if (text) for (const client of this.clients) client.write(text);
    this.scheduleCounts();
  }

  private scheduleCounts(): void {
    if (this.countsTimer || this.clients.size === 0) return;
    this.countsTimer = setTimeout(() => {
      this.countsTimer = undefined;
      void this.sendCounts(this.clients);
    }, COUNTS_EVERY_MS);
    this.countsTimer.unref();
  }

  private async sendCounts(clients: Set<EventStream>): Promise<void> {
    try {
      const text = sseFrame('counts', await this.queue.counts());
      for (const client of clients) if (!client.ended) client.write(text);
    } catch (err) {
      this.log.warn({ err }, 'queue counts not sent');
    }
  }

  /** Open streams would keep the HTTP server from closing: end them (browsers reconnect elsewhere). */
  onModuleDestroy(): void {
    clearTimeout(this.countsTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }
}
