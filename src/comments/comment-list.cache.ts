import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { gzipOnce } from '../common/compression.js';
import { AppConfig } from '../config.js';
import { CommentEvents, changesPublicList } from './comment-events.js';

export interface CachedPage {
  articleId: string;
  /** The JSON, encoded once: every hit sends these bytes as they are. */
  body: Buffer;
  /** Its gzip form, made the first time a client that takes gzip asks. */
  gzip?: Buffer;
  etag: string;
}

/** The key, the page object and the LRU's own bookkeeping, roughly: small pages count for more than their bodies. */
const ENTRY_OVERHEAD = 200;

/** A page being made: the articles dropped meanwhile (what it read may be from before their change). */
interface Making {
  dropped: Set<string>;
  all: boolean;
}

/**
 * Serialized pages of published comments, in process memory: the hot path of every article view.
 * Dropped for an article as soon as any process says it changed (Redis pub/sub); the TTL bounds
 * staleness if such a message is ever missed. Bounded in bytes, not entries, and expired pages are
 * dropped on time, not when next asked for: any article id makes a page, so anyone can fill it.
 */
@Injectable()
export class CommentListCache {
  private readonly pages: LRUCache<string, CachedPage>;
  private readonly keysByArticle = new Map<string, Set<string>>();
  private readonly making = new Set<Making>();

  constructor(events: CommentEvents, config: AppConfig) {
    this.pages = new LRUCache<string, CachedPage>({
      maxSize: config.listCacheMaxBytes,
      sizeCalculation: (page, key) => page.body.length + (page.gzip?.length ?? 0) + key.length * 2 + ENTRY_OVERHEAD,
      ttl: config.listCacheTtlMs,
      ttlAutopurge: true,
      dispose: (page, key, reason) => {
        if (reason !== 'set') this.unindex(page.articleId, key);
      },
    });
    events.on((event) => {
      // An article's change (comments closed) shows in its pages too: `commentsOpen`.
      if (event.type === 'article.changed' || changesPublicList(event)) this.invalidate(event.articleId);
    });
    events.onResubscribed(() => this.clear());
  }

  /** Bytes held, as counted against LIST_CACHE_MAX_BYTES. */
  get bytes(): number {
    return this.pages.calculatedSize;
  }

  get entries(): number {
    return this.pages.size;
  }

  /** A page's key: what it is a page of (article and sort, a thread, the highlights), its limit and cursor. */
  key(...parts: Array<string | number | undefined>): string {
    return parts.map((part) => part ?? '').join('\u0000');
  }

  get(key: string): CachedPage | undefined {
    return this.pages.get(key);
  }

  /**
   * Makes a page and keeps it, unless its article changed while it was being made (a removal committed
   * during its reads): then it is served, not kept, so no page from before a change outlives it.
   */
  async fill(key: string, make: () => Promise<{ articleId: string; json: string }>): Promise<CachedPage> {
    const making: Making = { dropped: new Set(), all: false };
    this.making.add(making);
    let made;
    try {
      made = await make();
    } finally {
      this.making.delete(making);
    }
    if (making.all || making.dropped.has(made.articleId)) return pageOf(made.articleId, made.json);
    return this.set(made.articleId, key, made.json);
  }

  set(articleId: string, key: string, json: string): CachedPage {
    const page = pageOf(articleId, json);
    this.pages.set(key, page);
    if (this.pages.peek(key) !== page) return page; // larger than the whole cache: served, not kept
    let keys = this.keysByArticle.get(articleId);
    if (!keys) this.keysByArticle.set(articleId, (keys = new Set()));
    keys.add(key);
    return page;
  }

  /** The page's gzip form, made once and then counted in the page's size. */
  gzip(key: string, page: CachedPage): Buffer {
    if (page.gzip) return page.gzip;
    const gzip = gzipOnce(page.body);
    // A new object, so the LRU counts its new size; the TTL stays that of the page.
    if (this.pages.peek(key) === page) {
      this.pages.set(key, { ...page, gzip }, { noUpdateTTL: true });
      if (!this.pages.has(key)) this.unindex(page.articleId, key);
    }
    return gzip;
  }

  invalidate(articleId: string): void {
    for (const making of this.making) making.dropped.add(articleId);
    const keys = this.keysByArticle.get(articleId);
    if (!keys) return;
    this.keysByArticle.delete(articleId);
    for (const key of keys) this.pages.delete(key);
  }

  clear(): void {
    for (const making of this.making) making.all = true;
    this.keysByArticle.clear();
    this.pages.clear();
  }

  private unindex(articleId: string, key: string): void {
    const keys = this.keysByArticle.get(articleId);
    if (keys?.delete(key) && keys.size === 0) this.keysByArticle.delete(articleId);
  }
}

function pageOf(articleId: string, json: string): CachedPage {
  return { articleId, body: Buffer.from(json), etag: `W/"${createHash('sha1').update(json).digest('base64url').slice(0, 22)}"` };
}
