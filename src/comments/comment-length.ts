/**
 * The comment length rule, shared by the server and the widget's live counter, so the two can
 * never disagree. Dependency-free: it is bundled into the widget as it is.
 *
 * A comment is measured in user-perceived characters (extended grapheme clusters) after NFC
 * normalisation and trimming: a Hangul syllable, an emoji family, a flag or a letter with
 * combining marks each count as one.
 */
export const COMMENT_LIMIT = 250;

/** 250 graphemes must not carry megabytes (combining-mark bombs, Zalgo text). */
export const COMMENT_MAX_CODE_POINTS = 2000;

let segmenter: Intl.Segmenter | undefined;

/** The text as it is stored and counted: CRLF as LF, NFC, without surrounding white space. */
export function normalizeComment(text: string): string {
  return text.replace(/\r\n/g, '\n').normalize('NFC').trim();
}

/*
 * Characters that are a grapheme of their own next to one another: tab, LF, printable ASCII,
 * Latin-1 and Latin Extended-A/B letters, general punctuation (dashes, quotes, ellipsis), CJK
 * ideographs and precomposed Hangul syllables (as NFC leaves them). A text made only of these —
 * most comments here — has one grapheme per UTF-16 unit, so it is counted without Intl.Segmenter,
 * which costs far more. Anything else (emoji, combining marks, jamo, other scripts) is segmented.
 */
const ONE_UNIT_GRAPHEMES = /^[\t\n\x20-\x7e\u00a0-\u024f\u2010-\u2027\u4e00-\u9fff\uac00-\ud7a3]*$/;

/** Number of user-perceived characters in an already normalised text. */
export function countGraphemes(text: string): number {
  if (ONE_UNIT_GRAPHEMES.test(text)) return text.length;
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  let count = 0;
  for (const _ of segmenter.segment(text)) count++;
  return count;
}

export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

export interface CommentLength {
  /** Graphemes, as the counter shows them. */
  length: number;
  limit: number;
  /** Over the grapheme limit, or over the code-point ceiling. */
  tooLong: boolean;
  empty: boolean;
}

/** What the counter shows and what the server enforces, from the raw text as typed. */
export function measureComment(raw: string): CommentLength {
  const text = normalizeComment(raw);
  const length = countGraphemes(text);
  return {
    length,
    limit: COMMENT_LIMIT,
    tooLong: length > COMMENT_LIMIT || countCodePoints(text) > COMMENT_MAX_CODE_POINTS,
    empty: text.length === 0,
  };
}
