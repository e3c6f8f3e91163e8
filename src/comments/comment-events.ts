import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { InjectRedis } from '../redis/redis.module.js';
import { subscribe } from '../redis/subscription.js';
import type { ModerationMode } from '../rules/types.js';
import type { CommentStatus } from './comment.entity.js';

export interface CommentChanged {
  type: 'comment.changed';
  articleId: string;
  commentId: string;
  from: CommentStatus | null;
  to: CommentStatus;
  /** Who decided: 'rules', 'moderator' (actorId = the moderator's id), 'system' or 'author' (an edit sent it back to pending, or a deletion). */
  actor?: string;
  actorId?: string | null;
  reason?: string | null;
  /** published → published: a moderator approved a reported comment (its reports are cleared). */
  reportsCleared?: boolean;
  /** published → published: an edit's new text was published (the list shows it, with editedAt). */
  edited?: boolean;
}

/** Readers' reactions changed a comment's counts (many in a burst: listeners coalesce). */
export interface CommentReacted {
  type: 'comment.reacted';
  articleId: string;
  commentId: string;
}

/** A moderator featured or unfeatured a published comment (editor's pick). */
export interface CommentFeatured {
  type: 'comment.featured';
  articleId: string;
  commentId: string;
  featured: boolean;
}

/** A published comment's edit was held for review (the public keeps the published text): a new review-queue item. */
export interface CommentRevised {
  type: 'comment.revised';
  articleId: string;
  commentId: string;
  revisionId: string;
  status: 'in_review';
}

/** A published comment reached REPORT_THRESHOLD and entered the `reported` queue. */
export interface CommentReported {
  type: 'comment.reported';
  articleId: string;
  commentId: string;
  reportCount: number;
  /** HIDE_REPORTED took it out of the public list. */
  hidden: boolean;
}

/** A moderator opened or closed comments on an article, or set its moderation mode. */
export interface ArticleChanged {
  type: 'article.changed';
  articleId: string;
  commentsOpen: boolean;
  moderationMode: ModerationMode | null;
}

export type CommentEvent = CommentChanged | CommentReported | ArticleChanged | CommentReacted | CommentFeatured | CommentRevised;

/**
 * Whether a comment's change shows in the public list: published or unpublished (an edit's text
 * published, too), hidden after reports, featured. Reactions are not: they change counts many
 * times a second, and their listeners coalesce them.
 */
export function changesPublicList(event: CommentEvent): boolean {
  switch (event.type) {
    case 'comment.reported':
      return event.hidden;
    case 'comment.changed':
      return event.from === 'published' || event.to === 'published';
    case 'comment.featured':
      return true;
    default:
      return false;
  }
}

type Listener = (event: CommentEvent) => void;

/**
 * Status changes, told to every process (API replicas, workers) over Redis pub/sub: caches drop
 * what changed, live views update. Best effort: a missed message costs a few seconds of staleness
 * (caches expire), never data.
 */
@Injectable()
export class CommentEvents implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(CommentEvents.name);
  private readonly listeners = new Set<Listener>();
  private readonly resubscribedListeners = new Set<() => void>();
  private subscriber?: Redis;
  private readonly channel: string;
  /** Tags what this process publishes, so it does not hear its own events twice. */
  private readonly instance = randomUUID();

  constructor(
    config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.channel = `${config.queuePrefix}:comment-events`;
    this.redisUrl = config.redisUrl;
  }

  private readonly redisUrl: string;

  async onModuleInit(): Promise<void> {
    this.subscriber = subscribe(this.redisUrl, 'comments-events', this.channel, {
      // After an outage, messages may have been missed: let caches start over.
      onSubscribed: (again) => {
        if (again) for (const listener of this.resubscribedListeners) listener();
      },
      onError: (err) => this.log.warn({ err }, 'could not subscribe to comment events'),
      onMessage: (message) => {
        let parsed: { origin?: string; events?: CommentEvent[] };
        try {
          parsed = JSON.parse(message) as { origin?: string; events?: CommentEvent[] };
        } catch {
          return;
        }
        if (parsed.origin === this.instance) return; // told to our own listeners already, when emitted
        for (const event of Array.isArray(parsed.events) ? parsed.events : []) this.tell(event);
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.subscriber?.disconnect();
  }

  on(listener: Listener): void {
    this.listeners.add(listener);
  }

  onResubscribed(listener: () => void): void {
    this.resubscribedListeners.add(listener);
  }

  /**
   * This process's listeners hear it at once (so a reader who caused a change never sees a stale
   * cache on their next request); other processes through Redis.
   */
  async emit(event: CommentEvent): Promise<void> {
    this.tell(event);
    if (!this.outgoing) {
      // Events emitted in the same turn of the event loop (a worker batch's decisions) go out as one message.
      const events: CommentEvent[] = [];
      this.outgoing = { events, sent: new Promise((resolve) => setImmediate(resolve)).then(() => this.publish(events)) };
    }
    this.outgoing.events.push(event);
    return this.outgoing.sent;
  }

  private outgoing?: { events: CommentEvent[]; sent: Promise<void> };

  private async publish(events: CommentEvent[]): Promise<void> {
    this.outgoing = undefined;
    try {
      await this.redis.publish(this.channel, JSON.stringify({ origin: this.instance, events }));
    } catch (err) {
      this.log.warn({ err, count: events.length }, 'comment events not published to other processes (Redis unavailable)');
    }
  }

  private tell(event: CommentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.warn({ err, type: event.type }, 'comment event listener failed');
      }
    }
  }
}
