import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader, type Reader } from './support/readers.js';

// The rules that need facts from the database: the worker gathers them before the pure engine runs.
const RULES = {
  bannedWords: ['fuck'],
  suspectWords: ['idiot'],
  rules: {
    new_commenter: { enabled: true, firstComments: 1 },
    trust: { minApproved: 2, maxRejected: 0 },
    duplicate_self: { verdict: 'reject', windowSeconds: 600, minLength: 8 },
    duplicate_campaign: { verdict: 'review', windowSeconds: 600, minCommenters: 3, minLength: 20 },
  },
};

describe.each(DATABASES)('rules that use facts, on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify(RULES));
    t = await startTestApp(kind, { RULES_FILE: file });
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-${name}-${Date.now()}`;
  /** Posts, waits for the rules, and reads the decision as stored (readers only see reasons for rejections). */
  const say = async (r: Reader, articleId: string, body: string) => {
    const { id } = await (await post(r, articleId, { body })).json();
    await decided(r, id);
    const stored = await t.app.get(DataSource).getRepository(Comment).findOneByOrFail({ id });
    return { status: stored.status, reason: stored.decisionReason };
  };
  /** A reader past the new-commenter review (their first comment). */
  const regular = async () => {
    const r = await reader(t);
    expect(await say(r, article('first'), 'Hello, first time here.')).toMatchObject({ status: 'in_review', reason: 'new_commenter' });
    return r;
  };

  test('a new commenter’s first comment waits for review; the next is judged on its text', async () => {
    const r = await regular();
    expect(await say(r, article('next'), 'A second, perfectly fine comment.')).toMatchObject({ status: 'published' });
  });

  test('trust: enough approved history lifts suspect words, never banned ones', async () => {
    const r = await regular();
    expect(await say(r, article('trust'), 'you idiot')).toMatchObject({ status: 'in_review', reason: 'suspect_word' });
    await say(r, article('trust'), 'Good point about the budget.');
    // A moderator approves what waits: two approved comments in all.
    const mod = await moderator(t);
    for (const held of await t.app.get(DataSource).getRepository(Comment).findBy({ commenterId: r.id, status: 'in_review' })) {
      expect((await mod.api.post(`/api/moderation/comments/${held.id}/approve`, {})).status).toBe(200);
    }
    expect(await say(r, article('trust'), 'you idiot, again')).toMatchObject({ status: 'published' });
    expect(await say(r, article('trust'), 'fuck that')).toMatchObject({ status: 'rejected', reason: 'banned_word' });
  });

  test('the history the rules read is kept in step with every status change, by the rules and by moderators', async () => {
    const r = await regular();
    const id = article('counts');
    const held = await say(r, id, 'you idiot');
    expect(held.status).toBe('in_review');
    await say(r, id, 'fuck this');
    await say(r, id, 'A calm and reasonable reply.');
    const mod = await moderator(t);
    const repo = t.app.get(DataSource).getRepository(Comment);
    const [waiting] = await repo.findBy({ commenterId: r.id, status: 'in_review' });
    expect((await mod.api.post(`/api/moderation/comments/${waiting!.id}/approve`, {})).status).toBe(200);
    const [published] = await repo.findBy({ commenterId: r.id, status: 'published', body: 'A calm and reasonable reply.' });
    expect((await mod.api.post(`/api/moderation/comments/${published!.id}/reject`, { reason: 'other', expectedStatus: 'published' })).status).toBe(200);

    const stored = await repo.findBy({ commenterId: r.id });
    const counts = await t.app
      .get(DataSource)
      .query(`SELECT comment_count, published_count, rejected_count FROM commenters WHERE id = ${kind === 'postgres' ? '$1' : '?'}`, [r.id]);
    expect(counts.map((c: Record<string, unknown>) => [Number(c.comment_count), Number(c.published_count), Number(c.rejected_count)])).toEqual([
      [stored.filter((c) => c.status !== 'pending').length, stored.filter((c) => c.status === 'published').length, stored.filter((c) => c.status === 'rejected').length],
    ]);
  });

  test('the same normalised text twice from one commenter is a duplicate', async () => {
    const r = await regular();
    const id = article('dup');
    expect(await say(r, id, 'Exactly my thoughts on the matter.')).toMatchObject({ status: 'published' });
    expect(await say(r, id, 'EXACTLY my thoughts   on the matter!!')).toMatchObject({ status: 'rejected', reason: 'duplicate_self' });
    const stored = await t.app.get(DataSource).getRepository(Comment).findBy({ commenterId: r.id });
    expect(stored.filter((c) => c.textHash).length).toBe(stored.length);
  });

  test('the same text from several commenters within the window is a campaign', async () => {
    const [a, b, c] = [await regular(), await regular(), await regular()];
    const id = article('campaign');
    expect(await say(a, id, 'Vote for Kim, the only honest choice in this election!')).toMatchObject({ status: 'published' });
    expect(await say(b, id, 'vote for kim - the only honest choice in this election')).toMatchObject({ status: 'published' });
    expect(await say(c, id, 'VOTE FOR KIM, the only honest choice in this election.')).toMatchObject({ status: 'in_review', reason: 'duplicate_campaign' });
  });
});
