import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { deriveKey } from '../auth/keys.js';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { uuidFromHex } from './comment-id.js';

/** Where the next page starts: after this comment, in the list's time order. */
export interface ListPosition {
  publishedAt: Date;
  id: string;
}

/** Where the next page starts in a ranking snapshot (sorted by likes or replies). */
export interface RankPosition {
  /** 32 hex digits. */
  snapshot: string;
  offset: number;
}

const TIME_BYTES = 6; // milliseconds, enough until the year 10889; also a snapshot's offset
const ID_BYTES = 16;
const PAYLOAD_BYTES = TIME_BYTES + ID_BYTES;
const TAG_BYTES = 14; // 36 bytes in all: 48 base64url characters with no spare bits, so one spelling each
const CURSOR = /^[A-Za-z0-9_-]{48}$/;

/**
 * The public lists' cursors, signed (HMAC) for the list they page through (`scope`: the article
 * and sort, or the thread): every distinct cursor is a cache entry, so only the ones this service
 * gave out are accepted, checked before the cache is. The moderators' cursors are not signed:
 * they need a moderator and are never cached.
 */
@Injectable()
export class ListCursors {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = deriveKey(config.authSecret, 'list-cursor');
  }

  sign(scope: string, after: ListPosition): string {
    return this.seal(scope, after.publishedAt.getTime(), after.id.replaceAll('-', ''));
  }

  verify(scope: string, cursor: string): ListPosition {
    const { number, hex } = this.open(scope, cursor);
    return { publishedAt: new Date(number), id: uuidFromHex(hex) };
  }

  signRank(scope: string, at: RankPosition): string {
    return this.seal(scope, at.offset, at.snapshot);
  }

  verifyRank(scope: string, cursor: string): RankPosition {
    const { number, hex } = this.open(scope, cursor);
    return { snapshot: hex, offset: number };
  }

  private seal(scope: string, number: number, hex: string): string {
    const bytes = Buffer.alloc(PAYLOAD_BYTES + TAG_BYTES);
    bytes.writeUIntBE(number, 0, TIME_BYTES);
    bytes.write(hex, TIME_BYTES, ID_BYTES, 'hex');
    this.tag(scope, bytes.subarray(0, PAYLOAD_BYTES)).copy(bytes, PAYLOAD_BYTES);
    return bytes.toString('base64url');
  }

  private open(scope: string, cursor: string): { number: number; hex: string } {
    const bytes = CURSOR.test(cursor) ? Buffer.from(cursor, 'base64url') : undefined;
    if (!bytes || !timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), this.tag(scope, bytes.subarray(0, PAYLOAD_BYTES)))) {
      throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
    }
    return { number: bytes.readUIntBE(0, TIME_BYTES), hex: bytes.toString('hex', TIME_BYTES, PAYLOAD_BYTES) };
  }

  private tag(scope: string, payload: Buffer): Buffer {
    // No control characters in article ids (acceptArticleId): the NUL cannot be part of one.
    return createHmac('sha256', this.key).update(scope).update('\u0000').update(payload).digest().subarray(0, TAG_BYTES);
  }
}
