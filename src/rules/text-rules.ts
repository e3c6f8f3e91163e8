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
  // One pass for periods 1–4: streak[p] counts units in a row equal (ASCII case folded, so
  // haHAha is still a repeat) to the one p before them.
  let bestStart = 0;
  let bestEnd = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let c1 = -1;
  let c2 = -1;
  let c3 = -1;
  let c4 = -1;
  const close = (streak: number, period: number, i: number) => {
    const length = streak + period;
    if (streak > 0 && length > rule.maxRepeat && length >= period * 3 && length > bestEnd - bestStart) {
      bestStart = i - length;
      bestEnd = i;
    }
  };
  for (let i = 0; i < body.length; i++) {
    let c = body.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 0x20;
    if (c === c1) s1++;
    else {
      close(s1, 1, i);
      s1 = 0;
    }
    if (c === c2) s2++;
    else {
      close(s2, 2, i);
      s2 = 0;
    }
    if (c === c3) s3++;
    else {
      close(s3, 3, i);
      s3 = 0;
    }
    if (c === c4) s4++;
    else {
      close(s4, 4, i);
      s4 = 0;
    }
    c4 = c3;
    c3 = c2;
    c2 = c1;
    c1 = c;
  }
  close(s1, 1, body.length);
  close(s2, 2, body.length);
  close(s3, 3, body.length);
  close(s4, 4, body.length);
  if (bestEnd > bestStart) {
    out.push({ rule: 'flooding', verdict: rule.verdict, start: bestStart, end: bestEnd, excerpt: body.slice(bestStart, Math.min(bestEnd, bestStart + 100)), detail: 'repeat' });
  }
  if (emoji > rule.maxEmoji) {
    out.push({ rule: 'flooding', verdict: rule.verdict, start: firstEmoji, end: lastEmoji, excerpt: body.slice(firstEmoji, Math.min(lastEmoji, firstEmoji + 100)), detail: 'emoji' });
  }
}
