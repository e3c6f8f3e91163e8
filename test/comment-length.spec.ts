import { COMMENT_LIMIT, countGraphemes, measureComment, normalizeComment } from '../src/comments/comment-length.js';
import fc from 'fast-check';
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

  test('the quick count (one grapheme per unit for common scripts) always agrees with Intl.Segmenter', () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const byIntl = (text: string) => [...segmenter.segment(text)].length;
    // Characters from inside and just outside the quick set, so mixtures cross its edges:
    // combining marks after Latin letters, jamo after syllables, ZWJ, emoji, CR, controls.
    const pieces = ['a', 'Z', ' ', '\t', '\n', '\r', 'é', 'ɏ', 'ɐ', '\u0301', '\u0323', '\u200d', '\u200c', '\u2026', '\u2028', '한', '글', '\u1100', '\u1161', '\u11a8',
      '\u3131', '中', '文', '\u302a', '👍', '\u{1f3fd}', '🇰', '🇷', '\ufe0f', '\u20e3', '1', '\u00ad', '\u0e33', '\u0915', '\u094d', '\u00a0', '~', '\x7f'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(countGraphemes(text)).toBe(byIntl(text));
      }),
      { numRuns: 5000 },
    );
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

describe('the widget counts with this very module', () => {
  test('the widget bundle is built from src/comments/comment-length.ts, not a copy', async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: ['src/widget/client/widget.entry.ts'],
      bundle: true,
      write: false,
      metafile: true,
      format: 'iife',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('src/comments/comment-length.ts');
    // …and the widget's one comment form (new comments, replies, edits) imports measureComment from
    // it for the counter and the submit check.
    const { readFileSync } = await import('node:fs');
    const form = readFileSync('src/widget/client/comment-form.ts', 'utf8');
    expect(form).toMatch(/import \{[^}]*\bmeasureComment\b[^}]*\} from '\.\.\/\.\.\/comments\/comment-length\.js'/);
    expect(form.match(/measureComment\(/g)!.length).toBeGreaterThanOrEqual(2);
  });

  test('the counter text and the relative times, in both languages', async () => {
    const { relativeTime, strings, errorText } = await import('../src/widget/client/i18n.js');
    const m = measureComment('가'.repeat(251));
    expect(strings('en').counter(m.length, m.limit)).toBe('251/250');
    expect(strings('ko').counter(m.length, m.limit)).toBe('251/250');
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(relativeTime('en', '2026-11-29T11:57:00Z', now)).toBe('3 minutes ago');
    expect(relativeTime('ko', '2026-11-29T11:57:00Z', now)).toBe('3분 전');
    expect(relativeTime('en', '2026-11-28T12:00:00Z', now)).toBe('yesterday');
    expect(relativeTime('ko', '2026-11-29T11:59:50Z', now)).toBe('지금');
    expect(errorText(strings('en'), { error: 'RATE_LIMITED', status: 429, retryAfter: 42 })).toContain('wait 42 seconds');
    expect(errorText(strings('ko'), { error: 'RATE_LIMITED', status: 429, retryAfter: 42 })).toContain('42초');
    expect(errorText(strings('en'), { error: 'SOMETHING_NEW', status: 500 })).toBe('Something went wrong. Please try again.');
  });
});
