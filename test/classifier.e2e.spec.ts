import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { verifySignature } from '../src/integrations/signature.js';
import { ModerateComment } from '../src/moderation/worker/moderate-comment.js';
import { startTestApp, type TestApp } from './support/app.js';
import { answers, FakeClassifier, late, type Behaviour } from './support/fake-classifier.js';
import { decided, post, reader, type Reader } from './support/readers.js';

// The step adds no SQL of its own (two more columns in the worker's read): PostgreSQL only.
const SECRET = 'classifier-secret-for-tests-0123456789';
// Long enough that a busy machine's local answer always arrives; the two "late" tests wait this out.
const TIMEOUT_MS = 1000;
/** Every test's reader posts more than the flood limit allows in a minute. */
const env = { EXTERNAL_MODERATION_SECRET: SECRET, EXTERNAL_MODERATION_TIMEOUT_MS: String(TIMEOUT_MS), COMMENT_RATE_LIMIT: '1000' };

const classifier = new FakeClassifier();
beforeAll(() => classifier.listen());
afterAll(() => classifier.close());

/** Failures the step must survive, each as the classifier behaves (or is not there at all). */
const FAILURES: Array<[string, Behaviour | 'refused', RegExp]> = [
  ['answers late (beyond the timeout)', late, /^timeout: no answer within 1000 ms$/],
  ['fails with 500', (res) => res.writeHead(500).end('upstream model crashed'), /^error: HTTP 500$/],
  ['is not there (connection refused)', 'refused', /^error: ECONNREFUSED$/],
  ['answers something that is not JSON', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>It works</h1>'), /^malformed: not JSON$/],
  ['answers JSON of the wrong shape', answers({ verdict: 'ok', toxicity: 0.2 }), /^malformed: verdict: /],
  [
    'answers a huge body (no length given)',
    (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"verdict":"publish","reason":"${'x'.repeat(100 * 1024)}`);
      res.end('"}');
    },
    /^malformed: answer over 64 KB$/,
  ],
];

async function stored(t: TestApp, id: string) {
  return t.app.get(DataSource).getRepository(Comment).findOneByOrFail({ id });
}

/** Posts a comment, waits for moderation and returns it as stored (reason and findings). */
async function moderated(t: TestApp, r: Reader, articleId: string, body: string, extra: object = {}) {
  const response = await post(r, articleId, { body, ...extra });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  await decided(r, id);
  return stored(t, id);
}

/** Runs one failure: the classifier misbehaves (or is gone) for this comment only. */
async function failing(t: TestApp, r: Reader, behaviour: Behaviour | 'refused', what: string) {
  if (behaviour === 'refused') await classifier.refuse();
  else classifier.behave = behaviour;
  try {
    // A text of its own each time: the same one twice would be held as a duplicate.
    return await moderated(t, r, `classifier-failure-${Date.now()}`, `A calm comment, while the classifier ${what}.`);
  } finally {
    if (behaviour === 'refused') await classifier.listen();
    classifier.behave = answers({ verdict: 'publish' });
  }
}

describe('the outside classifier as a moderation step, on postgres', () => {
  let t: TestApp;
  let r: Reader;
  beforeAll(async () => {
    t = await startTestApp('postgres', { ...env, EXTERNAL_MODERATION_URL: classifier.url });
    r = await reader(t);
  });
  afterAll(() => t.close());
  afterEach(() => (classifier.behave = answers({ verdict: 'publish' })));

  test('publish: published, as the rules would', async () => {
    const c = await moderated(t, r, 'classifier-publish', 'A calm comment about the budget.');
    expect(c).toMatchObject({ status: 'published', decisionReason: null, findings: [] });
    expect(classifier.for(c.id)).toHaveLength(1);
  });

  test('review: held, with the classifier’s reason and its findings (spans on the text) tagged external', async () => {
    classifier.behave = answers({ verdict: 'review', reason: 'toxicity', score: 0.82, findings: [{ label: 'insult', start: 10, end: 16, score: 0.9 }] });
    const c = await moderated(t, r, 'classifier-review', 'You are a turnip, minister.');
    expect(c).toMatchObject({ status: 'in_review', decisionReason: 'toxicity' });
    expect(c.findings).toEqual([
      { rule: 'external', verdict: 'review', start: 0, end: 0, excerpt: '', detail: 'toxicity · score 0.82' },
      { rule: 'external', verdict: 'review', start: 10, end: 16, excerpt: 'turnip', detail: 'insult 0.9' },
    ]);
  });

  test('reject: rejected; the rules’ milder verdict does not soften it', async () => {
    classifier.behave = answers({ verdict: 'reject', reason: 'abuse' });
    const c = await moderated(t, r, 'classifier-reject', 'Visit https://example.com for the truth');
    expect(c).toMatchObject({ status: 'rejected', decisionReason: 'abuse' });
    expect(c.findings!.map((f) => f.rule)).toEqual(['link', 'external']);
    // The author reads the reason in words, like a moderator's.
    expect(((await (await r.api.get(`/api/comments/${c.id}`)).json()) as { reason: string }).reason).toBe('abuse');
  });

  test('a publish answer does not lift the rules’ review', async () => {
    const c = await moderated(t, r, 'classifier-no-lift', 'Read https://example.com/report first');
    expect(c).toMatchObject({ status: 'in_review', decisionReason: 'link' });
  });

  test('a comment the rules reject (banned word) is not sent at all', async () => {
    const before = classifier.received.length;
    const c = await moderated(t, r, 'classifier-banned', 'fuck this government');
    expect(c).toMatchObject({ status: 'rejected', decisionReason: 'banned_word' });
    expect(classifier.received).toHaveLength(before);
  });

  test('the request is signed and carries the documented fields', async () => {
    const author = await reader(t);
    const articleId = `classifier-fields-${Date.now()}`;
    const top = await moderated(t, author, articleId, 'First, a calm comment.', { articleUrl: 'https://news.example.com/a/1', articleTitle: '예산안 통과' });
    const reply = await moderated(t, author, articleId, '좋은 지적입니다, 동의해요.', { parentId: top.id });
    const [sent] = classifier.for(reply.id);
    expect(sent!.headers['content-type']).toBe('application/json');
    expect(verifySignature(sent!.headers['x-comments-signature'] as string, sent!.raw, SECRET)).toEqual({ ok: true });
    expect(verifySignature(sent!.headers['x-comments-signature'] as string, sent!.raw, 'another-secret-0123456789')).toEqual({ ok: false, reason: 'mismatch' });
    expect(sent!.json).toEqual({
      id: reply.id,
      body: '좋은 지적입니다, 동의해요.',
      language: 'ko',
      article: { id: articleId, url: 'https://news.example.com/a/1', title: '예산안 통과' },
      author: { id: author.id, history: { total: 1, published: 1, rejected: 0 } },
      parentId: top.id,
    });
    expect(classifier.for(top.id)[0]!.json).toMatchObject({ language: 'en', author: { history: { total: 0, published: 0, rejected: 0 } } });
    expect(classifier.for(top.id)[0]!.json).not.toHaveProperty('parentId');
    // One kept-alive connection for both calls.
    expect(sent!.remotePort).toBe(classifier.for(top.id)[0]!.remotePort);
  });

  test('a job for a comment already decided does not call the classifier', async () => {
    const c = await moderated(t, r, 'classifier-decided', 'Already decided once.');
    expect(await t.app.get(ModerateComment).run(c.id)).toBe('already-decided');
    expect(classifier.for(c.id)).toHaveLength(1);
  });

  test.each(FAILURES)('when it %s the rules decide alone, with an external_unavailable finding', async (what, behaviour, detail) => {
    const c = await failing(t, r, behaviour, what);
    expect(c).toMatchObject({ status: 'published', decisionReason: null });
    expect(c.findings).toEqual([{ rule: 'external_unavailable', verdict: 'publish', start: 0, end: 0, excerpt: '', detail: expect.stringMatching(detail) }]);
  });

  test('/metrics counts the calls by outcome, and their time', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('comments_external_moderation_total{outcome="timeout"}')).toBe(1);
    expect(value('comments_external_moderation_total{outcome="error"}')).toBe(2);
    expect(value('comments_external_moderation_total{outcome="malformed"}')).toBe(3);
    const ok = value('comments_external_moderation_total{outcome="ok"}');
    expect(ok).toBeGreaterThanOrEqual(7);
    expect(value('comments_external_moderation_seconds_count')).toBe(ok + 6);
  });
});

describe('EXTERNAL_MODERATION_REQUIRED=true, on postgres', () => {
  let t: TestApp;
  let r: Reader;
  beforeAll(async () => {
    t = await startTestApp('postgres', { ...env, EXTERNAL_MODERATION_URL: classifier.url, EXTERNAL_MODERATION_REQUIRED: 'true' });
    r = await reader(t);
  });
  afterAll(() => t.close());

  test.each(FAILURES)('when it %s the comment is held for review', async (what, behaviour, detail) => {
    const c = await failing(t, r, behaviour, what);
    expect(c).toMatchObject({ status: 'in_review', decisionReason: 'external_unavailable' });
    expect(c.findings).toEqual([{ rule: 'external_unavailable', verdict: 'review', start: 0, end: 0, excerpt: '', detail: expect.stringMatching(detail) }]);
  });

  test('an answer still decides as usual', async () => {
    const c = await moderated(t, r, 'classifier-required-ok', 'A calm comment, answered.');
    expect(c).toMatchObject({ status: 'published', decisionReason: null, findings: [] });
  });
});
