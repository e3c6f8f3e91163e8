import { AhoCorasick } from '../src/rules/aho-corasick.js';
import { diffRuleSets, dryRun } from '../src/rules/compare.js';
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

const judge = (body: string, overrides?: Partial<RuleSetInput>, facts = {}) => evaluate({ body }, facts, compileRuleSet(ruleSet(overrides)));

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

describe('rules, one by one', () => {
  const compiled = (input: RuleSetInput = {}) => compileRuleSet(input);
  const rulesOf = (body: string, input: RuleSetInput = {}, facts = {}) => evaluate({ body }, facts, compiled(input)).findings.map((f) => f.rule);

  test('every rule has a default, a verdict and a switch; a rule switched off finds nothing', () => {
    const { rules } = parseRuleSet({});
    for (const [id, rule] of Object.entries(rules)) {
      expect({ id, enabled: typeof rule.enabled, verdict: ['publish', 'review', 'reject'].includes(rule.verdict) }).toEqual({ id, enabled: 'boolean', verdict: true });
    }
    expect(rulesOf('you idiot', { suspectWords: ['idiot'], rules: { suspect_word: { enabled: false } } })).toEqual([]);
    expect(rulesOf('call 010-1234-5678', { rules: { personal_info: { enabled: false } } })).toEqual([]);
    expect(judge('fuck', { rules: { banned_word: { verdict: 'review' } } })).toMatchObject({ verdict: 'review', reason: 'banned_word' });
  });

  test('personal information: each kind, with its span, and its switch', () => {
    const found = (body: string, input: RuleSetInput = {}) =>
      evaluate({ body }, {}, compiled(input)).findings.filter((f) => f.rule === 'personal_info').map((f) => [f.detail, f.excerpt]);
    expect(found('전화 010-1234-5678 또는 kim@example.com')).toEqual([['phone', '010-1234-5678'], ['email', 'kim@example.com']]);
    expect(found('주민번호 900101-1234567')).toEqual([['resident_number', '900101-1234567']]);
    expect(found('card 4111 1111 1111 1111')).toEqual([['card', '4111 1111 1111 1111']]);
    expect(found('card 4111 1111 1111 1112')).toEqual([]); // fails Luhn
    expect(found('900101-9234567')).toEqual([]); // no such century/sex digit
    expect(found('call 010-1234-5678', { rules: { personal_info: { phone: false } } })).toEqual([]);
    expect(judge('kim@example.com', { rules: { personal_info: { verdict: 'reject' } } })).toMatchObject({ verdict: 'reject', reason: 'personal_info' });
  });

  test('links: allow list, deny list, and the verdict for the rest', () => {
    const rules = { rules: { link: { verdict: 'review' as const, allowDomains: ['example.org'], denyDomains: ['casino.xyz'] } } };
    expect(judge('see https://news.example.org/a', rules).verdict).toBe('publish');
    expect(judge('see www.casino.xyz', rules)).toMatchObject({ verdict: 'reject', reason: 'link' });
    expect(judge('see https://other.net/x', rules)).toMatchObject({ verdict: 'review', reason: 'link' });
    expect(() => parseRuleSet({ rules: { link: { denyDomains: ['not a domain'] } } })).toThrow(/rules\.link\.denyDomains\.0/);
  });

  test('shouting: the share of capitals once there are enough letters', () => {
    expect(rulesOf('THIS IS A DISGRACE TO JOURNALISM')).toEqual(['shouting']);
    expect(rulesOf('NASA and the EU agreed')).toEqual([]);
    expect(rulesOf('WHY?')).toEqual([]);
    expect(rulesOf('THIS IS A DISGRACE', { rules: { shouting: { minLetters: 30 } } })).toEqual([]);
  });

  test('flooding: repeated characters or patterns, and too many emoji', () => {
    expect(evaluate({ body: `ok ${'ㅋ'.repeat(21)}` }, {}, compiled()).findings).toEqual([
      { rule: 'flooding', verdict: 'review', start: 3, end: 24, excerpt: 'ㅋ'.repeat(21), detail: 'repeat' },
    ]);
    expect(rulesOf('ㅋㅋㅋㅋㅋ 재밌네요')).toEqual([]);
    expect(rulesOf('😀'.repeat(16))).toEqual(['flooding']);
    expect(rulesOf('😀🎉👍')).toEqual([]);
  });

  test('duplicates: by one commenter, and by several (campaign), only for texts long enough', () => {
    const long = 'The same words posted again and again by many accounts';
    expect(rulesOf(long, {}, { duplicates: { sameCommenter: 1, otherCommenters: 0 } })).toEqual(['duplicate_self']);
    expect(rulesOf(long, {}, { duplicates: { sameCommenter: 0, otherCommenters: 2 } })).toEqual(['duplicate_campaign']);
    expect(rulesOf(long, {}, { duplicates: { sameCommenter: 0, otherCommenters: 1 } })).toEqual([]);
    expect(rulesOf('thanks', {}, { duplicates: { sameCommenter: 3, otherCommenters: 9 } })).toEqual([]);
  });

  test('new commenters, trust, closed articles', () => {
    const on = { suspectWords: ['idiot'], rules: { new_commenter: { enabled: true, firstComments: 2 } } };
    expect(judge('hello', on, { history: { total: 1, published: 0, rejected: 0 } })).toMatchObject({ verdict: 'review', reason: 'new_commenter' });
    expect(judge('hello', on, { history: { total: 2, published: 2, rejected: 0 } }).verdict).toBe('publish');
    const trusted = { history: { total: 50, published: 40, rejected: 0 } };
    expect(judge('you idiot', on, trusted).verdict).toBe('publish');
    expect(judge('fuck', on, trusted).verdict).toBe('reject');
    expect(judge('you idiot', on, { history: { total: 50, published: 40, rejected: 5 } }).verdict).toBe('review');
    expect(judge('hello', {}, { articleClosed: true })).toMatchObject({ verdict: 'review', reason: 'article_closed' });
  });

  test('exceptions protect innocent words only where they stand', () => {
    const rules = { bannedWords: [{ word: 'cunt', match: 'substring' as const }, '시발'], exceptions: ['scunthorpe', '시발점'] };
    expect(judge('Scunthorpe', rules).verdict).toBe('publish');
    expect(judge('cunts', rules).verdict).toBe('reject');
    expect(judge('시발점에서 시발', rules).findings).toEqual([expect.objectContaining({ start: 6, end: 8, excerpt: '시발' })]);
  });

  test('rule set errors name every field', () => {
    try {
      parseRuleSet({ rules: { shouting: { maxCapitalShare: 2 }, flooding: { enabled: 'yes' } }, bannedWords: [{ word: 'x', match: 'fuzzy' }] });
      throw new Error('no error');
    } catch (err) {
      expect(err).toBeInstanceOf(RuleSetError);
      expect((err as RuleSetError).issues.map((i) => i.path).sort()).toEqual(['bannedWords.0', 'rules.flooding.enabled', 'rules.shouting.maxCapitalShare']);
    }
  });

  test('version 1 files still load: links as a string', () => {
    expect(parseRuleSet({ links: 'allow' }).rules.link.verdict).toBe('publish');
    expect(parseRuleSet({ links: 'reject' }).rules.link.verdict).toBe('reject');
  });
});

