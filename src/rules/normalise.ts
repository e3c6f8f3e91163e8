import {
  COMPAT_LENGTH,
  COMPAT_UNITS,
  QWERTY_JAMO,
  SYLLABLE_LENGTH,
  SYLLABLE_UNITS,
  isCompatConsonant,
  isCompatVowel,
  isHangulUnit,
  isSyllable,
  resolveJamoRoles,
} from './hangul.js';

/**
 * The skeleton word rules match against: letters only, folded so that evasions look like the word
 * (case, width, accents, invisible characters, look-alike letters, leetspeak, stretched letters,
 * Hangul spelled out in jamo …), one UTF-16 unit per letter, each mapped back to the span of the
 * original text it came from.
 */
export interface Skeleton {
  /** The units (views into buffers reused by the next call: copy what must outlive it). */
  units: Uint16Array;
  length: number;
  /** Unit i came from the original span [start[i], end[i]). */
  start: Int32Array;
  end: Int32Array;
  /** What stood between unit i-1 and unit i: 0 nothing, 1 a separator (space, punctuation …), 2 a change of script. */
  brk: Uint8Array;
  /** How many identical letters were collapsed into unit i ("fuuuck": u ×3). */
  count: Uint16Array;
  /** 1 when unit i collapsed letters across a separator ("k i l l": the two l). */
  inner: Uint8Array;
}

export const BRK_NONE = 0;
export const BRK_SEPARATOR = 1;
export const BRK_SCRIPT = 2;

// Kinds of the first pass.
const LAT = 1;
const DIG = 2;
const SYL = 3;
const JAMO = 4;
const SYM = 5;
const OTH = 6;

/** Look-alike letters from other scripts, after lower-casing (Cyrillic, Greek, a few others). */
const CONFUSABLE: Record<string, string> = {
  а: 'a', в: 'b', г: 'r', д: 'd', е: 'e', з: '3', и: 'u', к: 'k', м: 'm', н: 'h', о: 'o', п: 'n', р: 'p', с: 'c', т: 't',
  у: 'y', х: 'x', ш: 'w', щ: 'w', ь: 'b', ъ: 'b', і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ʏ: 'y',
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 'c', τ: 't',
  υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ɑ: 'a', ı: 'i', ł: 'l', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe', ŀ: 'l',
};

/** Leetspeak inside Latin words. 1, l, i, !, | are one letter for matching (so are the entries). */
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'i', '+': 't' };

/** Number puns next to Hangul: 18 reads 시발, 10 reads 십, 8 reads 팔 (unless a counter follows: 18세, 10명). */
const PUNS: Record<string, string> = { '18': '시발', '10': '십', '8': '팔' };
const COUNTERS = new Set(Array.from('세살년월일시분초명개번층원도호회위점대장권마차주배등억만천백원평'));

const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Mn}\p{Me}]/u;
const LETTER = /\p{L}/u;
const MARKS = /\p{M}/gu;

type Classified = Array<[kind: number, code: number]>;
const cache = new Map<number, Classified | null>();

/** Kind and code(s) of a code point outside ASCII and Hangul: [] invisible, null separator. */
function classifyOther(cp: number): Classified | null {
  const cached = cache.get(cp);
  if (cached !== undefined) return cached;
  const char = String.fromCodePoint(cp);
  let result: Classified | null;
  if (cp === 0x4eba) result = [[SYM, cp]]; // 人 looks like ㅅ
  else if (IGNORABLE.test(char)) result = [];
  else {
    const folded = char.normalize('NFKD').replace(MARKS, '').toLowerCase();
    result = [];
    for (const c of folded) {
      const mapped = CONFUSABLE[c] ?? c;
      for (const m of mapped) {
        const code = m.codePointAt(0)!;
        if (code < 0x80) {
          const kind = asciiKind(code);
          if (kind) result.push([kind, kind === LAT ? code | 0x20 : code]);
        } else if (isSyllable(code)) result.push([SYL, code]);
        else if (isCompatConsonant(code) || isCompatVowel(code)) result.push([JAMO, code]);
        else if (LETTER.test(m)) result.push([OTH, code > 0xffff ? 0xfffd : code]);
      }
    }
    if (result.length === 0) result = IGNORABLE.test(folded) ? [] : null;
    // Some compatibility forms expand to whole phrases (U+FDFA: 18 letters); 4 is plenty for
    // matching and keeps the buffers bounded (scan sizes them at 4 items per character).
    else if (result.length > 4) result = result.slice(0, 4);
  }
  if (cache.size < 50_000) cache.set(cp, result);
  return result;
}

