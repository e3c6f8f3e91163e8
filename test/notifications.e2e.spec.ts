import { Sql } from '../src/db/sql.js';
import { Transactions } from '../src/db/transactions.js';
import { KEPT_PER_READER, TRIM_SLACK, notifyDecisions } from '../src/readers/notifications/notification-writes.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

interface Notice {
  id: string;
  type: string;
  commentId: string | null;
  articleId: string | null;
  articleUrl: string | null;
  link: string | null;
  at: string;
  read: boolean;
  reason?: string | null;
  actor?: { displayName: string } | null;
}

interface Page {
  items: Notice[];
  nextCursor: string | null;
  unread: number;
}

let remarks = 0;
// Distinct words each time: the same text twice from one reader is held by the duplicate rule.
const WORDS = ['harbour', 'budget', 'schools', 'summit', 'trade', 'election', 'rail', 'parks', 'housing', 'rivers', 'museums'];
const remark = () => `A calm remark on the ${WORDS[remarks % 11]} and the ${WORDS[Math.floor(remarks++ / 11) % 11]} plans`;

describe.each(DATABASES)('notifications on %s', (kind) => {
  let t: TestApp;
  let mod: SignedInModerator;
  let articles = 0;
  const article = () => `${kind}-notify-${++articles}-${Date.now() % 1e6}`;

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000' });
    mod = await moderator(t);
  });
  afterAll(() => t.close());

  const notifications = async (r: Reader, query = ''): Promise<Page> => {
    const response = await r.api.get(`/api/me/notifications${query}`);
    expect(response.status).toBe(200);
    return response.json();
  };
  const ofType = async (r: Reader, type: string) => (await notifications(r, '?limit=50')).items.filter((n) => n.type === type);

  /** A comment (a reply with parentId), decided by the rules; its id. */
  async function comment(r: Reader, articleId: string, extra: Record<string, unknown> = {}, body = remark()): Promise<string> {
    const response = await post(r, articleId, { body, articleUrl: `https://news.example/${articleId}`, ...extra });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    await decided(r, id);
    return id;
  }

  test('a published reply tells the author of the comment it answers: who, where, with a link to the comment', async () => {
    const [alice, bob, carol] = await Promise.all([reader(t, 'Alice Kim'), reader(t, 'Bob Lee'), reader(t, 'Carol Park')]);
    const a = article();
    const top = await comment(alice, a);
    const reply = await comment(bob, a, { parentId: top });
    const [told] = await ofType(alice, 'reply');
    expect(told).toEqual({
      id: expect.any(String),
      type: 'reply',
      commentId: reply,
      articleId: a,
      articleUrl: `https://news.example/${a}`,
      link: `https://news.example/${a}#comment-${reply}`,
      at: expect.any(String),
      read: false,
      actor: { displayName: 'Bob Lee' },
    });
    // A reply to Bob's reply tells Bob (whom it answers), not Alice again.
    const answer = await comment(carol, a, { parentId: reply });
    expect((await ofType(bob, 'reply')).map((n) => n.commentId)).toEqual([answer]);
    expect((await ofType(alice, 'reply')).map((n) => n.commentId)).toEqual([reply]);
    expect(await ofType(carol, 'reply')).toEqual([]);
  });

  test('no notification for a reply to yourself, a rejected reply, a muted replier, or when the reader turned replies off', async () => {
    const [alice, bob, carol, dave] = await Promise.all([reader(t), reader(t), reader(t), reader(t)]);
    const a = article();
    const top = await comment(alice, a);
    await comment(alice, a, { parentId: top }); // to herself
    await comment(bob, a, { parentId: top }, 'What a fucking disgrace'); // rejected by the rules
    expect((await alice.api.post(`/api/me/muted/${carol.id}`)).status).toBeLessThan(300);
    await comment(carol, a, { parentId: top });
    const off = await alice.api.put('/api/me/preferences', { notifications: { reply: false } });
    expect(off.status).toBe(200);
    await comment(dave, a, { parentId: top });
    expect(await ofType(alice, 'reply')).toEqual([]);
    // Turned on again, the next reply is told.
    await alice.api.put('/api/me/preferences', { notifications: { reply: true } });
    const told = await comment(dave, a, { parentId: top });
    expect((await ofType(alice, 'reply')).map((n) => n.commentId)).toEqual([told]);
  });

  test('published, rejected (with the reason), featured and warning notifications', async () => {
    const r = await reader(t);
    const a = article();
    const good = await comment(r, a);
    const bad = await comment(r, a, {}, 'What a fucking disgrace');
    expect((await mod.api.post(`/api/moderation/comments/${good}/feature`, {})).status).toBe(200);
    const warned = await mod.api.post(`/api/moderation/commenters/${r.id}/warn`, { message: 'Please keep it civil.' });
    expect(warned.status).toBe(201);

    const { items, unread } = await notifications(r);
    expect(unread).toBe(4);
    expect(items.map((n) => [n.type, n.commentId])).toEqual([
      ['warning', null],
      ['featured', good],
      ['rejected', bad],
      ['published', good],
    ]);
    expect(items.find((n) => n.type === 'rejected')).toMatchObject({ reason: 'banned_word', articleId: a });
    // A moderator taking the published comment down tells its author why.
    expect((await mod.api.post(`/api/moderation/comments/${good}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
    expect((await ofType(r, 'rejected')).map((n) => [n.commentId, n.reason])).toEqual([
      [good, 'abuse'],
      [bad, 'banned_word'],
    ]);
  });

  test('a type turned off makes no notification; preferences: all on by default, PUT validates the shape', async () => {
    const r = await reader(t);
    expect(await (await r.api.get('/api/me/preferences')).json()).toEqual({ notifications: { reply: true, published: true, rejected: true, featured: true, warning: true }, email: { reply: 'immediate', published: 'off', rejected: 'immediate', featured: 'immediate', warning: 'immediate' } });
    const put = await r.api.put('/api/me/preferences', { notifications: { published: false } });
    expect(await put.json()).toEqual({ notifications: { reply: true, published: false, rejected: true, featured: true, warning: true }, email: { reply: 'immediate', published: 'off', rejected: 'immediate', featured: 'immediate', warning: 'immediate' } });
    await comment(r, article());
    expect(await ofType(r, 'published')).toEqual([]);

    for (const body of [{ notifications: { mail: true } }, { notifications: { reply: 'yes' } }, { other: {} }, { notifications: [] }, []]) {
      const refused = await r.api.put('/api/me/preferences', body);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String) });
    }
    expect((await (await r.api.get('/api/me/preferences')).json()).notifications.published).toBe(false);
    expect((await new (await import('./support/browser.js')).Browser(t.url).get('/api/me/preferences')).status).toBe(401);
  });

  test('read {ids} (only the reader’s own) and {all: true} answer the unread count; bad bodies are 400', async () => {
    const [r, other] = await Promise.all([reader(t), reader(t)]);
    const a = article();
    for (let i = 0; i < 3; i++) await comment(r, a);
    await comment(other, a);
    const { items, unread } = await notifications(r);
    expect(unread).toBe(3);
    const theirs = (await notifications(other)).items[0]!;

    const one = await r.api.post('/api/me/notifications/read', { ids: [items[0]!.id, theirs.id, '999999'] });
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ unread: 2 });
    expect((await notifications(r)).items.map((n) => n.read)).toEqual([true, false, false]);
    expect((await notifications(other)).unread).toBe(1); // someone else's id changed nothing

    for (const body of [{}, { ids: [] }, { ids: ['abc'] }, { ids: Array.from({ length: 101 }, (_, i) => String(i + 1)) }, { all: false }, { all: true, ids: [] }, 'x']) {
      const refused = await r.api.post('/api/me/notifications/read', body);
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toBe('VALIDATION_FAILED');
    }
    const all = await r.api.post('/api/me/notifications/read', { all: true });
    expect(await all.json()).toEqual({ unread: 0 });
    expect((await notifications(r)).items.every((n) => n.read)).toBe(true);
  });

  test('pages newest first with an opaque cursor; bad limit or cursor → 400 VALIDATION_FAILED', async () => {
    const r = await reader(t);
    const a = article();
    for (let i = 0; i < 5; i++) await comment(r, a);
    const first = await notifications(r, '?limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.unread).toBe(5);
    const second = await notifications(r, `?limit=2&cursor=${first.nextCursor}`);
    const third = await notifications(r, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items, ...third.items].map((n) => Number(n.id));
    expect(ids).toHaveLength(5);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);
    expect((await notifications(r)).items.map((n) => Number(n.id))).toEqual(ids);

    for (const query of ['?limit=0', '?limit=51', '?limit=abc', '?cursor=nope!', '?cursor=bjEyMzQ1Njc4OTAxMjM0', '?cursor=eA']) {
      const refused = await r.api.get(`/api/me/notifications${query}`);
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', field: query.includes('limit') ? 'limit' : 'cursor' });
    }
  });

  test('idempotent: a retried decision or a reversed one never notifies twice', async () => {
    const [alice, bob] = await Promise.all([reader(t), reader(t)]);
    const a = article();
    const top = await comment(alice, a);
    const reply = await comment(bob, a, { parentId: top });
    // The job retried after its transaction committed writes the same rows again: nothing new.
    const sql = t.app.get(Sql);
    await t.app.get(Transactions).run((manager) => notifyDecisions(sql, manager, [top, reply], new Date()));
    // Taken down and published again: no second `published`, no second `reply`.
    expect((await mod.api.post(`/api/moderation/comments/${reply}/reject`, { reason: 'other', expectedStatus: 'published' })).status).toBe(200);
    expect((await mod.api.post(`/api/moderation/comments/${reply}/approve`, { expectedStatus: 'rejected' })).status).toBe(200);
    expect((await ofType(alice, 'reply')).map((n) => n.commentId)).toEqual([reply]);
    expect((await ofType(bob, 'published')).map((n) => n.commentId)).toEqual([reply]);
    expect((await ofType(alice, 'published')).map((n) => n.commentId)).toEqual([top]);
  });

  test(`a reader keeps about their newest ${KEPT_PER_READER}: the rules' batches add, the reader's next look trims`, async () => {
    const r = await reader(t);
    const sql = t.app.get(Sql);
    const old = Array.from({ length: KEPT_PER_READER + TRIM_SLACK + 10 }, (_, i) => i);
    for (let i = 0; i < old.length; i += 100) {
      const chunk = old.slice(i, i + 100);
      await sql.run(
        `INSERT INTO notifications (reader_id, type, event_key, created_at) VALUES ${chunk.map((_, j) => `($1, 'warning', $${j + 3}, $2)`).join(', ')}`,
        [r.id, sql.timeParam(new Date()), ...chunk.map((n) => `old:${n}`)],
      );
    }
    const id = await comment(r, article());
    const count = async () => Number((await sql.rows<{ n: unknown }>('SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1', [r.id]))[0]!.n);
    // The rules' batch statement does not trim (it would walk every recipient's newest rows).
    expect(await count()).toBe(old.length + 1);
    const { items, unread } = await notifications(r, '?limit=1');
    expect(items[0]).toMatchObject({ type: 'published', commentId: id });
    expect(await count()).toBe(KEPT_PER_READER);
    expect(unread).toBe(KEPT_PER_READER);
    const [oldest] = await sql.rows<{ event_key: string }>('SELECT event_key FROM notifications WHERE reader_id = $1 ORDER BY id LIMIT 1', [r.id]);
    expect(Number(oldest!.event_key.slice(4))).toBe(old.length - KEPT_PER_READER + 1);
  });

  test(`a moderator's decision trims its reader at once`, async () => {
    const r = await reader(t);
    const sql = t.app.get(Sql);
    const old = Array.from({ length: KEPT_PER_READER + 10 }, (_, i) => i);
    for (let i = 0; i < old.length; i += 100) {
      const chunk = old.slice(i, i + 100);
      await sql.run(
        `INSERT INTO notifications (reader_id, type, event_key, created_at) VALUES ${chunk.map((_, j) => `($1, 'warning', $${j + 3}, $2)`).join(', ')}`,
        [r.id, sql.timeParam(new Date()), ...chunk.map((n) => `old:${n}`)],
      );
    }
    const id = await comment(r, article());
    await t.app.get(Transactions).run((manager) => sql.run("DELETE FROM notifications WHERE reader_id = $1 AND type = 'published'", [r.id], manager));
    await t.app.get(Transactions).run((manager) => notifyDecisions(sql, manager, [id], new Date()));
    const [{ n }] = await sql.rows<{ n: unknown }>('SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1', [r.id]);
    expect(Number(n)).toBe(KEPT_PER_READER);
  });

  test('the bell poll: unread with a weak ETag, 304 while nothing changed', async () => {
    const r = await reader(t);
    const empty = await r.api.get('/api/me/notifications/unread');
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ unread: 0 });
    const etag = empty.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    expect(empty.headers.get('cache-control')).toBe('private, no-cache');
    expect((await r.api.get('/api/me/notifications/unread', { 'if-none-match': etag })).status).toBe(304);
    await comment(r, article());
    const changed = await waitFor(async () => {
      const response = await r.api.get('/api/me/notifications/unread', { 'if-none-match': etag });
      return response.status === 200 && response;
    });
    expect(await changed.json()).toEqual({ unread: 1 });
  });
});
