import type { Finding, Rules } from './types.js';

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;

/** Shouting: the share of capitals among cased letters, once there are enough of them. */
export function findShouting(body: string, rule: Rules['shouting'], out: Finding[]): void {
  let upper = 0;
  let cased = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    let isUpper = false;
    let isLower = false;
    if (c < 0x80) {
      isUpper = c >= 65 && c <= 90;
      isLower = c >= 97 && c <= 122;
    } else if (c < 0x0530 || (c >= 0x1e00 && c < 0x2000) || (c >= 0xff21 && c <= 0xff5a)) {
      const ch = body[i]!;
      isUpper = ch !== ch.toLowerCase();
      isLower = ch !== ch.toUpperCase();
    }
    if (!isUpper && !isLower) continue;
    cased++;
    if (isUpper) {
      upper++;
      if (first < 0) first = i;
      last = i;
    }
  }
  if (cased >= rule.minLetters && upper / cased > rule.maxCapitalShare) {
    out.push({ rule: 'shouting', verdict: rule.verdict, start: first, end: last + 1, excerpt: body.slice(first, Math.min(last + 1, first + 100)) });
  }
}

/**
 * Flooding: one character, or a pattern of up to four UTF-16 units ("ㅋㅋㅋ", "hahaha", "🔥🔥"),
 * repeated over more than maxRepeat units; or more than maxEmoji emoji in all.
 */
export function findFlooding(body: string, rule: Rules['flooding'], out: Finding[]): void {
  let emoji = 0;
  let firstEmoji = -1;
  let lastEmoji = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c < 0x2000 || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xdc00 && c <= 0xdfff)) continue;
    const cp = body.codePointAt(i)!;
    if (PICTOGRAPHIC.test(String.fromCodePoint(cp))) {
      emoji++;
      if (firstEmoji < 0) firstEmoji = i;
      lastEmoji = i + (cp > 0xffff ? 2 : 1);
    }
  }
  // Case does not hide a repeat (haHAha); lower-casing that changes lengths is skipped.
  const lowered = body.toLowerCase();
  const text = lowered.length === body.length ? lowered : body;
  let bestStart = 0;
  let bestEnd = 0;
  for (let period = 1; period <= 4; period++) {
    // streak: how many units in a row equal the one `period` before them.
    let streak = 0;
    for (let i = period; i <= text.length; i++) {
      if (i < text.length && text.charCodeAt(i) === text.charCodeAt(i - period)) {
        streak++;
        continue;
      }
      const length = streak + period;
      if (streak > 0 && length > rule.maxRepeat && length >= period * 3 && length > bestEnd - bestStart) {
        bestStart = i - length;
        bestEnd = i;
      }
      streak = 0;
    }
  }
  if (bestEnd > bestStart) {
    out.push({ rule: 'flooding', verdict: rule.verdict, start: bestStart, end: bestEnd, excerpt: body.slice(bestStart, Math.min(bestEnd, bestStart + 100)), detail: 'repeat' });
  }
  if (emoji > rule.maxEmoji) {
    out.push({ rule: 'flooding', verdict: rule.verdict, start: firstEmoji, end: lastEmoji, excerpt: body.slice(firstEmoji, Math.min(lastEmoji, firstEmoji + 100)), detail: 'emoji' });
  }
}
