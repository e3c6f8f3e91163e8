import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { Article } from '../src/comments/article.entity.js';
import { Comment, type CommentStatus } from '../src/comments/comment.entity.js';
import { dedupeKey } from '../src/rules/normalise.js';
import type { Finding } from '../src/rules/types.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { reader } from './support/readers.js';

/** As the worker stores it with its decision. */
const textHash = (body: string) => createHash('sha256').update(dedupeKey(body)).digest('base64url').slice(0, 32);

describe.each(DATABASES)('dry run of a draft rule set, on %s', (kind) => {
  let t: TestApp;
  let admin: SignedInModerator;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // No worker: the history below is exactly what is stored.
    t = await startTestApp(kind, { RUN_WORKER: 'false' });
    admin = await moderator(t, 'admin');
    const [a, b, c] = await Promise.all([reader(t), reader(t), reader(t)]);
    const dataSource = t.app.get(DataSource);
    const base = Date.now() - 3600_000;
    await dataSource.getRepository(Article).insert({ id: `${kind}-history`, url: null, title: null, commentsOpen: true, moderationMode: null, publishedCount: 0, createdAt: new Date(base) });
    // name, commenter, minutes after base, text, what happened
    const history: Array<[string, string, number, string, CommentStatus, Finding[]?]> = [
      ['c1', a.id, 0, 'hello world, nice article', 'published'],
      ['c2', a.id, 1, 'zorblax is here', 'published'],
      ['c3', b.id, 2, 'what a zorblax take', 'in_review'],
      ['c4', b.id, 3, 'zorblax zorblax', 'rejected'],
      ['c5', c.id, 4, 'perfectly fine text', 'rejected'], // a moderator rejected it
      ['c6', c.id, 5, 'another fine one', 'published'],
      // the same text as c1 from the same commenter 6 minutes later: a duplicate
      ['c7', a.id, 6, 'Hello  world nice article!', 'in_review', [{ rule: 'duplicate_self', verdict: 'review', start: 0, end: 0, excerpt: '', detail: '1 earlier' }]],
      ['pending', c.id, 7, 'zorblax still waiting', 'pending'],
    ];
    for (const [name, commenterId, minutes, body, status, findings] of history) {
      ids[name] = uuidv7();
      const at = new Date(base + minutes * 60_000);
      await dataSource.getRepository(Comment).insert({
        id: ids[name],
        articleId: `${kind}-history`,
        commenterId,
        body,
        status,
        findings: findings ?? [],
        textHash: status === 'pending' ? null : textHash(body),
        createdAt: at,
        decidedAt: status === 'pending' ? null : at,
        publishedAt: status === 'published' ? at : null,
      });
    }
  });
  afterAll(() => t.close());

  const dryRun = async (body: unknown) => {
    const response = await admin.api.post('/api/moderation/rules/dry-run', body);
    expect(response.status).toBe(200);
    return response.json();
  };

  test('a draft that bans a word: counts per change and examples with their findings', async () => {
    const result = await dryRun({ ruleSet: { bannedWords: ['zorblax'] } });
    expect(result).toMatchObject({
      total: 7, // the pending comment is left out
      changed: 3,
      actual: { published: 3, in_review: 2, rejected: 2 },
      draft: { published: 3, in_review: 1, rejected: 3 },
      activeVersion: 1,
      diff: expect.arrayContaining([{ path: 'bannedWords', added: ['zorblax'], removed: expect.arrayContaining(['fuck', '씨발']) }]),
    });
    expect(result.changes).toEqual([
      { from: 'published', to: 'rejected', count: 1 },
      { from: 'in_review', to: 'rejected', count: 1 },
      // c5: a moderator rejected it; the rules alone would publish it
      { from: 'rejected', to: 'published', count: 1 },
    ]);
    expect(result.examples).toEqual([
      {
        id: ids.c2,
        body: 'zorblax is here',
        from: 'published',
        to: 'rejected',
        reason: 'banned_word',
        findings: [{ rule: 'banned_word', verdict: 'reject', start: 0, end: 7, excerpt: 'zorblax', detail: 'zorblax' }],
        prevented: [],
      },
      {
        id: ids.c3,
        body: 'what a zorblax take',
        from: 'in_review',
        to: 'rejected',
        reason: 'banned_word',
        findings: [{ rule: 'banned_word', verdict: 'reject', start: 7, end: 14, excerpt: 'zorblax', detail: 'zorblax' }],
        prevented: [],
      },
      { id: ids.c5, body: 'perfectly fine text', from: 'rejected', to: 'published', reason: null, findings: [], prevented: [] },
    ]);
    // c7 stays in review: the draft sees it repeats c1 (the duplicate facts are gathered as of its time)
    expect(result.examples.map((e: { id: string }) => e.id)).not.toContain(ids.c7);
  });

  test('the commenter history is as of each comment: a draft holding first comments for review', async () => {
    const result = await dryRun({ ruleSet: { rules: { new_commenter: { enabled: true, firstComments: 1 } } }, examples: 0 });
    expect(result).toMatchObject({ total: 7, changed: 3, draft: { published: 3, in_review: 4, rejected: 0 }, examples: [] });
    expect(result.changes).toEqual([
      { from: 'published', to: 'in_review', count: 1 }, // c1, A's first
      { from: 'rejected', to: 'published', count: 1 }, // c4, B's second, no word list in this draft
      { from: 'rejected', to: 'in_review', count: 1 }, // c5, C's first
    ]);
  });

  test('without the duplicate rule the repeated comment would be published; limit takes the newest', async () => {
    const noDuplicates = await dryRun({ ruleSet: { rules: { duplicate_self: { enabled: false } } }, limit: 3 });
    expect(noDuplicates).toMatchObject({ total: 3, changed: 2, actual: { published: 1, in_review: 1, rejected: 1 } });
    expect(noDuplicates.changes).toEqual([{ from: 'rejected', to: 'published', count: 1 }, { from: 'in_review', to: 'published', count: 1 }]);
    expect(noDuplicates.examples.map((e: { id: string }) => e.id)).toEqual([ids.c5, ids.c7]);
    expect(noDuplicates.from < noDuplicates.to).toBe(true);
  });

  test('errors: a bad draft names the field; limits are checked; moderators may not', async () => {
    const bad = await admin.api.post('/api/moderation/rules/dry-run', { ruleSet: { suspectWords: [{ word: 'x', match: 'glob' }] } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'suspectWords.0' });
    for (const [body, field] of [
      [{ ruleSet: {}, limit: 0 }, 'limit'],
      [{ ruleSet: {}, limit: 1_000_000 }, 'limit'],
      [{ ruleSet: {}, examples: -1 }, 'examples'],
      [{}, 'ruleSet'],
    ] as const) {
      const response = await admin.api.post('/api/moderation/rules/dry-run', body);
      expect(response.status).toBe(400);
      expect((await response.json()).field).toBe(field);
    }
    const mod = await moderator(t);
    expect((await mod.api.post('/api/moderation/rules/dry-run', { ruleSet: {} })).status).toBe(403);
  });
});

