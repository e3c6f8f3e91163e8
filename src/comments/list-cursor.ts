import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { deriveKey } from '../auth/keys.js';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';

/** Where the next page starts: after this comment, newest first. */
export interface ListPosition {
  publishedAt: Date;
  id: string;
}

const TIME_BYTES = 6; // milliseconds, enough until the year 10889
const ID_BYTES = 16;
const PAYLOAD_BYTES = TIME_BYTES + ID_BYTES;
const TAG_BYTES = 14; // 36 bytes in all: 48 base64url characters with no spare bits, so one spelling each
const CURSOR = /^[A-Za-z0-9_-]{48}$/;

/**
 * The public list's cursors, signed (HMAC) for the article they page through: every distinct
 * cursor is a cache entry, so only the ones this service gave out are accepted, checked before the
 * cache is. The moderators' cursors are not signed: they need a moderator and are never cached.
 */
@Injectable()
export class ListCursors {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = deriveKey(config.authSecret, 'list-cursor');
  }

  sign(articleId: string, after: ListPosition): string {
    const bytes = Buffer.alloc(PAYLOAD_BYTES + TAG_BYTES);
    bytes.writeUIntBE(after.publishedAt.getTime(), 0, TIME_BYTES);
    bytes.write(after.id.replaceAll('-', ''), TIME_BYTES, ID_BYTES, 'hex');
    this.tag(articleId, bytes.subarray(0, PAYLOAD_BYTES)).copy(bytes, PAYLOAD_BYTES);
    return bytes.toString('base64url');
  }

  verify(articleId: string, cursor: string): ListPosition {
    const bytes = CURSOR.test(cursor) ? Buffer.from(cursor, 'base64url') : undefined;
    if (!bytes || !timingSafeEqual(bytes.subarray(PAYLOAD_BYTES), this.tag(articleId, bytes.subarray(0, PAYLOAD_BYTES)))) {
      throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
    }
    const hex = bytes.toString('hex', TIME_BYTES, PAYLOAD_BYTES);
    return {
      publishedAt: new Date(bytes.readUIntBE(0, TIME_BYTES)),
      id: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    };
  }

  private tag(articleId: string, payload: Buffer): Buffer {
    // No control characters in article ids (acceptArticleId): the NUL cannot be part of one.
    return createHmac('sha256', this.key).update(articleId).update('\u0000').update(payload).digest().subarray(0, TAG_BYTES);
  }
}
