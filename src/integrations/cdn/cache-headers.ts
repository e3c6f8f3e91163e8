import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config.js';

/** Characters a tag keeps as they are; anything else is percent-encoded (a tag is one header token for every CDN). */
const PLAIN = /^[A-Za-z0-9._~-]+$/;
/** Past this an id is named by its hash (CDNs cap one tag at 1024 bytes; short tags leave room for many). */
const MAX_TAG = 128;
/**
 * Bytes of each tag header. Past it the response names the articles that fit and gets no s-maxage.
 * Two of them and the other headers stay under 4 KB, the smallest default header buffer of a proxy
 * that may sit between the CDN and the service (nginx's proxy_buffer_size on most platforms).
 */
export const MAX_TAG_HEADER_BYTES = 1400;

/**
 * `article-<id>`: the tag naming an article's public responses, and what a purge names. Ids with other
 * characters than letters, digits and `._~-` are percent-encoded (UTF-8); very long ones become
 * `article-%h<sha256 prefix>` (never an encoded id: `%h` is not a percent-escape).
 */
export function articleTag(articleId: string): string {
  const encoded = PLAIN.test(articleId)
    ? articleId
    : encodeURIComponent(articleId).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const tag = `article-${encoded}`;
  return tag.length <= MAX_TAG ? tag : `article-%h${hash('sha256', articleId, 'hex').slice(0, 40)}`;
}

/** The tags of these articles that fit in MAX_TAG_HEADER_BYTES (space-separated), and whether all did. */
export function tagsOf(articleIds: readonly string[]): { tags: string[]; complete: boolean } {
  const tags: string[] = [];
  let bytes = 0;
  for (const id of articleIds) {
    const tag = articleTag(id);
    bytes += tag.length + (tags.length > 0 ? 1 : 0);
    if (bytes > MAX_TAG_HEADER_BYTES) return { tags, complete: false };
    tags.push(tag);
  }
  return { tags, complete: true };
}

/**
 * Cache headers of the public responses about articles (lists, highlights, reply pages, counts):
 * `Surrogate-Key` (Fastly) and `Cache-Tag` (Cloudflare) name each article, always; with a CDN to purge
 * (CDN_PURGE_URL) the shared cache may also keep them for CDN_MAX_AGE (`s-maxage`), browsers still
 * only for the short `max-age` they had. A response whose tags do not all fit could not be purged for
 * every article it shows, so it keeps only the short lifetime.
 */
@Injectable()
export class CdnHeaders {
  private readonly sharedMaxAge?: number;

  constructor(config: AppConfig) {
    this.sharedMaxAge = config.cdn?.maxAgeSeconds;
  }

  /** `browser`: the Cache-Control directives for browsers (and for shared caches without a CDN), e.g. `max-age=5`. */
  headersFor(articleIds: readonly string[], browser: string): Record<string, string> {
    const { tags, complete } = tagsOf(articleIds);
    const shared = this.sharedMaxAge && complete ? `, s-maxage=${this.sharedMaxAge}` : '';
    const headers: Record<string, string> = { 'cache-control': `public, ${browser}${shared}` };
    if (tags.length > 0) {
      headers['surrogate-key'] = tags.join(' ');
      headers['cache-tag'] = tags.join(',');
    }
    return headers;
  }

  setPublic(reply: FastifyReply, articleIds: readonly string[], browser: string): void {
    void reply.headers(this.headersFor(articleIds, browser));
  }
}
