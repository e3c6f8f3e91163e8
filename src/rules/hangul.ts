/**
 * The little Hangul algebra the matcher needs: syllables to conjoining jamo, compatibility jamo
 * (what people type alone: ㅅㅂ) to their initial/vowel/final roles, and the dubeolsik keyboard.
 *
 * The skeleton the matcher compares is made of single UTF-16 units:
 *   syllable initial  U+1100 + L   (ᄀ…)
 *   vowel             U+1161 + V   (ᅡ…), compound vowels split (ㅘ → ᅩᅡ)
 *   syllable final    U+11A7 + T   (ᆨ…), compound finals split (ㄺ → ᆯᆨ)
 *   a consonant standing alone (an abbreviation such as ㅅㅂ): the compatibility jamo U+3131…
 * Sound-alike letters are folded: tense to plain (ㅆ→ㅅ, ㄲ→ㄱ …), ㅐ→ㅔ, ㅒ→ㅖ, ㅙ/ㅚ/ㅞ alike.
 */

export const SYLLABLE_FIRST = 0xac00;
export const SYLLABLE_LAST = 0xd7a3;
export const L_BASE = 0x1100;
export const V_BASE = 0x1161;
export const T_BASE = 0x11a7;
export const COMPAT_CONSONANT_FIRST = 0x3131;
export const COMPAT_CONSONANT_LAST = 0x314e;
export const COMPAT_VOWEL_FIRST = 0x314f;
export const COMPAT_VOWEL_LAST = 0x3163;

/** Tense initials to plain: ᄁ→ᄀ, ᄄ→ᄃ, ᄈ→ᄇ, ᄊ→ᄉ, ᄍ→ᄌ. */
const L_FOLD = [0, 0, 2, 3, 3, 5, 6, 7, 7, 9, 9, 11, 12, 12, 14, 15, 16, 17, 18];
/** Vowel index → one or two folded simple vowel indexes. */
const V_PARTS: number[][] = [
  [0], [5], [2], [7], [4], [5], [6], [7], [8], [8, 0], [8, 5], [8, 5], [12], [13], [13, 4], [8, 5], [13, 20], [17], [18], [18, 20], [20],
];
/** Final index → one or two folded simple final indexes (ᆩ→ᆨ, ᆻ→ᆺ, compounds split). */
const T_PARTS: number[][] = [
  [], [1], [1], [1, 19], [4], [4, 22], [4, 27], [7], [8], [8, 1], [8, 16], [8, 17], [8, 19], [8, 25], [8, 26], [8, 27],
  [16], [17], [17, 19], [19], [19], [21], [22], [23], [24], [25], [26], [27],
];