function asciiKind(code: number): number {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90)) return LAT;
  if (code >= 48 && code <= 57) return DIG;
  if (code === 64 || code === 36 || code === 33 || code === 124 || code === 43 || code === 94) return SYM; // @ $ ! | + ^
  return 0;
}

/** Unit buffer with the collapse of repeated letters; reused from call to call (the engine is synchronous). */
class Builder {
  units = new Uint16Array(1024);
  start = new Int32Array(1024);
  end = new Int32Array(1024);
  brk = new Uint8Array(1024);
  count = new Uint16Array(1024);
  inner = new Uint8Array(1024);
  role = new Uint8Array(1024);
  n = 0;
  /** Index of the first unit after the last separator or change of script. */
  tokenStart = 0;
  /** Break to give the next unit (a separator was seen). */
  pendingSeparator = false;
  /** Compatibility jamo were pushed (their roles need resolving). */
  hasCompat = false;

  reset(capacity: number): void {
    if (capacity > this.units.length) {
      const size = Math.max(capacity, this.units.length * 2);
      this.units = new Uint16Array(size);
      this.start = new Int32Array(size);
      this.end = new Int32Array(size);
      this.brk = new Uint8Array(size);
      this.count = new Uint16Array(size);
      this.inner = new Uint8Array(size);
      this.role = new Uint8Array(size);
    }
    this.n = 0;
    this.tokenStart = 0;
    this.pendingSeparator = false;
    this.hasCompat = false;
  }

  push(unit: number, s: number, e: number, collapse = true): void {
    const n = this.n;
    let brk = BRK_NONE;
    if (n === 0 || this.pendingSeparator) brk = BRK_SEPARATOR;
    else if (isHangulUnit(unit) !== isHangulUnit(this.units[n - 1]!)) brk = BRK_SCRIPT;
    this.pendingSeparator = false;
    // Across a separator only letters spelled out one by one collapse ("k i l l", not "this shit").
    if (collapse && n > 0 && this.units[n - 1] === unit && (brk === BRK_NONE || (brk === BRK_SEPARATOR && this.tokenStart === n - 1))) {
      if (this.count[n - 1]! < 0xffff) this.count[n - 1]!++;
      if (brk === BRK_SEPARATOR) this.inner[n - 1] = 1;
      this.end[n - 1] = e;
      return;
    }
    if (n === this.units.length) return; // cannot happen: capacity is sized from the text
    if (unit >= 0x3131 && unit <= 0x3163) this.hasCompat = true;
    this.units[n] = unit;
    this.start[n] = s;
    this.end[n] = e;
    this.brk[n] = brk;
    this.count[n] = 1;
    this.inner[n] = 0;
    if (brk !== BRK_NONE) this.tokenStart = n;
    this.n = n + 1;
  }

  last(): number {
    return this.n ? this.units[this.n - 1]! : 0;
  }

  finish(resolveJamo: boolean): Skeleton {
    const length = this.n;
    if (resolveJamo && this.hasCompat) resolveJamoRoles(this.units, this.brk, this.role, length);
    return {
      units: this.units.subarray(0, length),
      length,
      start: this.start.subarray(0, length),
      end: this.end.subarray(0, length),
      brk: this.brk.subarray(0, length),
      count: this.count.subarray(0, length),
      inner: this.inner.subarray(0, length),
    };
  }
}

const mainBuilder = new Builder();
const keyboardBuilder = new Builder();

/** The skeleton's units as a string. */
export function textOf(sk: Skeleton): string {
  let text = '';
  for (let i = 0; i < sk.length; i += 4096) text += String.fromCharCode.apply(null, Array.from(sk.units.subarray(i, Math.min(sk.length, i + 4096))));
  return text;
}

interface Items {
  n: number;
  kind: Uint8Array;
  code: Uint32Array;
  s: Int32Array;
  e: Int32Array;
  /** A separator stood before this item. */
  sep: Uint8Array;
  hasHangul: boolean;
  hasLatin: boolean;
}

const items: Items = {
  n: 0,
  kind: new Uint8Array(1024),
  code: new Uint32Array(1024),
  s: new Int32Array(1024),
  e: new Int32Array(1024),
  sep: new Uint8Array(1024),
  hasHangul: false,
  hasLatin: false,
};

