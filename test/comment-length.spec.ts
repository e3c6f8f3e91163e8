import { COMMENT_LIMIT, countGraphemes, measureComment, normalizeComment } from '../src/comments/comment-length.js';
import { acceptCommentText } from '../src/comments/comment-text.js';

describe('the comment length rule shared by the widget counter and the server', () => {
  test.each([
    ['Hangul syllable', '한', 1],
    ['decomposed Hangul (jamo) composes to one syllable', '한'.normalize('NFD'), 1],
    ['family emoji (ZWJ sequence)', '👨‍👩‍👧‍👦', 1],
    ['flag (regional indicators)', '🇰🇷', 1],
    ['skin-tone modifier', '👍🏽', 1],
    ['letter with two combining marks', 'e\u0301\u0323', 1],
    ['keycap sequence', '1️⃣', 1],
    ['CRLF counts as one line break', 'a\r\nb', 3],
    ['ASCII', 'hello', 5],
  ])('%s', (_name, text, expected) => {
    expect(measureComment(text).length).toBe(expected);
  });

  test('250 Hangul syllables fit, 251 do not', () => {
    expect(measureComment('가'.repeat(250))).toEqual({ length: 250, limit: COMMENT_LIMIT, tooLong: false, empty: false });
    expect(measureComment('가'.repeat(251)).tooLong).toBe(true);
  });

  test('surrounding white space does not count; inner white space does', () => {
    expect(measureComment('  a b  \n').length).toBe(3);
    expect(measureComment(' \n\t ').empty).toBe(true);
  });

  test('a combining-mark bomb is too long although it is few graphemes', () => {
    const zalgo = 'a' + '\u0301'.repeat(2500);
    expect(countGraphemes(normalizeComment(zalgo))).toBe(1);
    expect(measureComment(zalgo).tooLong).toBe(true);
  });

  test('the server says what the counter says, at the edges', () => {
    for (const text of ['가'.repeat(250), '👨‍👩‍👧‍👦'.repeat(250), '🇰🇷'.repeat(250), `  ${'x'.repeat(250)}  `]) {
      expect(measureComment(text).tooLong).toBe(false);
      expect(() => acceptCommentText(text)).not.toThrow();
    }
    for (const text of ['가'.repeat(251), '👨‍👩‍👧‍👦'.repeat(251)]) {
      expect(measureComment(text).tooLong).toBe(true);
      expect(() => acceptCommentText(text)).toThrow(expect.objectContaining({ code: 'COMMENT_TOO_LONG', extra: { length: 251, limit: 250 } }));
    }
  });

  test('the module has no imports, so the widget can bundle it as it is', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync(new URL('../src/comments/comment-length.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/^\s*import /m);
  });
});
