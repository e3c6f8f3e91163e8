import { AhoCorasick } from '../src/rules/aho-corasick.js';
import { compileRuleSet, evaluate } from '../src/rules/engine.js';
import { skeleton, textOf } from '../src/rules/normalise.js';
import { RuleSetError, loadRuleSetFile, parseRuleSet, DEFAULT_RULES_FILE } from '../src/rules/rule-set.js';
import type { RuleSetInput } from '../src/rules/types.js';

const ruleSet = (overrides: Partial<RuleSetInput> = {}): RuleSetInput => ({
  mode: 'auto',
  bannedWords: ['fuck', '씨발', 'ass'],
  suspectWords: ['idiot', '바보'],
  links: 'review',
  ...overrides,
});

const judge = (body: string, overrides?: Partial<RuleSet>, facts = {}) => evaluate({ body }, facts, compileRuleSet(ruleSet(overrides)));

describe('rule engine', () => {
  test('clean text is published with no findings', () => {
    expect(judge('A thoughtful reply about the summit.')).toEqual({ verdict: 'publish', reason: null, findings: [] });
  });

  test('banned words reject, with the span of the original text', () => {
    const body = 'Oh FUCK no';
    expect(judge(body)).toEqual({
      verdict: 'reject',
      reason: 'banned_word',
      findings: [{ rule: 'banned_word', verdict: 'reject', start: 3, end: 7, excerpt: 'FUCK', detail: 'fuck' }],
    });
  });

  test('NFKC folding: full-width and compatibility forms are caught, spans stay on the original', () => {
    const body = '좋아요 ｆｕｃｋ';
    const decision = judge(body);
    expect(decision.verdict).toBe('reject');
    const [finding] = decision.findings;
    expect(body.slice(finding!.start, finding!.end)).toBe('ｆｕｃｋ');
  });

  test('Korean words match inside words (particles attach), Latin words only whole', () => {
    expect(judge('이 씨발놈아').verdict).toBe('reject');
    expect(judge('A classic class assignment').verdict).toBe('publish');
    expect(judge('what an ass.').verdict).toBe('reject');
  });

  test('suspect words and links send to review; the strictest finding wins', () => {
    expect(judge('You idiot')).toMatchObject({ verdict: 'review', reason: 'suspect_word' });
    expect(judge('see www.example.com now')).toMatchObject({ verdict: 'review', reason: 'link' });
    expect(judge('idiot, fuck off, see https://x.io')).toMatchObject({ verdict: 'reject', reason: 'banned_word' });
    expect(judge('https://x.io', { links: 'allow' }).verdict).toBe('publish');
    expect(judge('https://x.io', { links: 'reject' })).toMatchObject({ verdict: 'reject', reason: 'link' });
  });

  test('pre-moderation holds what passes for review; per-article mode overrides', () => {
    expect(judge('nice', { mode: 'pre' })).toMatchObject({ verdict: 'review', reason: 'premoderation' });
    expect(judge('nice', {}, { articleMode: 'pre' })).toMatchObject({ verdict: 'review', reason: 'premoderation' });
    expect(judge('fuck', { mode: 'pre' }).verdict).toBe('reject');
  });

  test('the skeleton keeps a map from every unit to the original', () => {
    const sk = skeleton('Ａb😀ﬁ');
    expect(textOf(sk)).toBe('abfi');
    expect(Array.from(sk.start)).toEqual([0, 1, 4, 4]);
    expect(Array.from(sk.end)).toEqual([1, 2, 5, 5]);
    expect(Array.from(sk.brk)).toEqual([1, 0, 1, 0]);
  });
});

describe('Aho-Corasick', () => {
  test('finds every occurrence of every word, overlapping ones included, like a naive scan', () => {
    const words = ['he', 'she', 'his', 'hers', 'h', 'ers'];
    const text = 'ushers and his hers she';
    const naive: string[] = [];
    words.forEach((w, word) => {
      for (let i = text.indexOf(w); i !== -1; i = text.indexOf(w, i + 1)) naive.push(`${word}@${i}`);
    });
    const found = new AhoCorasick(words).search(text).map((m) => `${m.word}@${m.start}`);
    expect(found.sort()).toEqual(naive.sort());
  });
});

describe('rule set files', () => {
  test('the default rule set ships and is valid', () => {
    const rules = loadRuleSetFile(DEFAULT_RULES_FILE);
    expect(rules.mode).toBe('auto');
    expect(rules.bannedWords.length).toBeGreaterThan(0);
  });

  test.each([
    [{ mode: 'sometimes' }, /mode/],
    [{ bannedWords: 'fuck' }, /bannedWords/],
    [{ links: 'maybe' }, /links/],
    [{ extra: 1 }, /extra|Unrecognized/i],
  ])('%j is refused naming the field', (value, message) => {
    expect(() => parseRuleSet(value)).toThrow(RuleSetError);
    expect(() => parseRuleSet(value)).toThrow(message);
  });
});