/** First pass: one item per letter-like character, separators remembered, invisible characters dropped. */
function scan(original: string): Items {
  const max = original.length * 4 + 4;
  if (items.kind.length < max) {
    const size = Math.max(max, items.kind.length * 2);
    items.kind = new Uint8Array(size);
    items.code = new Uint32Array(size);
    items.s = new Int32Array(size);
    items.e = new Int32Array(size);
    items.sep = new Uint8Array(size);
  }
  const { kind, code, s, e, sep } = items;
  let n = 0;
  let sawSeparator = false;
  let hasHangul = false;
  let hasLatin = false;
  let hasStroke = false;
  const add = (k: number, c: number, from: number, to: number) => {
    if (n === max) return;
    kind[n] = k;
    code[n] = c;
    s[n] = from;
    e[n] = to;
    sep[n] = sawSeparator ? 1 : 0;
    sawSeparator = false;
    n++;
  };
  for (let i = 0; i < original.length; ) {
    const cp = original.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      const k = asciiKind(cp);
      if (k === LAT) {
        hasLatin = true;
        add(LAT, cp | 0x20, i, i + 1);
      } else if (k) add(k, cp, i, i + 1);
      else sawSeparator = true;
    } else if (isSyllable(cp)) {
      hasHangul = true;
      add(SYL, cp, i, i + 1);
    } else if (isCompatConsonant(cp) || isCompatVowel(cp)) {
      hasHangul = true;
      if (isCompatVowel(cp)) hasStroke = true;
      add(JAMO, cp, i, i + 1);
    } else {
      if (STROKE_SOURCES.has(cp) || (cp >= 0x1161 && cp <= 0x1175)) hasStroke = true;
      const parts = classifyOther(cp);
      if (parts === null) sawSeparator = true;
      else
        for (const [k, c] of parts) {
          if (k === LAT) hasLatin = true;
          add(k, c, i, i + width);
        }
    }
    i += width;
  }
  items.n = hasStroke && hasHangul ? dropStrokes(items, n) : n;
  items.hasHangul = hasHangul;
  items.hasLatin = hasLatin;
  return items;
}

/**
 * Vowel jamo and letter-like strokes typed as a dash between two syllables (개ㅡ새끼, 씨ㅣ발,
 * 씨ㆍ발) are separators. Only between whole syllables: after a consonant jamo a vowel is part of a
 * word spelled out (ㅆㅣㅂㅏㄹ), and other strokes are separators already (|, ~, ─).
 */
const STROKE_SOURCES = new Set([0x318d, 0x318e, 0x119e, 0x11a2, 0x30fc, 0xff70, 0x4e00, 0x4e28, 0x2f00, 0x2f01, 0x3161, 0x3163]);
/** The same characters as scan() leaves them (compatibility forms folded): ㆍ → ᆞ, ｰ → ー, ⼀ → 一. */
const STROKE_CODES = new Set([0x119e, 0x11a2, 0x30fc, 0x4e00, 0x4e28, 0x318e]);
const isStrokeItem = (kind: number, code: number) =>
  (kind === JAMO && isCompatVowel(code)) || (kind === OTH && (STROKE_CODES.has(code) || (code >= 0x1161 && code <= 0x1175)));

function dropStrokes(items: Items, n: number): number {
  const { kind, code, s, e, sep } = items;
  let w = 0;
  for (let i = 0; i < n; ) {
    if (isStrokeItem(kind[i]!, code[i]!) && w > 0 && kind[w - 1] === SYL) {
      let j = i;
      while (j < n && isStrokeItem(kind[j]!, code[j]!)) j++;
      if (j < n && kind[j] === SYL) {
        sep[j] = 1;
        i = j;
        continue;
      }
    }
    kind[w] = kind[i]!;
    code[w] = code[i]!;
    s[w] = s[i]!;
    e[w] = e[i]!;
    sep[w] = sep[i]!;
    w++;
    i++;
  }
  return w;
}

const isLatinUnit = (u: number) => u >= 0x61 && u <= 0x7a;

