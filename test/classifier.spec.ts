import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { guessLanguage, parseAnswer, type ClassifierResult } from '../src/integrations/classifier/answer.js';
import { MAX_EXTERNAL_FINDINGS, mergeExternal } from '../src/integrations/classifier/merge.js';
import { compileRuleSet, evaluate } from '../src/rules/engine.js';
import { texts } from '../src/dashboard/client/i18n.js';
import type { Decision } from '../src/rules/types.js';

const compiled = compileRuleSet({ mode: 'auto', bannedWords: ['fuck'], suspectWords: ['idiot'], links: 'review' });
const rules = (body: string): Decision => evaluate({ body }, {}, compiled);
const answer = (a: object): ClassifierResult => {
  const result = parseAnswer(JSON.stringify(a));
  if (result.outcome !== 'ok') throw new Error(`not an answer: ${result.detail}`);
  return result;
};
const merge = (body: string, result: ClassifierResult, required = false) => mergeExternal(rules(body), result, body, required);

describe('merging the outside classifier with the rules', () => {
  test('publish on publish: published, no reason, no findings added', () => {
    expect(merge('A calm reply.', answer({ verdict: 'publish' }))).toEqual({ verdict: 'publish', reason: null, findings: [] });
  });

  test('the strictest verdict wins, with the classifier’s reason when its verdict won', () => {
    const held = merge('A calm reply.', answer({ verdict: 'review', reason: 'toxicity', score: 0.71 }));
    expect(held).toMatchObject({ verdict: 'review', reason: 'toxicity' });
    expect(held.findings).toEqual([{ rule: 'external', verdict: 'review', start: 0, end: 0, excerpt: '', detail: 'toxicity · score 0.71' }]);
    expect(merge('you idiot', answer({ verdict: 'reject', reason: 'abuse' }))).toMatchObject({ verdict: 'reject', reason: 'abuse' });
  });

  test('a milder answer does not lift the rules: their verdict and reason stay, the findings are added', () => {
    const merged = merge('you idiot', answer({ verdict: 'publish', score: 0.1 }));
    expect(merged).toMatchObject({ verdict: 'review', reason: 'suspect_word' });
    expect(merged.findings.map((f) => f.rule)).toEqual(['suspect_word', 'external']);
  });

  test('on a tie the rules’ reason stays', () => {
    expect(merge('you idiot', answer({ verdict: 'review', reason: 'insult' }))).toMatchObject({ verdict: 'review', reason: 'suspect_word' });
  });

  test('banned words are never lifted: a rules’ reject comes back as it was, whatever the answer', () => {
    const decision = rules('fuck this');
    expect(mergeExternal(decision, answer({ verdict: 'publish' }), 'fuck this', false)).toBe(decision);
    expect(mergeExternal(decision, { outcome: 'timeout', detail: 'no answer within 500 ms' }, 'fuck this', true)).toBe(decision);
  });

  test('a reason that is not a short code is kept as words in the finding; the decision’s reason is `external`', () => {
    const merged = merge('A calm reply.', answer({ verdict: 'reject', reason: 'Contains a slur against a group' }));
    expect(merged.reason).toBe('external');
    expect(merged.findings[0]!.detail).toBe('Contains a slur against a group');
    expect(merge('A calm reply.', answer({ verdict: 'review' })).reason).toBe('external');
  });

  test('findings keep their spans when they fit the text (UTF-16 offsets), else they are about the whole comment', () => {
    const body = '기사 잘 봤어요 😀 but you are a clown';
    const start = body.indexOf('clown');
    const merged = merge(body, answer({ verdict: 'review', findings: [{ label: 'insult', start, end: start + 5, score: 0.9123 }, { label: 'odd', start: 3, end: 999 }, { label: 'reversed', start: 5, end: 2 }] }));
    expect(merged.findings.slice(1)).toEqual([
      { rule: 'external', verdict: 'review', start, end: start + 5, excerpt: 'clown', detail: 'insult 0.912' },
      { rule: 'external', verdict: 'review', start: 0, end: 0, excerpt: '', detail: 'odd' },
      { rule: 'external', verdict: 'review', start: 0, end: 0, excerpt: '', detail: 'reversed' },
    ]);
  });

  test('findings are bounded: at most 20 from the classifier, labels and details cut', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({ label: `label-${i}-${'x'.repeat(1000)}` }));
    const merged = merge('A calm reply.', answer({ verdict: 'review', reason: 'r'.repeat(5000), findings: many }));
    expect(merged.findings).toHaveLength(MAX_EXTERNAL_FINDINGS);
    for (const f of merged.findings) expect(f.detail!.length).toBeLessThanOrEqual(160);
    expect(merged.findings[1]!.detail).toMatch(/^label-0-x+…$/);
    expect(merged.findings[1]!.detail!.length).toBe(64);
    expect(merged.reason).toBe('external');
  });

  test('unavailable: the rules decide alone, with an external_unavailable finding saying why', () => {
    const merged = merge('A calm reply.', { outcome: 'timeout', detail: 'no answer within 500 ms' });
    expect(merged).toEqual({
      verdict: 'publish',
      reason: null,
      findings: [{ rule: 'external_unavailable', verdict: 'publish', start: 0, end: 0, excerpt: '', detail: 'timeout: no answer within 500 ms' }],
    });
    expect(merge('you idiot', { outcome: 'error', detail: 'HTTP 500' })).toMatchObject({ verdict: 'review', reason: 'suspect_word' });
  });

  test('unavailable and required: held for review, saying the classifier was unavailable', () => {
    const merged = merge('A calm reply.', { outcome: 'malformed', detail: 'not JSON' }, true);
    expect(merged).toMatchObject({ verdict: 'review', reason: 'external_unavailable' });
    expect(merged.findings).toEqual([{ rule: 'external_unavailable', verdict: 'review', start: 0, end: 0, excerpt: '', detail: 'malformed: not JSON' }]);
    // Already held by the rules: their reason says more.
    expect(merge('you idiot', { outcome: 'error', detail: 'ECONNREFUSED' }, true)).toMatchObject({ verdict: 'review', reason: 'suspect_word' });
  });
});

