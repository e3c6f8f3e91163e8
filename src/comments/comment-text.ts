import { AppError } from '../errors.js';
import { COMMENT_LIMIT, COMMENT_MAX_CODE_POINTS, countCodePoints, countGraphemes, normalizeComment } from './comment-length.js';

// C0/C1 controls except tab and newline (CRLF has already become LF).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The comment text as it will be stored, or the error the reader gets. */
export function acceptCommentText(raw: string): string {
  if (LONE_SURROGATE.test(raw)) throw new AppError('VALIDATION_FAILED', 400, 'body contains an unpaired surrogate (broken text encoding)', { field: 'body' });
  const text = normalizeComment(raw);
  if (CONTROL.test(text)) throw new AppError('VALIDATION_FAILED', 400, 'body contains control characters', { field: 'body' });
  if (text.length === 0) throw new AppError('COMMENT_EMPTY', 400, 'The comment is empty');
  const codePoints = countCodePoints(text);
  // Checked first so a combining-mark bomb is refused without segmenting it.
  if (codePoints > COMMENT_MAX_CODE_POINTS) {
    // `length` stays the character count (it may be under the limit for stacked combining marks);
    // `codePoints` and `maxCodePoints` say what was actually exceeded.
    throw new AppError(
      'COMMENT_TOO_LONG',
      400,
      `The comment is made of ${codePoints} code points; at most ${COMMENT_MAX_CODE_POINTS} are accepted, however few characters they show`,
      { length: countGraphemes(text.slice(0, COMMENT_MAX_CODE_POINTS * 2)), limit: COMMENT_LIMIT, codePoints, maxCodePoints: COMMENT_MAX_CODE_POINTS },
    );
  }
  const length = countGraphemes(text);
  if (length > COMMENT_LIMIT) {
    throw new AppError('COMMENT_TOO_LONG', 400, `The comment is ${length} characters long; the limit is ${COMMENT_LIMIT}`, {
      length,
      limit: COMMENT_LIMIT,
    });
  }
  return text;
}

// eslint-disable-next-line no-control-regex
const UNSAFE_ID = /[\u0000-\u001f\u007f]/;

const ARTICLE_ID_MAX = 200;

/** 1–200 characters as PostgreSQL's varchar(200) counts them: code points (an astral emoji is one, not two). */
export function acceptArticleId(raw: string): string {
  const tooLong = raw.length > ARTICLE_ID_MAX && (raw.length > ARTICLE_ID_MAX * 2 || countCodePoints(raw) > ARTICLE_ID_MAX);
  if (raw.length < 1 || tooLong || UNSAFE_ID.test(raw) || LONE_SURROGATE.test(raw)) {
    throw new AppError('VALIDATION_FAILED', 400, 'articleId must be 1 to 200 characters without control characters', { field: 'articleId' });
  }
  return raw;
}

export function acceptIdempotencyKey(raw: unknown): string | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,100}$/.test(raw)) {
    throw new AppError('VALIDATION_FAILED', 400, 'Idempotency-Key must be 1 to 100 visible ASCII characters', { field: 'Idempotency-Key' });
  }
  return raw;
}
