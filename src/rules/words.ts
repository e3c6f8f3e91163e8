import { AhoCorasick } from './aho-corasick.js';
import { isFinal, isSyllable, isVowel, syllableInitialCompat } from './hangul.js';
import { BRK_NONE, BRK_SEPARATOR, skeleton, textOf, type Skeleton } from './normalise.js';
import type { Finding, Verdict, WordEntry } from './types.js';

export interface WordList {
  rule: string;
  verdict: Verdict;
  entries: WordEntry[];
}

interface Pattern {
  /** null for an exception. */
  rule: string | null;
  verdict: Verdict;
  word: string;
  wholeWord: boolean;
  /** Minimum run length of each unit ("ass" needs two s; "as" is not it). */
  min: Uint16Array;
  hangul: boolean;
  /** Also looked for in Latin text read on a Korean keyboard (tlqkf). */
  qwerty: boolean;
}

export interface CompiledWords {
  patterns: Pattern[];
  matcher: AhoCorasick;
  hasHangul: boolean;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

/** Hangul endings that may follow a word inside the same token when its letters were split (병 신아). */
const PARTICLES = new Set(Array.from('아야이가은는을를도만들놈년새같냐네임의에요'));

export function compileWords(lists: WordList[], exceptions: string[]): CompiledWords {
  const patterns: Pattern[] = [];
  const texts: string[] = [];
  const add = (source: string, rule: string | null, verdict: Verdict, wholeWord: boolean, qwerty: boolean, word: string) => {
    const sk = skeleton(source);
    if (sk.length === 0) return;
    patterns.push({ rule, verdict, word, wholeWord, min: sk.count.slice(), hangul: HANGUL.test(source), qwerty });
    texts.push(textOf(sk));
  };
  for (const list of lists) {
    for (const entry of list.entries) {
      const word = typeof entry === 'string' ? entry : entry.word;
      const hangul = HANGUL.test(word);
      const match = (typeof entry === 'string' ? undefined : entry.match) ?? (hangul ? 'substring' : 'word');
      const syllables = Array.from(word).filter((c) => isSyllable(c.charCodeAt(0)));
      const pureHangul = syllables.length === Array.from(word).length;
      add(word, list.rule, list.verdict, match === 'word', pureHangul && syllables.length >= 2, word);
      // Partly-consonant spellings: ㅅ발, 시ㅂ, ㅂ신 (some syllables as their initial, at least one whole).
      // All-consonant abbreviations (ㅅㅂ) are listed as entries of their own: generated ones hit
      // innocent shorthand (ㄱㅅ for 감사, ㅅㄱ for 수고).
      if (pureHangul && syllables.length >= 2 && syllables.length <= 4) {
        for (let mask = 1; mask < (1 << syllables.length) - 1; mask++) {
          const variant = syllables.map((s, i) => (mask & (1 << i) ? String.fromCharCode(syllableInitialCompat(s.charCodeAt(0))) : s)).join('');
          add(variant, list.rule, list.verdict, match === 'word', false, word);
        }
      }
    }
  }
  for (const exception of exceptions) add(exception, null, 'publish', false, true, exception);
  return { patterns, matcher: new AhoCorasick(texts), hasHangul: patterns.some((p) => p.hangul) };
}

/** Finds listed words in one skeleton of the body (the main one, or its keyboard reading). */
export function findWords(body: string, sk: Skeleton, words: CompiledWords, keyboard: boolean, out: Finding[]): void {
  if (sk.length === 0 || words.patterns.length === 0) return;
  const matches = words.matcher.searchUnits(sk.units, sk.length);
  if (matches.length === 0) return;
  // covered[i]: the furthest end of an exception starting at or before unit i, so a match [a, b)
  // lies inside an exception exactly when covered[a] >= b.
  let covered: Int32Array | undefined;
  for (const m of matches) {
    if (words.patterns[m.word]!.rule !== null) continue;
    covered ??= new Int32Array(sk.length);
    if (covered[m.start]! < m.end) covered[m.start] = m.end;
  }
  if (covered) for (let i = 1; i < sk.length; i++) if (covered[i - 1]! > covered[i]!) covered[i] = covered[i - 1]!;
  for (const m of matches) {
    const p = words.patterns[m.word]!;
    if (p.rule === null || (keyboard && !p.qwerty)) continue;
    if (!accept(body, sk, p, m.start, m.end, keyboard)) continue;
    if (covered && covered[m.start]! >= m.end) continue;
    const start = sk.start[m.start]!;
    const end = sk.end[m.end - 1]!;
    out.push({ rule: p.rule, verdict: p.verdict, start, end, excerpt: body.slice(start, end), detail: p.word });
  }
}

function accept(body: string, sk: Skeleton, p: Pattern, a: number, b: number, keyboard: boolean): boolean {
  for (let i = 0; i < p.min.length; i++) if (sk.count[a + i]! < p.min[i]!) return false;
  // A match ends at a syllable boundary: 시바 is not in 시방, 보 not in 봐.
  if (p.hangul && b < sk.length && sk.brk[b] === BRK_NONE) {
    const next = sk.units[b]!;
    if (isFinal(next) || (isVowel(next) && isVowel(sk.units[b - 1]!))) return false;
  }
  const tokenStart = a === 0 || sk.brk[a] !== BRK_NONE;
  const tokenEnd = b === sk.length || sk.brk[b] !== BRK_NONE;
  if (keyboard) return tokenStart;
  if (p.wholeWord) return tokenStart && tokenEnd;
  let split = false;
  for (let i = a; i < b; i++) if ((i > a && sk.brk[i] === BRK_SEPARATOR) || sk.inner[i]) split = true;
  // Letters split by separators ("f.u.c.k", "시 발") count only when the split word stands alone
  // (or takes a particle), so "class hit" or "다시 발표" stay innocent.
  if (!split) return true;
  return tokenStart && (tokenEnd || (p.hangul && PARTICLES.has(body[sk.start[b]!]!)));
}
