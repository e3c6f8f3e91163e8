import { hash } from 'node:crypto';
import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { ErrorDto } from '../auth/auth.dto.js';
import { acceptsGzip, gzipOnce } from '../common/compression.js';
import { AppError } from '../errors.js';
import { CdnHeaders } from '../integrations/cdn/cache-headers.js';
import { ArticleCounts } from './article-counts.js';
import { acceptArticleId } from './comment-text.js';
import { ArticleCountsDto } from './comments.dto.js';

const MAX_COUNT_IDS = 100;

/** Index pages are read by every visitor: browsers may keep an answer briefly (a CDN with purges, for CDN_MAX_AGE). */
const BROWSER_CACHE = 'max-age=30, stale-while-revalidate=60';

function invalid(message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, message, { field: 'articleIds' });
}

/** Form decoding, as the query parser does it (`+` is a space). */
function decode(raw: string): string {
  if (!raw.includes('%') && !raw.includes('+')) return raw;
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    throw invalid('articleIds is not valid percent-encoding');
  }
}

function isArticleIds(name: string): boolean {
  try {
    return decode(name) === 'articleIds';
  } catch {
    return false; // another parameter's broken name is not this route's concern
  }
}

/**
 * The distinct ids of `?articleIds=a,b,c`, in order, not yet validated (see `acceptId`). Read from
 * the raw URL: an id may hold a comma (sent as %2C), which the parsed query could no longer tell
 * from a separator.
 */
export function parseArticleIds(url: string): string[] {
  const start = url.indexOf('?');
  let raw: string | undefined;
  if (start >= 0) {
    for (const pair of url.slice(start + 1).split('&')) {
      const eq = pair.indexOf('=');
      if (isArticleIds(eq < 0 ? pair : pair.slice(0, eq))) {
        raw = eq < 0 ? '' : pair.slice(eq + 1);
        break; // a second one was refused before the route (common/query-params.ts)
      }
    }
  }
  if (!raw) throw invalid(`articleIds is required: 1 to ${MAX_COUNT_IDS} article ids separated by commas`);
  const ids = new Set<string>();
  for (const part of raw.split(',')) ids.add(decode(part));
  if (ids.size > MAX_COUNT_IDS) throw invalid(`articleIds takes at most ${MAX_COUNT_IDS} article ids; ${ids.size} were given`);
  return [...ids];
}

function acceptId(id: string): string {
  try {
    return acceptArticleId(id);
  } catch {
    throw invalid('articleIds: each id must be 1 to 200 characters without control characters');
  }
}

/** An answer as sent: its JSON, ETag and (once asked for) gzip form. */
interface Answer {
  json: string;
  etag: string;
  gzip?: Buffer;
  /** Cache-Control, Surrogate-Key and Cache-Tag (each article's tag). */
  cacheHeaders: Record<string, string>;
  /** ArticleCounts' generation it was made in: any count dropped since, and it is made again. */
  generation: number;
}

const ANSWERS_MAX_BYTES = 8 * 1024 * 1024;

@ApiTags('comments')
@Controller('api')
export class CountsController {
  /**
   * Whole answers by query string: an index page's visitors all ask the same question, so most
   * requests are one lookup. Keys are the caller's: bounded by count and bytes (an entry weighs its
   * key, JSON, tag headers and gzip form).
   */
  private readonly answers = new LRUCache<string, Answer>({
    max: 1000,
    maxSize: ANSWERS_MAX_BYTES,
    sizeCalculation: (answer, key) => (key.length + answer.json.length + 2 * (answer.cacheHeaders['cache-tag']?.length ?? 0)) * 2 + (answer.gzip?.length ?? 0) + 300,
  });

  constructor(
    private readonly counts: ArticleCounts,
    private readonly cdn: CdnHeaders,
  ) {}

  @Get('counts')
  @ApiOperation({ summary: 'Published comments per article, for index pages (count.js); cacheable, ETag / If-None-Match, readable from any site' })
  @ApiQuery({ name: 'articleIds', required: true, description: '1–100 article ids separated by commas; a comma inside an id is sent as %2C' })
  @ApiOkResponse({ type: ArticleCountsDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED with field articleIds: none, more than 100, or an invalid id' })
  async list(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const url = request.raw.url ?? '';
    const query = url.slice(url.indexOf('?') + 1);
    let answer = this.answers.get(query);
    if (answer?.generation !== this.counts.generation) answer = await this.answer(url, query);
    const { etag } = answer;
    void reply
      .header('etag', etag)
      .headers(answer.cacheHeaders)
      .header('vary', 'accept-encoding')
      // Public numbers, read by count.js from news sites' pages: any origin may read them.
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin');
    if (request.headers['if-none-match'] === etag) {
      await reply.code(304).send();
      return;
    }
    void reply.type('application/json; charset=utf-8');
    if (!acceptsGzip(request)) {
      await reply.send(answer.json);
      return;
    }
    if (!answer.gzip) {
      answer.gzip = gzipOnce(Buffer.from(answer.json));
      // Weighed again with its gzip form, its expiry unchanged.
      if (this.answers.peek(query) === answer) this.answers.set(query, answer, { noUpdateTTL: true });
    }
    await reply.header('content-encoding', 'gzip').send(answer.gzip);
  }

  /** Makes the answer from the per-article counts and keeps it while none of them changes. */
  private async answer(url: string, query: string): Promise<Answer> {
    const generation = this.counts.generation;
    const ids = parseArticleIds(url);
    const members = new Array<string>(ids.length);
    let missing: string[] | undefined;
    for (let i = 0; i < ids.length; i++) {
      const cached = this.counts.cached(ids[i]!);
      // What is in memory was valid when it was loaded: only the others need checking.
      if (cached === undefined) (missing ??= []).push(acceptId(ids[i]!));
      else members[i] = cached;
    }
    if (missing) {
      const loaded = await this.counts.load(missing);
      for (let i = 0; i < ids.length; i++) members[i] ??= loaded.get(ids[i]!)!;
    }
    const json = `{"counts":{${members.join(',')}}}`;
    const answer: Answer = { json, etag: `W/"${hash('sha1', json, 'base64url').slice(0, 22)}"`, generation, cacheHeaders: this.cdn.headersFor(ids, BROWSER_CACHE) };
    // Kept only if nothing was dropped while it was made, and no longer than its shortest-lived count.
    const ttl = this.counts.generation === generation ? this.counts.remainingMs(ids) : 0;
    if (ttl > 0) this.answers.set(query, answer, { ttl });
    return answer;
  }
}