describe('building blocks for managing rules', () => {
  test('diffRuleSets lists changed fields and added/removed words', () => {
    const before = parseRuleSet({ bannedWords: ['fuck', '씨발'], rules: { link: { denyDomains: ['a.com'] } } });
    const after = parseRuleSet({ bannedWords: ['fuck', 'shit'], rules: { link: { verdict: 'reject', denyDomains: ['a.com'] }, shouting: { enabled: false } } });
    expect(diffRuleSets(before, after)).toEqual([
      { path: 'bannedWords', added: ['shit'], removed: ['씨발'] },
      { path: 'rules.link.verdict', before: 'review', after: 'reject' },
      { path: 'rules.shouting.enabled', before: true, after: false },
    ]);
    expect(diffRuleSets(before, before)).toEqual([]);
  });

  test('dryRun compares a draft with a hand-built history', () => {
    const history = [
      { id: '1', body: 'A calm remark.', status: 'published' as const },
      { id: '2', body: 'you idiot', status: 'in_review' as const },
      { id: '3', body: 'ㅅㅂ 진짜', status: 'published' as const }, // slipped through an older list
      { id: '4', body: 'fuck', status: 'rejected' as const },
      { id: '5', body: 'see www.example.com', status: 'in_review' as const },
    ];
    const draft = compileRuleSet({ bannedWords: ['fuck', 'ㅅㅂ'], suspectWords: [], links: 'allow' });
    const result = dryRun(draft, history, 1);
    expect(result).toMatchObject({
      total: 5,
      changed: 3,
      changes: { 'in_review→published': 2, 'published→rejected': 1 },
      actual: { published: 2, in_review: 2, rejected: 1 },
      draft: { published: 3, in_review: 0, rejected: 2 },
    });
    expect(result.examples.map((e) => [e.id, e.from, e.to, e.reason])).toEqual([
      ['2', 'in_review', 'published', null],
      ['3', 'published', 'rejected', 'banned_word'],
    ]);
    expect(result.examples[1]!.findings).toEqual([expect.objectContaining({ rule: 'banned_word', start: 0, end: 2, excerpt: 'ㅅㅂ' })]);
  });
});
