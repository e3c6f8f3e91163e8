/** A run of this many characters stepping by -1, 0 or +1 (aaaaaaa, abcdefg, 7654321) counts as one character. */
const RUN = 7;

/**
 * The alphabet a secret seems to be drawn from, by the kinds of characters in it: digits only;
 * hex (one case); both cases of letters: base64 and base64url, or printable ASCII with other
 * symbols; otherwise one case of letters, digits and the symbols actually used (a hyphenated
 * phrase is not a base64url secret); anything beyond ASCII as bytes. Generous where random
 * secrets live: one must never be refused for happening to lack, say, a digit.
 */
function alphabetSize(text: string): number {
  if (/^[0-9]*$/.test(text)) return 10;
  if (/^[0-9a-f]*$/.test(text) || /^[0-9A-F]*$/.test(text)) return 16;
  if (!/^[\x20-\x7e]*$/.test(text)) return 256;
  const [lower, upper, digits] = [/[a-z]/.test(text), /[A-Z]/.test(text), /[0-9]/.test(text)];
  if (lower && upper) return /^[0-9A-Za-z+/_-]*$/.test(text) ? 64 : 95;
  return (lower || upper ? 26 : 0) + (digits ? 10 : 0) + new Set(text.replace(/[0-9A-Za-z]/g, '')).size;
}

/** The shortest unit the whole text repeats (at least twice), or the text itself. */
function repeatedUnit(chars: string[]): string[] {
  for (let period = 1; period <= chars.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < chars.length && repeats; i++) repeats = chars[i] === chars[i - period];
    if (repeats) return chars.slice(0, period);
  }
  return chars;
}

/** How many characters are left once every long run of same or consecutive characters counts as one. */
function withoutRuns(chars: string[]): number {
  let count = chars.length;
  let start = 0;
  while (start < chars.length) {
    let end = start + 1;
    const step = end < chars.length ? chars[end]!.codePointAt(0)! - chars[start]!.codePointAt(0)! : 2;
    if (Math.abs(step) <= 1) {
      while (end < chars.length && chars[end]!.codePointAt(0)! - chars[end - 1]!.codePointAt(0)! === step) end++;
      if (end - start >= RUN) count -= end - start - 1;
    }
    start = Math.abs(step) <= 1 ? Math.max(end - 1, start + 1) : start + 1;
  }
  return count;
}

/**
 * An upper estimate of a secret's entropy in bits, "as far as can be told" from the text alone:
 * its length (without base64 padding) times log2 of its alphabet, where a text that repeats a
 * shorter unit counts as the unit, a long run (aaaaaaa, abcdefg) as one character, and the
 * alphabet is at most four times the distinct characters actually used. Random secrets reach
 * their real size (`openssl rand -hex 32`: 256 bits; `-base64 48`: 384); "x" × 40 reaches 0.
 */
export function estimateSecretBits(secret: string): number {
  const text = /^[0-9A-Za-z+/_-]+={1,2}$/.test(secret) ? secret.replace(/=+$/, '') : secret;
  const chars = repeatedUnit(Array.from(text));
  const distinct = new Set(chars).size;
  const alphabet = Math.min(alphabetSize(text), 4 * distinct);
  return alphabet < 2 ? 0 : withoutRuns(chars) * Math.log2(alphabet);
}
