import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommentEvents, changesPublicList } from './comment-events.js';

export interface CachedPage {
  /** The JSON, encoded once: every hit sends these bytes as they are. */
  body: Buffer;
  /** Its gzip form, made the first time a client that takes gzip asks. */
  gzip?: Buffer;
  etag: string;
  expiresAt: number;
}

const TTL_MS = 10_000;
const MAX_ENTRIES = 20_000;

/**
 * Serialized pages of published comments, in process memory: the hot path of every article view.
 * Dropped for an article as soon as any process says it changed (Redis pub/sub); the TTL bounds
 * staleness if such a message is ever missed.
 */
@Injectable()
export class CommentListCache {
  private readonly pages = new Map<string, CachedPage>();
  private readonly keysByArticle = new Map<string, Set<string>>();

  constructor(events: CommentEvents) {
    events.on((event) => {
      // An article's change (comments closed) shows in its pages too: `commentsOpen`.
      if (event.type === 'article.changed' || changesPublicList(event)) this.invalidate(event.articleId);
    });
    events.onResubscribed(() => this.clear());
  }

  key(articleId: string, limit: number, cursor: string | undefined): string {
    return `${articleId}\u0000${limit}\u0000${cursor ?? ''}`;
  }

  get(key: string): CachedPage | undefined {
    const page = this.pages.get(key);
    if (page && page.expiresAt > Date.now()) return page;
    if (page) this.pages.delete(key);
    return undefined;
  }

  set(articleId: string, key: string, json: string): CachedPage {
    if (this.pages.size >= MAX_ENTRIES) this.clear();
    const page = { body: Buffer.from(json), etag: `W/"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"`, expiresAt: Date.now() + TTL_MS };
    this.pages.set(key, page);
    let keys = this.keysByArticle.get(articleId);
    if (!keys) this.keysByArticle.set(articleId, (keys = new Set()));
    keys.add(key);
    return page;
  }

  invalidate(articleId: string): void {
    for (const key of this.keysByArticle.get(articleId) ?? []) this.pages.delete(key);
    this.keysByArticle.delete(articleId);
  }

  clear(): void {
    this.pages.clear();
    this.keysByArticle.clear();
  }
}