/** @ and $ stand for letters next to a letter (a$$, @ss); ! | + only inside a word (sh!t). */
function leetHere(c: number, latinBefore: boolean, nextKind: number | undefined): boolean {
  const latinAfter = nextKind === LAT;
  if (c === 0x40 || c === 0x24) return latinBefore || nextKind === LAT;
  return (latinBefore || nextKind === LAT) && (latinAfter || nextKind === DIG);
}

const isHangulKind = (k: number | undefined) => k === SYL || k === JAMO;

/** Items j (inclusive) back/forward while they stay joined and of the given kinds. */
function runEnd(items: Items, from: number, kinds: (k: number) => boolean): number {
  let j = from;
  while (j + 1 < items.n && !items.sep[j + 1] && kinds(items.kind[j + 1]!)) j++;
  return j;
}

function pushSyllable(b: Builder, code: number, s: number, e: number): void {
  const index = code - 0xac00;
  const at = index * 5;
  const length = SYLLABLE_LENGTH[index]!;
  // Stretched vowels: 시이이발 reads 시발 (ㅇ + the same vowel, after a syllable ending in it).
  if (length === 2 && SYLLABLE_UNITS[at] === 0x110b && b.n > 0 && b.last() === SYLLABLE_UNITS[at + 1] && !b.pendingSeparator) {
    const n = b.n - 1;
    b.end[n] = e;
    b.count[n]!++;
    return;
  }
  for (let k = 0; k < length; k++) b.push(SYLLABLE_UNITS[at + k]!, s, e, false);
}

function pushCompat(b: Builder, code: number, s: number, e: number, collapse: boolean): void {
  const index = code - 0x3131;
  for (let k = 0; k < COMPAT_LENGTH[index]!; k++) b.push(COMPAT_UNITS[index * 2 + k]!, s, e, collapse);
}

/** The main skeleton of a text (also used, with the same folding, for word-list entries). */
export function skeleton(original: string): Skeleton {
  return build(scan(original));
}

/** The main skeleton and the keyboard reading (null without Latin letters), from one scan. */
export function skeletons(original: string, keyboard: boolean): { main: Skeleton; keyboard: Skeleton | null } {
  const scanned = scan(original);
  return { main: build(scanned), keyboard: keyboard && scanned.hasLatin ? buildKeyboard(scanned) : null };
}

function build(items: Items): Skeleton {
  const b = mainBuilder;
  b.reset(items.n * 5 + 8); // a syllable gives up to 5 units (뷁: ᄇ ᅮ ᅦ ᆯ ᆨ)
  const { n, kind, code, s, e, sep } = items;
  for (let i = 0; i < n; i++) {
    if (sep[i]) b.pendingSeparator = true;
    const k = kind[i]!;
    const c = code[i]!;
    const prevKind = i > 0 && !sep[i] ? kind[i - 1] : undefined;
    const nextKind = i + 1 < n && !sep[i + 1] ? kind[i + 1] : undefined;
    if (k === SYL) pushSyllable(b, c, s[i]!, e[i]!);
    else if (k === JAMO) pushCompat(b, c, s[i]!, e[i]!, true);
    else if (k === LAT || k === DIG) {
      // A run of Latin letters and digits, judged as a whole.
      const j = runEnd(items, i, (x) => x === LAT || x === DIG);
      const before = prevKind;
      const after = j + 1 < n && !sep[j + 1] ? kind[j + 1] : undefined;
      i = pushLatinRun(b, items, i, j, before, after);
    } else if (k === SYM) {
      const ch = String.fromCharCode(c);
      const afterJamo = !b.pendingSeparator && isCompatConsonant(b.last());
      if ((c === 0x5e || c === 0x4eba) && (isHangulKind(prevKind) || isHangulKind(nextKind))) b.push(0x3145, s[i]!, e[i]!); // ^ 人 → ㅅ
      else if ((c === 0x7c || c === 0x21) && afterJamo) b.push(0x3163, s[i]!, e[i]!); // | ! after a consonant → ㅣ
      else if (LEET[ch] && leetHere(c, !b.pendingSeparator && isLatinUnit(b.last()), nextKind)) {
        b.push(LEET[ch].charCodeAt(0), s[i]!, e[i]!);
      } else b.pendingSeparator = true;
    } else b.push(c, s[i]!, e[i]!);
  }
  return b.finish(items.hasHangul);
}