// The small dry runs above cover both databases' SQL; filling 10,000 comments is done once, on the newsroom's database.
describe.each(['postgres'] as const)('dry run over the default 10,000 comments, on %s', (kind) => {
  test('judges them with the shipped lists in a few seconds at most', async () => {
    const t = await startTestApp(kind, { RUN_WORKER: 'false' });
    try {
      const admin = await moderator(t, 'admin');
      const readers = await Promise.all(Array.from({ length: 5 }, () => reader(t)));
      const dataSource = t.app.get(DataSource);
      await dataSource.getRepository(Article).insert({ id: 'busy', url: null, title: null, commentsOpen: true, moderationMode: null, publishedCount: 0, createdAt: new Date() });
      const texts = ['이 기사 정말 좋네요 감사합니다 기자님', 'I think the budget plan is fine but the timing is off', 'what a shit take honestly', '시발 이게 뭐야', 'Visit casino.xyz now!', 'Call me at 010-1234-5678'];
      const base = Date.now() - 86_400_000;
      const rows = Array.from({ length: 10_500 }, (_, i) => {
        const body = texts[i % texts.length]!; // many copies of each text: the duplicate rules have work to do
        return { id: uuidv7(), articleId: 'busy', commenterId: readers[i % 5]!.id, body, status: (['published', 'in_review', 'rejected'] as const)[i % 3], findings: [], textHash: textHash(body), createdAt: new Date(base + i * 1000) };
      });
      for (let i = 0; i < rows.length; i += 500) await dataSource.getRepository(Comment).insert(rows.slice(i, i + 500));
      const { ruleSet } = await (await admin.api.get('/api/moderation/rules')).json();
      const response = await admin.api.post('/api/moderation/rules/dry-run', { ruleSet: { ...ruleSet, rules: { ...ruleSet.rules, new_commenter: { enabled: true } } } });
      expect(response.status).toBe(200);
      const result = await response.json();
      expect(result.total).toBe(10_000);
      expect(result.ms).toBeLessThan(5000); // about 0.7 s on the development machine
    } finally {
      await t.close();
    }
  }, 60_000);
});