describe('reading the classifier’s answer', () => {
  test.each([
    ['not JSON', '<html>502 Bad Gateway</html>', 'not JSON'],
    ['no verdict', '{"score":0.2}', /^verdict: /],
    ['an unknown verdict', '{"verdict":"maybe"}', /^verdict: /],
    ['a verdict of the wrong type', '{"verdict":1}', /^verdict: /],
    ['findings not a list', '{"verdict":"publish","findings":"none"}', /^findings: /],
    ['a finding without a label', '{"verdict":"review","findings":[{"start":0,"end":2}]}', /^findings\.0\.label: /],
    ['a span that is not a whole number', '{"verdict":"review","findings":[{"label":"x","start":0.5,"end":2}]}', /^findings\.0\.start: /],
    ['a score that is text', '{"verdict":"review","score":"high"}', /^score: /],
    ['an array', '[]', /^answer: /],
    ['null', 'null', /^answer: /],
  ])('%s is malformed', (_what, text, detail) => {
    const result = parseAnswer(text);
    expect(result.outcome).toBe('malformed');
    expect((result as { detail: string }).detail).toMatch(detail);
  });

  test('null and missing optional fields are fine; unknown fields are ignored', () => {
    expect(parseAnswer('{"verdict":"publish","reason":null,"findings":null,"score":null,"model":"kobert-v3"}')).toEqual({
      outcome: 'ok',
      answer: { verdict: 'publish', reason: null, findings: null, score: null },
    });
  });
});

describe('the dashboard', () => {
  test('names the step’s findings in Korean and English', () => {
    expect(texts('en').ruleNames.external_unavailable).toBe('Outside classifier unavailable');
    expect(texts('ko').ruleNames.external).toBe('외부 분류기');
  });
});

describe('the language sent', () => {
  test('Hangul (syllables or jamo) says ko; anything else en', () => {
    expect(guessLanguage('좋은 기사네요')).toBe('ko');
    expect(guessLanguage('ㅋㅋㅋ nice')).toBe('ko');
    expect(guessLanguage('A calm reply.')).toBe('en');
    expect(guessLanguage('😀😀')).toBe('en');
  });
});

describe('EXTERNAL_MODERATION_* settings', () => {
  const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'classifier-config-')), ...env });
  const production = { NODE_ENV: 'production', AUTH_SECRET: 'Zq3v9Lr2Xp8Tn4Wk7Hb1Jd6Fs0Gm5Yc2Qe8Ua3Ri9Oo', PUBLIC_URL: 'https://c.example.com', METRICS_PUBLIC: 'true' };

  test('unset: the step is off', () => {
    expect(load({}).externalModeration).toBeNull();
  });

  test('set: the URL, the secret, a 500 ms timeout by default, not required', () => {
    expect(load({ EXTERNAL_MODERATION_URL: 'http://classifier:8000/v1/classify', EXTERNAL_MODERATION_SECRET: 's'.repeat(32) }).externalModeration).toEqual({
      url: 'http://classifier:8000/v1/classify',
      secret: 's'.repeat(32),
      timeoutMs: 500,
      required: false,
    });
    expect(load({ EXTERNAL_MODERATION_URL: 'https://c.example/x', EXTERNAL_MODERATION_TIMEOUT_MS: '250', EXTERNAL_MODERATION_REQUIRED: 'true' }).externalModeration).toMatchObject({
      timeoutMs: 250,
      required: true,
    });
  });

  test.each([
    [{ EXTERNAL_MODERATION_URL: 'classifier:8000' }, /^Invalid configuration: EXTERNAL_MODERATION_URL must be an absolute http\(s\) URL/],
    [{ EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_TIMEOUT_MS: 'fast' }, /EXTERNAL_MODERATION_TIMEOUT_MS must be a whole number/],
    [{ EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_TIMEOUT_MS: '120000' }, /EXTERNAL_MODERATION_TIMEOUT_MS must be at most 60000/],
    [{ EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_REQUIRED: 'always' }, /EXTERNAL_MODERATION_REQUIRED must be true or false/],
    [{ ...production, EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_SECRET: 'short' }, /EXTERNAL_MODERATION_SECRET of at least 16 characters is required in production/],
    [{ EXTERNAL_MODERATION_REQUIRED: 'true' }, /EXTERNAL_MODERATION_REQUIRED=true needs EXTERNAL_MODERATION_URL/],
    [{ ...production, EXTERNAL_MODERATION_URL: 'http://c/x' }, /EXTERNAL_MODERATION_SECRET of at least 16 characters is required in production when EXTERNAL_MODERATION_URL is set/],
  ])('%j is refused with one line', (env, message) => {
    expect(() => load(env)).toThrow(message);
  });

  test('outside production a short secret is taken (a test classifier checks what it likes)', () => {
    expect(load({ EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_SECRET: 'short' }).externalModeration?.secret).toBe('short');
  });

  test('in production with a secret it starts', () => {
    expect(load({ ...production, EXTERNAL_MODERATION_URL: 'http://c/x', EXTERNAL_MODERATION_SECRET: 'k'.repeat(24) }).externalModeration?.secret).toBe('k'.repeat(24));
  });
});
