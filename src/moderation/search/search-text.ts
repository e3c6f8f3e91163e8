import { skeleton } from '../../rules/normalise.js';

/**
 * A text as moderator search reads it: the rules' skeleton (case, width, accents, look-alike
 * letters, leetspeak, separators and stretched letters folded away), with Hangul put back together
 * into syllables, so "씨 발", "씨.발" and "ㅆㅣㅂㅏㄹ" all read 씨발 and searching 시 does not find 실.
 * Repeated digits are kept ("page 11" is not "page 1"). Letters and digits only: no LIKE wildcards.
 */
export function searchText(text: string): string {
  const sk = skeleton(text);
  let out = '';
  for (let i = 0; i < sk.length; i++) {
    const u = sk.units[i]!;
    const ch = String.fromCharCode(u);
    out += u >= 0x30 && u <= 0x39 ? ch.repeat(sk.count[i]!) : ch;
  }
  // The skeleton spells syllables out in conjoining jamo; NFC composes them again (not NFKC, which
  // would turn lone compatibility jamo such as ㅅㅂ into conjoining ones).
  return out.normalize('NFC');
}

/** Each text an author wrote for a comment, one per line: the original, then each edit (at most a few). */
export const SEARCH_TEXT_SEPARATOR = '\n';
