import { AhoCorasick } from './aho-corasick.js';
import { BUILTIN_EXCEPTIONS, parseException } from './builtins/exceptions.js';
import { initialsOf } from './builtins/initials.js';
import { ORDINARY_MAX, ORDINARY_WORDS } from './builtins/ordinary.js';
import { soundAlikes } from './builtins/variants.js';
import { isCompatConsonant, isFinal, isSyllable, isVowel, syllableInitialCompat } from './hangul.js';
import { BRK_NONE, BRK_SEPARATOR, skeleton, textOf, type Skeleton } from './normalise.js';
import type { Builtin, Builtins, Finding, Prevented, Verdict, WordEntry } from './types.js';

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
  /** Made of standalone consonants only (ㅅㅂ). */
  consonants: boolean;
  builtin?: Builtin;
  /** Exceptions: from the built-in dictionary; guards; inert when it contains no listed word. */
  fromBuiltin?: boolean;
  unlessNext?: string;
  needsNext?: boolean;
  inert?: boolean;
  /** Exceptions: 1 where the exception as written has a break before that unit (the text may break only there). */
  breaks?: Uint8Array;
}

export interface CompiledWords {
  patterns: Pattern[];
  matcher: AhoCorasick;
  hasHangul: boolean;
  /** How many patterns the built-ins added (variants, initials, exceptions that apply). */
  builtinPatterns: number;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

/** Hangul endings that may follow a word inside the same token when its letters were split (병 신아). */
const PARTICLES = new Set(Array.from('아야이가은는을를도만들놈년새같냐네임의에요'));

/**
 * Bounds on generated variants: at most VARIANTS_PER_WORD for a word, and VARIANT_BUDGET for the
 * whole rule set shared out evenly over its Hangul words (at least 2 each, the first ones: single
 * changes of the first syllables), so a short list gets every variant and a long one stays small.
 */
export const VARIANTS_PER_WORD = 32;
export const VARIANT_BUDGET = 20_000;

const ALL_ON: Builtins = { exceptions: true, variants: true, initials: true };

export function compileWords(lists: WordList[], exceptions: string[], builtins: Builtins = ALL_ON): CompiledWords {
  const patterns: Pattern[] = [];
  const texts: string[] = [];
  const seen = new Map<string, Pattern>();
  const add = (source: string, p: Omit<Pattern, 'min' | 'hangul' | 'consonants'>): Pattern | undefined => {
    const sk = skeleton(source);
    if (sk.length === 0) return undefined;
    let consonants = true;
    for (let i = 0; i < sk.length; i++) if (!isCompatConsonant(sk.units[i]!)) consonants = false;
    const pattern: Pattern = { ...p, min: sk.count.slice(), hangul: HANGUL.test(source), consonants };
    if (p.rule === null) pattern.breaks = sk.brk.slice();
    const text = textOf(sk);
    // A generated pattern that reads as one already there adds nothing.
    if (p.builtin && seen.has(`${p.rule}:${text}`)) return undefined;
    seen.set(`${p.rule}:${text}`, pattern);
    patterns.push(pattern);
    texts.push(text);
    return pattern;
  };
  const hangulWords = lists.reduce((n, l) => n + l.entries.filter((e) => isHangulWord(typeof e === 'string' ? e : e.word)).length, 0);
  const perWord = Math.min(VARIANTS_PER_WORD, Math.max(2, Math.floor(VARIANT_BUDGET / Math.max(1, hangulWords))));
  const generated: Array<[string, Omit<Pattern, 'min' | 'hangul' | 'consonants'>]> = [];
  for (const list of lists) {
    for (const entry of list.entries) {
      const word = typeof entry === 'string' ? entry : entry.word;
      const hangul = HANGUL.test(word);
      const match = (typeof entry === 'string' ? undefined : entry.match) ?? (hangul ? 'substring' : 'word');
      const syllables = Array.from(word).filter((c) => isSyllable(c.charCodeAt(0)));
      const pureHangul = syllables.length === Array.from(word).length;
      const base = { rule: list.rule, verdict: list.verdict, word, wholeWord: match === 'word' };
      add(word, { ...base, qwerty: pureHangul && syllables.length >= 2 });
      // Partly-consonant spellings: ㅅ발, 시ㅂ, ㅂ신 (some syllables as their initial, at least one whole).
      if (pureHangul && syllables.length >= 2 && syllables.length <= 4) {
        for (let mask = 1; mask < (1 << syllables.length) - 1; mask++) {
          const variant = syllables.map((s, i) => (mask & (1 << i) ? String.fromCharCode(syllableInitialCompat(s.charCodeAt(0))) : s)).join('');
          add(variant, { ...base, qwerty: false });
        }
      }
      // Generated after every listed spelling, so a listed one is never labelled a variant.
      if (pureHangul && builtins.initials) {
        const initials = initialsOf(word);
        if (initials) generated.push([initials, { ...base, qwerty: false, builtin: 'initials' }]);
      }
      if (pureHangul && builtins.variants) {
        for (const variant of soundAlikes(word, perWord)) generated.push([variant, { ...base, qwerty: false, builtin: 'variants' }]);
      }
    }
  }
  const listed = patterns.length;
  for (const [source, p] of generated) add(source, p);
  const words = new Set(texts);
  const firstException = patterns.length;
  for (const exception of exceptions) add(exception, { rule: null, verdict: 'publish', word: exception, wholeWord: false, qwerty: true, fromBuiltin: false });
  if (builtins.exceptions) {
    for (const raw of BUILTIN_EXCEPTIONS) {
      const { word, unlessNext, needsNext } = parseException(raw);
      const sk = skeleton(word);
      // An exception that reads exactly as a listed word would switch the word off.
      if (words.has(textOf(sk))) continue;
      add(word, { rule: null, verdict: 'publish', word, wholeWord: false, qwerty: true, fromBuiltin: true, unlessNext, needsNext });
    }
  }
  const matcher = new AhoCorasick(texts);
  // Exceptions that contain no listed word never change a finding: skipped when matching.
  let builtinPatterns = firstException - listed;
  for (let i = firstException; i < patterns.length; i++) {
    const p = patterns[i]!;
    p.inert = !matcher.search(texts[i]!).some((m) => patterns[m.word]!.rule !== null);
    if (p.fromBuiltin && !p.inert) builtinPatterns++;
  }
  return { patterns, matcher, hasHangul: patterns.some((p) => p.hangul && p.rule !== null), builtinPatterns };
}

const isHangulWord = (word: string) => Array.from(word).every((c) => isSyllable(c.charCodeAt(0)));

/** Finds listed words in one skeleton of the body (the main one, or its keyboard reading). */
export function findWords(body: string, sk: Skeleton, words: CompiledWords, keyboard: boolean, out: Finding[], prevented?: Prevented[]): void {
  if (sk.length === 0 || words.patterns.length === 0) return;
  const matches = words.matcher.searchUnits(sk.units, sk.length);
  if (matches.length === 0) return;
  // covered[i]: the furthest end of an exception starting at or before unit i, so a match [a, b)
  // lies inside an exception exactly when covered[a] >= b.
  let covered: Int32Array | undefined;
  for (const m of matches) {
    const p = words.patterns[m.word]!;
    if (p.rule !== null || p.inert || !guardHolds(body, sk, p, m.end)) continue;
    covered ??= new Int32Array(sk.length);
    if (covered[m.start]! < m.end) covered[m.start] = m.end;
  }
  if (covered) for (let i = 1; i < sk.length; i++) if (covered[i - 1]! > covered[i]!) covered[i] = covered[i - 1]!;
  for (const m of matches) {
    const p = words.patterns[m.word]!;
    if (p.rule === null || (keyboard && !p.qwerty)) continue;
    if (!accept(body, sk, p, m.start, m.end, keyboard)) continue;
    const start = sk.start[m.start]!;
    const end = sk.end[m.end - 1]!;
    if (covered && covered[m.start]! >= m.end) {
      if (prevented) explainCover(body, sk, words, matches, p, m.start, m.end, prevented);
      continue;
    }
    const excerpt = body.slice(start, end);
    const builtin = p.builtin ?? (p.hangul && hasStroke(excerpt) ? 'separators' : undefined);
    out.push({ rule: p.rule, verdict: p.verdict, start, end, excerpt, detail: p.word, ...(builtin ? { builtin } : {}) });
  }
}

/** The guard of a built-in exception: 병신년 is not the year before a vocative (병신년아). */
function guardHolds(body: string, sk: Skeleton, p: Pattern, end: number): boolean {
  // An exception covers itself as written: "시발 진짜" is not 시발지, "씨발 역겹다" not 시발역.
  const a = end - p.min.length;
  for (let i = 1; i < p.min.length; i++) if (sk.brk[a + i] !== BRK_NONE && p.breaks![i] === BRK_NONE) return false;
  if (!p.unlessNext && !p.needsNext) return true;
  const after = end < sk.length ? sk.start[end]! : body.length;
  const next = body[after];
  const joined = end < sk.length && sk.brk[end] === BRK_NONE;
  if (p.needsNext) return joined && next !== undefined && isSyllable(next.charCodeAt(0));
  return !(joined && next !== undefined && p.unlessNext!.includes(next));
}

function explainCover(body: string, sk: Skeleton, words: CompiledWords, matches: Array<{ word: number; start: number; end: number }>, p: Pattern, a: number, b: number, out: Prevented[]): void {
  const by = matches.find((m) => {
    const e = words.patterns[m.word]!;
    return e.rule === null && !e.inert && m.start <= a && m.end >= b && guardHolds(body, sk, e, m.end);
  });
  if (!by) return;
  const e = words.patterns[by.word]!;
  const start = sk.start[a]!;
  const end = sk.end[b - 1]!;
  out.push({ rule: p.rule!, word: p.word, exception: e.word, builtin: e.fromBuiltin === true, start, end, excerpt: body.slice(start, end) });
}

const STROKES = /[가-힣][\s.]*[\u314f-\u3163\u318d\u318e\u119e\u11a2\u30fc\uff70\u4e00\u4e28\u2f00\u2f01\u1161-\u1175|｜─━―—–~〜]+[\s.]*[가-힣]/;
const hasStroke = (text: string) => STROKES.test(text);

const isConsonantUnit = (u: number) => isCompatConsonant(u);
const LAUGHTER = new Set([0x314b, 0x314e]); // ㅋ ㅎ

function accept(body: string, sk: Skeleton, p: Pattern, a: number, b: number, keyboard: boolean): boolean {
  for (let i = 0; i < p.min.length; i++) if (sk.count[a + i]! < p.min[i]!) return false;
  // A match ends at a syllable boundary: 시바 is not in 시방, 보 not in 봐.
  if (p.hangul && b < sk.length && sk.brk[b] === BRK_NONE) {
    const next = sk.units[b]!;
    if (isFinal(next) || (isVowel(next) && isVowel(sk.units[b - 1]!))) return false;
  }
  // A consonant abbreviation stands on its own: ㅂㅅ, ㅋㅋㅂㅅ, not ㄱㅅㄱㅅ (감사감사).
  if (p.consonants) {
    if (a > 0 && sk.brk[a] === BRK_NONE && isConsonantUnit(sk.units[a - 1]!) && !LAUGHTER.has(sk.units[a - 1]!)) return false;
    if (b < sk.length && sk.brk[b] === BRK_NONE && isConsonantUnit(sk.units[b]!) && !LAUGHTER.has(sk.units[b]!)) return false;
  }
  const tokenStart = a === 0 || sk.brk[a] !== BRK_NONE;
  const tokenEnd = b === sk.length || sk.brk[b] !== BRK_NONE;
  if (keyboard) return tokenStart;
  if (p.wholeWord) return tokenStart && tokenEnd;
  let split = false;
  for (let i = a; i < b; i++) if ((i > a && sk.brk[i] === BRK_SEPARATOR) || sk.inner[i]) split = true;
  // Two words read as one ("시 발표", "다시발견", "개 새끼줄"): an ordinary word begins inside the match and runs past it.
  if (p.hangul && (split || !tokenStart) && ordinaryWordInside(body, sk, a, b)) return false;
  // Letters split by separators ("f.u.c.k", "시 발") count only when the split word stands alone
  // (or takes a particle), so "class hit" or "다시 발표" stay innocent.
  if (!split) return true;
  return tokenStart && (tokenEnd || (p.hangul && PARTICLES.has(body[sk.start[b]!]!)));
}

function ordinaryWordInside(body: string, sk: Skeleton, a: number, b: number): boolean {
  const end = sk.end[b - 1]!;
  for (let i = a + 1; i < b; i++) {
    const from = sk.start[i]!;
    if (from === sk.start[i - 1]! || !isSyllable(body.charCodeAt(from))) continue;
    for (let k = end - from + 1; k <= ORDINARY_MAX && from + k <= body.length; k++) if (ORDINARY_WORDS.has(body.slice(from, from + k))) return true;
  }
  return false;
}
