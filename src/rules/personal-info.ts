import type { Finding, Rules } from './types.js';

// Bounded repetitions over classes that the next token cannot start with: no catastrophic backtracking.
const EMAIL = /[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){0,8}\.[a-z]{2,24}(?![a-z0-9-])/giu;
/** Digits in groups joined by one space, dot or dash (an optional leading +). */
const NUMBER = /\+?\d+(?:[ .-]\d+)*/g;

export type PersonalInfoKind = 'email' | 'phone' | 'resident_number' | 'card';

/** E-mail addresses, phone numbers (Korean mobile and landline, international), Korean resident registration numbers, card numbers (Luhn). */
export function findPersonalInfo(body: string, rule: Rules['personal_info'], out: Finding[]): void {
  const push = (start: number, end: number, detail: PersonalInfoKind) =>
    out.push({ rule: 'personal_info', verdict: rule.verdict, start, end, excerpt: body.slice(start, end), detail });
  if (rule.email && body.includes('@')) {
    for (const m of body.matchAll(EMAIL)) push(m.index, m.index + m[0].length, 'email');
  }
  if (!(rule.phone || rule.residentNumber || rule.card)) return;
  for (const m of body.matchAll(NUMBER)) {
    if (m[0].length < 7) continue;
    if (m.index > 0 && /[\p{L}\p{N}]/u.test(body[m.index - 1]!) && !/[가-힣]/.test(body[m.index - 1]!)) continue;
    // Groups of the run; try the whole run, then shorter stretches of consecutive groups.
    const groups: Array<{ start: number; end: number }> = [];
    for (const g of m[0].matchAll(/\+?\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
    for (let i = 0; i < groups.length; ) {
      let taken = 0;
      for (let j = Math.min(groups.length - 1, i + 4); j >= i && !taken; j--) {
        const kind = classify(body, groups.slice(i, j + 1), rule);
        if (kind) {
          push(groups[i]!.start, groups[j]!.end, kind);
          taken = j - i + 1;
        }
      }
      i += taken || 1;
    }
  }
}

function classify(body: string, groups: Array<{ start: number; end: number }>, rule: Rules['personal_info']): PersonalInfoKind | null {
  const parts = groups.map((g) => body.slice(g.start, g.end));
  const plus = parts[0]!.startsWith('+');
  const digits = parts.join('').replace('+', '');
  const sizes = parts.map((p) => p.replace('+', '').length);
  const shape = sizes.join(',');
  if (rule.residentNumber && !plus && digits.length === 13 && (shape === '6,7' || shape === '13') && residentNumber(digits)) return 'resident_number';
  if (rule.card && !plus && digits.length >= 13 && digits.length <= 19 && (sizes.length === 1 || sizes.every((s) => s >= 4 && s <= 6)) && luhn(digits)) return 'card';
  if (rule.phone) {
    if (plus && digits.length >= 8 && digits.length <= 15 && (sizes.length > 1 || digits.length >= 10)) return 'phone';
    if (/^01[016789]\d{7,8}$/.test(digits) && (sizes.length === 1 || /^3,[34],4$/.test(shape))) return 'phone'; // 010-1234-5678
    if (/^0(?:2|[3-6][1-5]|70|50\d)\d{7,8}$/.test(digits) && sizes.length >= 2 && sizes.length <= 3 && sizes.at(-1) === 4) return 'phone'; // 02-123-4567
    if (digits.length === 10 && shape === '3,3,4' && !digits.startsWith('0')) return 'phone'; // 555-123-4567
  }
  return null;
}

/** YYMMDD then a digit 1–8 (century and sex, foreigners included). Numbers issued since 2020 have no check digit. */
function residentNumber(d: string): boolean {
  const month = Number(d.slice(2, 4));
  const day = Number(d.slice(4, 6));
  const marker = Number(d[6]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && marker >= 1 && marker <= 8;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
