import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config.js';
import { Sql, placeholders } from '../db/sql.js';
import { CommentEvents, changesPublicList } from './comment-events.js';

/** Any article id gets an entry (unknown ones count 0), so anyone can fill the cache: bounded by entries and by bytes. */
const MAX_ENTRIES = 100_000;
const MAX_BYTES = 32 * 1024 * 1024;
/** The key, the member and the LRU's own bookkeeping, roughly. */
const ENTRY_OVERHEAD = 100;

/** An article's count as a member of a JSON object, `"<articleId>":<count>`. */
function member(articleId: string, count: number): string {
  return `${JSON.stringify(articleId)}:${count}`;
}

/** Ids dropped while a load was reading the database: what it read for them may be from before the change. */
interface Load {
  dropped: Set<string>;
  all: boolean;
}

/**
 * Published comments per article (the count the public list calls `total`), for index pages that
 * show counts for dozens of articles on every view. Each is kept as the JSON the answer carries,
 * made once, so an answer from memory is a join. Each API process keeps them in memory: dropped
 * for an article as soon as any process says its public list changed (Redis pub/sub), everything
 * dropped after Redis comes back, and LIST_CACHE_TTL bounds staleness if a message is missed.
 */
@Injectable()
export class ArticleCounts {
  private readonly members: LRUCache<string, string>;
  private readonly loads = new Set<Load>();
  /** Moves on every drop: an answer built from members of an older generation may hold a dropped one. */
  private generationNow = 0;

  constructor(
    private readonly sql: Sql,
    events: CommentEvents,
    config: AppConfig,
  ) {
    this.members = new LRUCache<string, string>({
      max: MAX_ENTRIES,
      maxSize: MAX_BYTES,
      sizeCalculation: (json, key) => (key.length + json.length) * 2 + ENTRY_OVERHEAD,
      ttl: config.listCacheTtlMs,
    });
    events.on((event) => {
      if (event.type !== 'article.changed' && changesPublicList(event)) this.invalidate(event.articleId);
    });
    events.onResubscribed(() => this.clear());
  }

  /** Changes whenever any count is dropped (see CountsController's whole-answer cache). */
  get generation(): number {
    return this.generationNow;
  }

  /** The article's count as `"<articleId>":<count>` if this process has it. Only ids once given to `load` are found. */
  cached(articleId: string): string | undefined {
    return this.members.get(articleId);
  }

  /** How long the shortest-lived of these counts has left in memory (0 for one not there): an answer made of them lives no longer. */
  remainingMs(articleIds: readonly string[]): number {
    let least = Infinity;
    for (const id of articleIds) least = Math.min(least, this.members.getRemainingTTL(id));
    return Number.isFinite(least) ? least : 0;
  }

  /** Reads the counts of `articleIds` (distinct, valid) with one query and keeps them. */
  async load(articleIds: readonly string[]): Promise<Map<string, string>> {
    const load: Load = { dropped: new Set(), all: false };
    this.loads.add(load);
    let rows: Array<{ id: string; published_count: unknown }>;
    try {
      rows = await this.sql.rows(`SELECT id, published_count FROM articles WHERE id IN (${placeholders(articleIds.length)})`, articleIds);
    } finally {
      this.loads.delete(load);
    }
    const counts = new Map(rows.map((row) => [row.id, Number(row.published_count)]));
    const members = new Map<string, string>();
    for (const id of articleIds) {
      const json = member(id, counts.get(id) ?? 0);
      members.set(id, json);
      // Answered either way; kept only if no change was announced while reading.
      if (!load.all && !load.dropped.has(id)) this.members.set(id, json);
    }
    return members;
  }

  invalidate(articleId: string): void {
    this.generationNow++;
    this.members.delete(articleId);
    for (const load of this.loads) load.dropped.add(articleId);
  }

  clear(): void {
    this.generationNow++;
    this.members.clear();
    for (const load of this.loads) load.all = true;
  }
}
