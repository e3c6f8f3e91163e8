/**
 * Initial-consonant forms of listed words (builtins.initials): ㅂㅅ for 병신, ㄱㅅㄲ for 개새끼.
 * Only when they cannot be everyday shorthand: at least two consonants; not an entry of SHORTHAND;
 * and a two-consonant form neither inside an entry nor with ㅇ, ㅎ or ㅋ (the letters of ㅇㅇ, ㅎㅎ,
 * ㅋㅋ, ㅇㅋ). Longer shorthand around a form (ㄱㅅㄱㅅ around ㄱㅅㄲ) is kept innocent by the
 * matcher: a consonant form must stand alone, next to nothing but ㅋ or ㅎ.
 */

/** Everyday shorthand, compared after folding tense to plain (ㄲ=ㄱ, ㅆ=ㅅ). */
export const SHORTHAND: readonly string[] = [
  'ㄱㅅ', 'ㄳ', 'ㅅㄱ', 'ㅇㅇ', 'ㄴㄴ', 'ㅇㅋ', 'ㄱㄱ', 'ㄷㄷ', 'ㅎㅇ', 'ㅂㅂ', 'ㅃㅃ', 'ㅈㅅ', 'ㅊㅋ', 'ㅇㄷ', 'ㅎㅎ', 'ㅋㅋ', 'ㄱㅊ', 'ㅇㅈ', 'ㄹㅇ', 'ㅁㄹ', 'ㅂㄹ', 'ㅊㅊ', 'ㅇㅎ', 'ㄴㅇ', 'ㄱㄷ', 'ㅈㅂ', 'ㅂㅇ', 'ㅃㅇ', 'ㅎㄹ', 'ㄷㄱ',
  'ㅁㅊ', // 미친, but mostly an exclamation of delight now ("ㅁㅊ 너무 예쁘다"): holding it would hold praise
  'ㄱㅅㄱㅅ', 'ㄱㅅㅎㄴㄷ', 'ㅈㅅㅎㄴㄷ', 'ㅅㄱㅎㅅㅇ', 'ㅅㄱㅇ', 'ㅇㄱㄹㅇ', 'ㅎㅇㅌ', 'ㄱㅂㅈㄱ', 'ㅇㅋㄷㅋ', 'ㄴㄱ', 'ㅈㄱ', 'ㅂㄱ', 'ㅂㄱㅅㄷ', 'ㅅㅎ', 'ㅊㄱ', 'ㅇㅁ', 'ㅇㄴ', 'ㄱㄴ', 'ㅌㅌ', 'ㄹㄷ',
];

const FOLD: Record<string, string> = { ㄲ: 'ㄱ', ㄸ: 'ㄷ', ㅃ: 'ㅂ', ㅆ: 'ㅅ', ㅉ: 'ㅈ', ㄳ: 'ㄱㅅ' };
const fold = (s: string) => Array.from(s, (c) => FOLD[c] ?? c).join('');
const FOLDED = SHORTHAND.map(fold);
const CHO = Array.from('ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ');

/** The initial-consonant form of a word of Hangul syllables, or null when it could be shorthand. */
export function initialsOf(word: string): string | null {
  const syllables = Array.from(word);
  if (syllables.length < 2 || syllables.some((c) => c < '가' || c > '힣')) return null;
  const form = syllables.map((c) => CHO[Math.floor((c.charCodeAt(0) - 0xac00) / 588)]!).join('');
  const folded = fold(form);
  if (FOLDED.includes(folded) || (syllables.length === 2 && FOLDED.some((s) => s.includes(folded)))) return null;
  if (syllables.length === 2 && /[ㅇㅎㅋ]/.test(folded)) return null;
  return form;
}
