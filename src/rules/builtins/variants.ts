/**
 * Sound-alike spellings of a listed Hangul word, generated when the rule set is compiled
 * (builtins.variants). The skeleton already reads tense as plain (ㅆ=ㅅ, ㄲ=ㄱ …) and ㅐ=ㅔ, ㅒ=ㅖ,
 * ㅙ=ㅚ=ㅞ, so only what it does not fold is generated. The rules, with why, are in docs/rules.md.
 */

const FIRST = 0xac00;
// Initial indexes: ㄱ0 ㄲ1 ㄴ2 ㄷ3 ㄸ4 ㄹ5 ㅁ6 ㅂ7 ㅃ8 ㅅ9 ㅆ10 ㅇ11 ㅈ12 ㅉ13 ㅊ14 ㅋ15 ㅌ16 ㅍ17 ㅎ18
/** Plain or tense → aspirated (ㅂ/ㅃ→ㅍ, ㄱ/ㄲ→ㅋ, ㄷ/ㄸ→ㅌ, ㅈ/ㅉ→ㅊ). Never the other way: 미친→미진, 커져→꺼져 are everyday words. */
const ASPIRATED: Record<number, number> = { 7: 17, 8: 17, 0: 15, 1: 15, 3: 16, 4: 16, 12: 14, 13: 14 };
// Vowel indexes: ㅏ0 ㅐ1 ㅑ2 ㅒ3 ㅓ4 ㅔ5 ㅕ6 ㅖ7 ㅗ8 ㅘ9 ㅙ10 ㅚ11 ㅛ12 ㅜ13 ㅝ14 ㅞ15 ㅟ16 ㅠ17 ㅡ18 ㅢ19 ㅣ20
/** Vowels read alike, anywhere in the word. */
const VOWELS: Record<number, number[]> = {
  20: [16, 19], // ㅣ → ㅟ ㅢ (쉬발, 씌발)
  16: [20], // ㅟ → ㅣ
  1: [3, 10], // ㅐ → ㅒ ㅙ (섀끼, 쇄끼 = 쉐끼)
  5: [7, 10], // ㅔ → ㅖ ㅞ
  0: [4], // ㅏ → ㅓ (시벌, 지럴)
  4: [6], // ㅓ → ㅕ
  8: [12], // ㅗ → ㅛ
  12: [8], // ㅛ → ㅗ
  13: [17], // ㅜ → ㅠ
  17: [13], // ㅠ → ㅜ
};
/** Vowels read alike only before another syllable: a last syllable is often a verb ending, where they change the verb (꺼져 → 꺼주). */
const INNER_VOWELS: Record<number, number[]> = {
  6: [17, 4, 18], // ㅕ → ㅠ ㅓ ㅡ (븅신, 벙신, 븡신)
  4: [18, 13], // ㅓ → ㅡ ㅜ
  18: [13, 4], // ㅡ → ㅜ ㅓ
};
const G_INITIALS = new Set([0, 1, 15]);

const parts = (s: number) => {
  const i = s - FIRST;
  return { l: Math.floor(i / 588), v: Math.floor((i % 588) / 28), t: i % 28 };
};
const compose = (l: number, v: number, t: number) => String.fromCharCode(FIRST + l * 588 + v * 28 + t);

/** One change to one syllable: [syllable index, replacement text]. */
type Change = [number, string];

function changesOf(syllables: number[]): Change[] {
  const out: Change[] = [];
  syllables.forEach((code, i) => {
    const { l, v, t } = parts(code);
    const last = i === syllables.length - 1;
    for (const w of VOWELS[v] ?? []) out.push([i, compose(l, w, t)]);
    if (!last) for (const w of INNER_VOWELS[v] ?? []) out.push([i, compose(l, w, t)]);
    // ㅕ → ㅣ before a syllable with ㅣ (빙신): the vowel of the next syllable pulls it.
    if (!last && v === 6 && parts(syllables[i + 1]!).v === 20) out.push([i, compose(l, 20, t)]);
    // Aspirated initials, never in the first syllable (꺼져 → 커져, 병신 → 평신 are other words).
    if (i > 0 && ASPIRATED[l] !== undefined) out.push([i, compose(ASPIRATED[l]!, v, t)]);
    // A final ㄱ before ㄱ/ㄲ/ㅋ is not heard (새끼 = 색끼 = 색기), nor is its absence.
    if (!last && G_INITIALS.has(parts(syllables[i + 1]!).l)) {
      if (t === 0) for (const w of [v, ...(VOWELS[v] ?? [])]) out.push([i, compose(l, w, 1)]); // 색, 섁, 쇅 (개쉑기)
      else if (t === 1) out.push([i, compose(l, v, 0)]);
    }
    // A syllable stretched with ㅇ + its vowel: 발 → 바알, 신 → 시인.
    if (t !== 0) out.push([i, compose(l, v, 0) + compose(11, v, t)]);
  });
  return out;
}

/**
 * Variants of one word of Hangul syllables (two or more), at most `limit`: every single change
 * first, then pairs of changes in two different syllables.
 */
export function soundAlikes(word: string, limit: number): string[] {
  const syllables = Array.from(word, (c) => c.charCodeAt(0));
  if (syllables.length < 2 || limit <= 0) return [];
  const changes = changesOf(syllables);
  const spell = (...cs: Change[]) => syllables.map((code, i) => cs.find((c) => c[0] === i)?.[1] ?? String.fromCharCode(code)).join('');
  const out = new Set<string>();
  for (const c of changes) {
    if (out.size >= limit) return [...out];
    out.add(spell(c));
  }
  for (let a = 0; a < changes.length; a++) {
    for (let b = a + 1; b < changes.length; b++) {
      if (changes[a]![0] === changes[b]![0]) continue;
      if (out.size >= limit) return [...out];
      out.add(spell(changes[a]!, changes[b]!));
    }
  }
  out.delete(word);
  return [...out];
}