/** Compatibility consonant index (ㄱ=0 … ㅎ=29) → the folded simple consonants it stands for. */
const COMPAT_PARTS: number[][] = [
  [0], [0], [0, 20], [3], [3, 23], [3, 29], [6], [6], [8], [8, 0], [8, 16], [8, 17], [8, 20], [8, 27], [8, 28], [8, 29],
  [16], [17], [17], [17, 20], [20], [20], [22], [23], [23], [25], [26], [27], [28], [29],
];
/** Simple compatibility consonant index → initial index (-1: none). */
const COMPAT_TO_L = new Int8Array(30).fill(-1);
/** Simple compatibility consonant index → final index (0: none). */
const COMPAT_TO_T = new Int8Array(30);
[[0, 0, 1], [1, 1, 2], [3, 2, 4], [6, 3, 7], [7, 4, 0], [8, 5, 8], [16, 6, 16], [17, 7, 17], [18, 8, 0], [20, 9, 19], [21, 10, 20],
  [22, 11, 21], [23, 12, 22], [24, 13, 0], [25, 14, 23], [26, 15, 24], [27, 16, 25], [28, 17, 26], [29, 18, 27]].forEach(([c, l, t]) => {
  COMPAT_TO_L[c!] = l!;
  COMPAT_TO_T[c!] = t!;
});
/** Initial index → compatibility consonant index. */
const L_TO_COMPAT = [0, 1, 3, 6, 7, 8, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
/** Finals that may follow another final in one syllable (first*32+second), e.g. ᆯ+ᆨ. */
const COMPOUND_FINALS = new Set([1 * 32 + 19, 4 * 32 + 22, 4 * 32 + 27, 8 * 32 + 1, 8 * 32 + 16, 8 * 32 + 17, 8 * 32 + 19, 8 * 32 + 25, 8 * 32 + 26, 8 * 32 + 27, 17 * 32 + 19]);

export const isSyllable = (u: number) => u >= SYLLABLE_FIRST && u <= SYLLABLE_LAST;
export const isCompatConsonant = (u: number) => u >= COMPAT_CONSONANT_FIRST && u <= COMPAT_CONSONANT_LAST;
export const isCompatVowel = (u: number) => u >= COMPAT_VOWEL_FIRST && u <= COMPAT_VOWEL_LAST;
export const isInitial = (u: number) => u >= L_BASE && u < L_BASE + 19;
export const isVowel = (u: number) => u >= V_BASE && u < V_BASE + 21;
export const isFinal = (u: number) => u > T_BASE && u <= T_BASE + 27;
/** Any unit of the Hangul skeleton. */
export const isHangulUnit = (u: number) => (u >= 0x1100 && u <= 0x11ff) || (u >= 0x3131 && u <= 0x3163);

/** The folded skeleton units of one syllable, appended to `out`. */
export function syllableUnits(code: number, out: number[]): void {
  const index = code - SYLLABLE_FIRST;
  const l = Math.floor(index / 588);
  const v = Math.floor((index % 588) / 28);
  const t = index % 28;
  out.push(L_BASE + L_FOLD[l]!);
  for (const part of V_PARTS[v]!) out.push(V_BASE + part);
  for (const part of T_PARTS[t]!) out.push(T_BASE + part);
}

/** The folded initial (as a standalone compatibility consonant) of a syllable: 시 → ㅅ. */
export function syllableInitialCompat(code: number): number {
  const l = Math.floor((code - SYLLABLE_FIRST) / 588);
  return COMPAT_CONSONANT_FIRST + COMPAT_PARTS[L_TO_COMPAT[L_FOLD[l]!]!]![0]!;
}

/** Folded units of a compatibility jamo typed alone (ㅆ → ㅅ, ㄺ → ㄹㄱ, ㅘ → ㅗㅏ), still compatibility jamo. */
export function compatUnits(code: number, out: number[]): void {
  if (isCompatConsonant(code)) {
    for (const part of COMPAT_PARTS[code - COMPAT_CONSONANT_FIRST]!) out.push(COMPAT_CONSONANT_FIRST + part);
  } else {
    for (const part of V_PARTS[code - COMPAT_VOWEL_FIRST]!) out.push(COMPAT_VOWEL_FIRST + part);
  }
}

/**
 * Gives compatibility jamo spelled out letter by letter their roles, in place: a consonant before a
 * vowel becomes an initial, a vowel after it a vowel, a consonant closing such a syllable a final
 * ("ㅆㅣㅂㅏㄹ" reads as 씨발). Consonants with no vowel stay standalone (abbreviations: ㅅㅂ).
 * `brk[i]` is non-zero when something stands between unit i-1 and unit i.
 */
export function resolveJamoRoles(units: Uint16Array, brk: Uint8Array, role: Uint8Array, length: number): void {
  // role — 0: not from compatibility jamo; 1: consonant made initial; 2: vowel; 3: final
  role.fill(0, 0, length);
  // Jamo typed one per word ("ㅆ ㅣ ㅂ ㅏ ㄹ") join across the separators too.
  const alone = new Uint8Array(length);
  for (let k = 0; k < length; k++) {
    alone[k] = (isCompatConsonant(units[k]!) || isCompatVowel(units[k]!)) && (k === 0 || brk[k] !== 0) && (k + 1 >= length || brk[k + 1] !== 0) ? 1 : 0;
  }
  const joined = (i: number) => brk[i] === 0 || (brk[i] === 1 && i > 0 && alone[i - 1] === 1 && alone[i] === 1);
  for (let i = 0; i < length; i++) {
    const u = units[i]!;
    if (isCompatConsonant(u)) {
      const c = u - COMPAT_CONSONANT_FIRST;
      const nextVowel = i + 1 < length && joined(i + 1) && isCompatVowel(units[i + 1]!);
      if (nextVowel && COMPAT_TO_L[c]! >= 0) {
        units[i] = L_BASE + COMPAT_TO_L[c]!;
        role[i] = 1;
      } else if (i > 0 && joined(i) && COMPAT_TO_T[c]! > 0) {
        const prevRole = role[i - 1]!;
        const prevFinal = prevRole === 3 ? units[i - 1]! - T_BASE : 0;
        if (prevRole === 2 || (prevRole === 3 && role[i - 2] !== 3 && COMPOUND_FINALS.has(prevFinal * 32 + COMPAT_TO_T[c]!))) {
          units[i] = T_BASE + COMPAT_TO_T[c]!;
          role[i] = 3;
        }
      }
    } else if (isCompatVowel(u) && i > 0 && joined(i) && (role[i - 1] === 1 || role[i - 1] === 2)) {
      units[i] = V_BASE + (u - COMPAT_VOWEL_FIRST);
      role[i] = 2;
    }
  }
}

/** Dubeolsik (the standard Korean keyboard): the jamo each Latin key types. */
const QWERTY: Record<string, string> = {
  q: 'ㅂ', w: 'ㅈ', e: 'ㄷ', r: 'ㄱ', t: 'ㅅ', y: 'ㅛ', u: 'ㅕ', i: 'ㅑ', o: 'ㅐ', p: 'ㅔ',
  a: 'ㅁ', s: 'ㄴ', d: 'ㅇ', f: 'ㄹ', g: 'ㅎ', h: 'ㅗ', j: 'ㅓ', k: 'ㅏ', l: 'ㅣ',
  z: 'ㅋ', x: 'ㅌ', c: 'ㅊ', v: 'ㅍ', b: 'ㅠ', n: 'ㅜ', m: 'ㅡ',
};
/** Latin key (lower case) → compatibility jamo code, 0 for none. */
export const QWERTY_JAMO = new Uint16Array(128);
for (const [key, jamo] of Object.entries(QWERTY)) QWERTY_JAMO[key.charCodeAt(0)] = jamo.charCodeAt(0);

/** Precomputed skeleton units of every syllable (up to 5 each) and of every compatibility jamo (up to 2). */
export const SYLLABLE_UNITS = new Uint16Array(11172 * 5);
export const SYLLABLE_LENGTH = new Uint8Array(11172);
export const COMPAT_UNITS = new Uint16Array(51 * 2);
export const COMPAT_LENGTH = new Uint8Array(51);
{
  const out: number[] = [];
  for (let i = 0; i < 11172; i++) {
    out.length = 0;
    syllableUnits(SYLLABLE_FIRST + i, out);
    SYLLABLE_LENGTH[i] = out.length;
    SYLLABLE_UNITS.set(out, i * 5);
  }
  for (let i = 0; i < 51; i++) {
    out.length = 0;
    compatUnits(COMPAT_CONSONANT_FIRST + i, out);
    COMPAT_LENGTH[i] = out.length;
    COMPAT_UNITS.set(out, i * 2);
  }
}