/** Pushes Latin/digit items i..j; returns the last index consumed. */
function pushLatinRun(b: Builder, items: Items, i: number, j: number, before: number | undefined, after: number | undefined): number {
  const { kind, code, s, e } = items;
  const hangulBefore = isHangulKind(before) || (before === SYM && isHangulUnit(b.last()));
  const hangulAfter = isHangulKind(after);
  let digitsOnly = true;
  for (let x = i; x <= j; x++) if (kind[x] === LAT) digitsOnly = false;
  if (digitsOnly && (hangulBefore || hangulAfter)) {
    let digits = '';
    for (let x = i; x <= j; x++) digits += String.fromCharCode(code[x]!);
    const pun = PUNS[digits];
    const nextChar = hangulAfter ? String.fromCharCode(code[j + 1]!) : '';
    if (pun && !COUNTERS.has(nextChar)) {
      for (const syl of pun) pushSyllable(b, syl.charCodeAt(0), s[i]!, e[j]!);
      return j;
    }
    if (hangulBefore && hangulAfter && j - i < 2) return j; // 시1발: noise inside a Hangul word
  }
  if (hangulAfter && j === i + 1 && code[i] === 0x37 && code[j] === 0x68) {
    // 7H looks like 개
    b.push(0x1100, s[i]!, e[j]!, false);
    b.push(0x1166, s[i]!, e[j]!, false);
    return j;
  }
  if (!digitsOnly && hangulBefore && hangulAfter && j - i < 2) {
    // Look-alikes for vowels right after a lone consonant (ㅅl발, ㅅr발), else noise (시a발).
    if (j === i && isCompatConsonant(b.last()) && !b.pendingSeparator) {
      const ch = String.fromCharCode(code[i]!);
      if (ch === 'l' || ch === 'i') b.push(0x3163, s[i]!, e[i]!);
      else if (ch === 'r') b.push(0x314f, s[i]!, e[i]!);
    }
    return j;
  }
  if (isCompatConsonant(b.last()) && !b.pendingSeparator && j === i) {
    const ch = String.fromCharCode(code[i]!);
    if (ch === 'l' || ch === 'i' || ch === '1') {
      b.push(0x3163, s[i]!, e[i]!);
      return j;
    }
    if (ch === 'r') {
      b.push(0x314f, s[i]!, e[i]!);
      return j;
    }
  }
  for (let x = i; x <= j; x++) {
    const c = code[x]!;
    if (kind[x] === DIG && !digitsOnly) b.push(LEET[String.fromCharCode(c)]?.charCodeAt(0) ?? c, s[x]!, e[x]!);
    else if (c === 0x6c) b.push(0x69, s[x]!, e[x]!); // l reads as i (1, l, i, | are one letter)
    else b.push(c, s[x]!, e[x]!);
  }
  return j;
}

/**
 * Latin words read as Korean typed on an English keyboard layout ("tlqkf" → 시발). Only Latin
 * letters make units; everything else is a separator.
 */
function buildKeyboard(items: Items): Skeleton {
  const b = keyboardBuilder;
  b.reset(items.n * 2 + 8);
  const { n, kind, code, sep } = items;
  for (let i = 0; i < n; ) {
    // One token of ASCII letters; shorter than four keys it cannot type two syllables.
    if (kind[i] !== LAT || code[i]! >= 128) {
      b.pendingSeparator = true;
      i++;
      continue;
    }
    let j = i + 1;
    while (j < n && !sep[j] && kind[j] === LAT && code[j]! < 128) j++;
    b.pendingSeparator = true;
    if (j - i >= 4) for (let x = i; x < j; x++) pushCompat(b, QWERTY_JAMO[code[x]!]!, items.s[x]!, items.e[x]!, false);
    i = j;
  }
  return b.finish(true);
}

/**
 * The text as the duplicate rules compare it: the skeleton, separators and repeats dropped, except
 * that repeated digits count ("page 1" and "page 11" are different texts).
 */
export function dedupeKey(body: string): string {
  const sk = skeleton(body);
  let digits = false;
  for (let i = 0; i < sk.length && !digits; i++) digits = sk.units[i]! <= 0x39 && sk.units[i]! >= 0x30 && sk.count[i]! > 1;
  if (!digits) return textOf(sk);
  let text = '';
  for (let i = 0; i < sk.length; i++) {
    const u = sk.units[i]!;
    text += u >= 0x30 && u <= 0x39 ? String.fromCharCode(u).repeat(sk.count[i]!) : String.fromCharCode(u);
  }
  return text;
}
