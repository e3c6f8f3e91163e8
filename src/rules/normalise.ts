/**
 * The text the word rules match against: NFKC-folded and lower-cased, one code point at a time,
 * with a map from every folded UTF-16 unit back to the span of the original it came from, so a
 * finding can point at the exact original text.
 */
export interface FoldedText {
  text: string;
  /** For folded unit i: the original span [start[i], end[i]). */
  start: Int32Array;
  end: Int32Array;
}

export function fold(original: string): FoldedText {
  const parts: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const char = original.slice(i, i + width);
    // ASCII fast path: only case changes.
    const folded = cp < 0x80 ? char.toLowerCase() : char.normalize('NFKC').toLowerCase();
    for (let k = 0; k < folded.length; k++) {
      starts.push(i);
      ends.push(i + width);
    }
    parts.push(folded);
    i += width;
  }
  return { text: parts.join(''), start: Int32Array.from(starts), end: Int32Array.from(ends) };
}

/** The same folding for word-list entries (no offsets needed). */
export function foldWord(word: string): string {
  let out = '';
  for (const char of word.trim()) out += char.normalize('NFKC').toLowerCase();
  return out;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}_]/u;

export function isWordChar(char: string | undefined): boolean {
  return char !== undefined && WORD_CHAR.test(char);
}
