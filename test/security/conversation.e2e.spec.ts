import type { Redis } from 'ioredis';
import { CommentListCache } from '../../src/comments/comment-list.cache.js';
import { CommentReader } from '../../src/comments/comment-reader.js';
import { Sql } from '../../src/db/sql.js';
import { REDIS } from '../../src/redis/redis.module.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { DATABASES } from '../support/databases.js';
import { EventStream } from '../support/event-stream.js';
import { moderator, type SignedInModerator } from '../support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from '../support/readers.js';
import { signIn } from '../support/sign-in.js';

/*
 * The conversation features (replies, reactions, sorting, highlights, picks, edit and delete) as a
 * stranger or a careless client meets them, black-box over HTTP, against two API processes on one
 * database (the second without a worker, with a 1-second edit window of its own).
 */

interface Own {
  id: string;
  body: string;
  status: string;
  editCount: number;
  pendingBody: string | null;
}

const CROWD = 24;
const REACTION_LIMIT = 40;
const WORDS = [
  'trade', 'schools', 'transit', 'housing', 'rivers', 'budgets', 'museums', 'farms', 'bridges', 'ports', 'courts', 'parks',
  'harbors', 'orchards', 'libraries', 'clinics', 'tunnels', 'markets', 'forests', 'railways', 'canals', 'stadiums', 'gardens', 'airports',
];

describe.each(DATABASES)('the conversation, attacked black-box, on %s', (kind) => {
  let t: TestApp;
  let b: TestApp;
  let alice: Reader;
  let bob: Reader;
  let carol: Reader;
  let dora: Reader;
  let crowd: Reader[];
  let desk: SignedInModerator;
  let sql: Sql;
  let redis: Redis;

  beforeAll(async () => {
    const env = { COMMENT_RATE_LIMIT: '100000', REACTION_RATE_LIMIT: String(REACTION_LIMIT), HIDE_REPORTED: 'true', REPORT_THRESHOLD: '1', BEST_MIN_LIKES: '1' };
    t = await startTestApp(kind, env);
    // A second API process behind the same public address, sharing the database, Redis and queue.
    b = await startTestApp(kind, { ...env, PUBLIC_URL: t.url, QUEUE_PREFIX: t.config.queuePrefix, RUN_WORKER: 'false', EDIT_WINDOW_SECONDS: '4' }, t.database);
    [alice, bob, carol, dora, desk] = await Promise.all([reader(t, 'Alice Attack'), reader(t, 'Bob Attack'), reader(t, 'Carol Attack'), reader(t, 'Dora Vanishing'), moderator(t)]);
    crowd = await Promise.all(Array.from({ length: CROWD }, (_, i) => reader(t, `Crowd ${i}`)));
    sql = t.app.get(Sql);
    redis = t.app.get<Redis>(REDIS);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.close();
  });

  const article = (name: string) => `${kind}-conv-attack-${name}-${Date.now()}`;
  let n = 0;
  /** A clean text, different words each time (the duplicate rules hold repeats and ignore numbers). */
  const clean = () => {
    n++;
    return `Some notes on ${WORDS[n % 24]}, ${WORDS[Math.floor(n / 24) % 24]} and ${WORDS[(n * 7 + 5) % 24]} here.`;
  };
  /** A text the rules hold for review ("idiot" is a suspect word). */
  const suspect = () => `${clean()} The minister is an idiot.`;

  const api = (r: Reader, base = t.url) => new Browser(base, { authorization: `Bearer ${r.token}` });
  const get = async (path: string, base = t.url, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : null };
  };
  const list = (a: string, query = '', base = t.url) => get(`/api/articles/${encodeURIComponent(a)}/comments${query}`, base);
  const highlights = (a: string, base = t.url) => get(`/api/articles/${encodeURIComponent(a)}/comments/highlights`, base);
  const replies = (id: string, query = '', base = t.url) => get(`/api/comments/${id}/replies${query}`, base);
  const countOf = async (a: string, base = t.url) => (await get(`/api/counts?articleIds=${encodeURIComponent(a)}`, base)).body.counts[a];
  const own = async (r: Reader, id: string): Promise<Own> => (await r.api.get(`/api/comments/${id}`)).json();
  const edit = (r: Reader, id: string, body: unknown, base = t.url) => api(r, base).patch(`/api/comments/${id}`, body);
  const remove = (r: Reader, id: string, base = t.url) => api(r, base).request('DELETE', `/api/comments/${id}`);
  const react = (r: Reader, id: string, type: string | null, base = t.url) =>
    type === null ? api(r, base).request('DELETE', `/api/comments/${id}/reaction`) : api(r, base).put(`/api/comments/${id}/reaction`, { type });
  const modView = async (id: string) => (await desk.api.get(`/api/moderation/comments/${id}`)).json();
  const approve = (id: string, body: Record<string, unknown>) => desk.api.post(`/api/moderation/comments/${id}/approve`, body);
  const errorOf = async (response: Response) => ({ status: response.status, body: await response.json() });
  /** Every error the service answers has this shape, and is never a 500. */
  const expectError = async (response: Response, status: number, error: string, extra: Record<string, unknown> = {}) => {
    const body = await response.json();
    expect({ status: response.status, body }).toEqual({ status, body: { statusCode: status, error, message: expect.any(String), ...extra } });
    return body;
  };

  async function submit(r: Reader, a: string, body: string, status: string, parentId?: string): Promise<string> {
    const response = await post(r, a, parentId ? { body, parentId } : { body });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe(status);
    return id;
  }
  const publish = (r: Reader, a: string, parentId?: string) => submit(r, a, clean(), 'published', parentId);
  /** A new reader: the trust rule lets a reader with published comments through the suspect words, so held texts need one. */
  const newcomer = () => reader(t);

  test("someone else's comment: PATCH and DELETE 403 NOT_AUTHOR, reacting to one's own 409 OWN_COMMENT, an unseen one 404; nothing changes", async () => {
    const a = article('foreign');
    const text = clean();
    const id = await submit(alice, a, text, 'published');
    const ned = await newcomer();
    const held = await submit(ned, a, suspect(), 'in_review');

    await expectError(await edit(bob, id, { body: clean() }), 403, 'NOT_AUTHOR');
    await expectError(await remove(bob, id), 403, 'NOT_AUTHOR');
    await expectError(await edit(bob, held, { body: clean() }), 403, 'NOT_AUTHOR');
    await expectError(await remove(bob, held), 403, 'NOT_AUTHOR');
    await expectError(await react(alice, id, 'like'), 409, 'OWN_COMMENT');
    await expectError(await react(alice, id, null), 409, 'OWN_COMMENT');
    // A comment the public never saw is no one else's business: 404 everywhere.
    await expectError(await react(bob, held, 'like'), 404, 'NOT_FOUND');
    await expectError(await bob.api.get(`/api/comments/${held}`), 404, 'NOT_FOUND');
    expect((await replies(held)).status).toBe(404);
    // A moderator's token is no reader's.
    await expectError(await desk.api.patch(`/api/comments/${id}`, { body: clean() }), 401, 'UNAUTHENTICATED');
    await expectError(await desk.api.request('DELETE', `/api/comments/${id}`), 401, 'UNAUTHENTICATED');
    // Ids that are no comment's: 404, never a 500.
    for (const bad of [id.toUpperCase(), '------------------------------------', `${id}x`, 'x', '%00', encodeURIComponent('기사')]) {
      await expectError(await edit(alice, bad, { body: clean() }), 404, 'NOT_FOUND');
      await expectError(await remove(alice, bad), 404, 'NOT_FOUND');
      await expectError(await react(bob, bad, 'like'), 404, 'NOT_FOUND');
      await expectError(await fetch(`${t.url}/api/comments/${bad}/replies`), 404, 'NOT_FOUND');
    }

    expect(await own(alice, id)).toMatchObject({ status: 'published', body: text, editCount: 0 });
    expect((await own(ned, held)).status).toBe('in_review');
    expect((await list(a)).body).toMatchObject({ total: 1, items: [{ id, body: text, likes: 0 }] });
  });

  test('a cookie-authenticated PATCH, DELETE, PUT or DELETE reaction, or reply from a foreign Origin: 403 FORBIDDEN_ORIGIN, nothing applied', async () => {
    const a = article('csrf');
    const browser = new Browser(t.url);
    expect((await signIn(browser, 'twitter', { name: 'Cookie Reader' })).status).toBe(302);
    const response = await browser.post(`/api/articles/${encodeURIComponent(a)}/comments`, { body: clean() }, { origin: t.url });
    expect(response.status).toBe(202);
    const { id: mine } = await response.json();
    const theirs = await publish(bob, a);
    await waitFor(async () => (await browser.get(`/api/comments/${mine}`).then((r) => r.json())).status === 'published', 10_000, 'published');

    for (const origin of ['https://evil.example', 'null', `${t.url}.evil.example`, t.url.replace('127.0.0.1', 'localhost')]) {
      const headers = { origin };
      await expectError(await browser.patch(`/api/comments/${mine}`, { body: clean() }, headers), 403, 'FORBIDDEN_ORIGIN');
      await expectError(await browser.request('DELETE', `/api/comments/${mine}`, { headers }), 403, 'FORBIDDEN_ORIGIN');
      await expectError(await browser.put(`/api/comments/${theirs}/reaction`, { type: 'like' }, headers), 403, 'FORBIDDEN_ORIGIN');
      await expectError(await browser.request('DELETE', `/api/comments/${theirs}/reaction`, { headers }), 403, 'FORBIDDEN_ORIGIN');
      await expectError(await browser.post(`/api/articles/${encodeURIComponent(a)}/comments`, { body: clean(), parentId: theirs }, headers), 403, 'FORBIDDEN_ORIGIN');
    }
    const untouched = await (await browser.get(`/api/comments/${mine}`)).json();
    expect(untouched).toMatchObject({ status: 'published', editCount: 0, pendingBody: null });
    expect((await list(a)).body.items.find((i: { id: string }) => i.id === theirs)).toMatchObject({ likes: 0, replyCount: 0 });

    // From its own origin the same cookie works.
    expect((await browser.put(`/api/comments/${theirs}/reaction`, { type: 'like' }, { origin: t.url })).status).toBe(200);
    expect((await browser.request('DELETE', `/api/comments/${mine}`, { headers: { origin: t.url } })).status).toBe(204);
  });

  test('PATCH with hostile text and careless bodies: the documented 4xx, no edit used; text equal after normalisation is no edit', async () => {
    const a = article('hostile');
    const text = 'Café au lait on the harbor front, with a long walk.';
    const id = await submit(alice, a, text, 'published');
    const raw = (body: string, contentType = 'application/json') =>
      alice.api.request('PATCH', `/api/comments/${id}`, { body, headers: { 'content-type': contentType } });

    await expectError(await edit(alice, id, { body: 'broken \ud800 text' }), 400, 'VALIDATION_FAILED', { field: 'body' });
    await expectError(await edit(alice, id, { body: 'a\u0000b' }), 400, 'VALIDATION_FAILED', { field: 'body' });
    await expectError(await edit(alice, id, { body: 'a\u202eb\u0085c' }), 400, 'VALIDATION_FAILED', { field: 'body' });
    await expectError(await edit(alice, id, { body: ' \n\t\r\n ' }), 400, 'COMMENT_EMPTY');
    await expectError(await edit(alice, id, { body: '가'.repeat(251) }), 400, 'COMMENT_TOO_LONG', { length: 251, limit: 250 });
    await expectError(await edit(alice, id, { body: '👨‍👩‍👧‍👦'.repeat(251) }), 400, 'COMMENT_TOO_LONG', { length: 251, limit: 250 });
    const bomb = await errorOf(await edit(alice, id, { body: `a${'\u0301'.repeat(2100)}` }));
    expect(bomb).toMatchObject({ status: 400, body: { statusCode: 400, error: 'COMMENT_TOO_LONG', codePoints: expect.any(Number), maxCodePoints: 2000 } });
    await expectError(await edit(alice, id, { body: 'x'.repeat(17 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
    for (const body of [{ body: 42 }, { body: null }, {}, [], 'text', { body: 'fine', parentId: id }, { body: 'fine', status: 'published' }]) {
      const response = await edit(alice, id, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: expect.any(String) });
    }
    await expectError(await raw('{"body":'), 400, 'INVALID_JSON');
    expect((await raw('{"__proto__":{"status":"published"},"body":"sneaky"}')).status).toBe(400);
    expect((await raw('{"constructor":{"prototype":{"x":1}},"body":"sneaky"}')).status).toBe(400);
    const plain = await raw('{"body":"as text"}', 'text/plain');
    expect(plain.status).toBe(400);
    expect(await plain.json()).toMatchObject({ statusCode: 400, error: expect.any(String), message: expect.any(String) });
    expect((await raw('<body>x</body>', 'application/xml')).status).toBe(415);

    // None of that used an edit; the same text in another Unicode form or with CRLF and spaces changes nothing either.
    expect(await own(alice, id)).toMatchObject({ body: text, editCount: 0, pendingBody: null });
    const same = await edit(alice, id, { body: `  ${text.normalize('NFD')}\r\n` });
    expect(same.status).toBe(202);
    expect(await same.json()).toMatchObject({ body: text, editCount: 0, pendingBody: null });

    // A family emoji is one character: 250 of them are a valid comment.
    const family = await edit(alice, id, { body: '👨‍👩‍👧‍👦'.repeat(250) });
    expect(family.status).toBe(202);
    expect((await family.json()).editCount).toBe(1);
  });

  test('parentId: a reply of another article 400, a deleted, hidden or held comment 409, malformed 400; a reply to a reply joins its thread', async () => {
    const a = article('parents');
    const other = article('parents-other');
    const top = await publish(alice, a);
    const reply = await publish(bob, a, top);
    const elsewhere = await publish(bob, other);
    const elsewhereReply = await publish(alice, other, elsewhere);
    const deleted = await publish(carol, a);
    expect((await remove(carol, deleted)).status).toBe(204);
    const hidden = await publish(carol, a);
    expect((await bob.api.post(`/api/comments/${hidden}/reports`, { reason: 'spam' })).status).toBe(201);
    const held = await submit(await newcomer(), a, suspect(), 'in_review');
    const rejected = await submit(carol, a, 'What a fucking joke.', 'rejected');

    for (const parentId of [elsewhere, elsewhereReply]) {
      await expectError(await post(carol, a, { body: clean(), parentId }), 400, 'VALIDATION_FAILED', { field: 'parentId' });
    }
    for (const parentId of [top.toUpperCase(), `${top} `, '', 'x'.repeat(36), '00000000-0000-0000-0000-000000000000']) {
      await expectError(await post(carol, a, { body: clean(), parentId }), 400, 'VALIDATION_FAILED', { field: 'parentId' });
    }
    await expectError(await post(carol, a, { body: clean(), parentId: 7 }), 400, 'VALIDATION_FAILED', { field: 'parentId' });
    for (const parentId of [deleted, hidden, held, rejected]) {
      await expectError(await post(dora, a, { body: clean(), parentId }), 409, 'PARENT_NOT_AVAILABLE');
    }

    // A reply to a reply: the thread's top comment, and a mention of whom it answers.
    const response = await post(carol, a, { body: clean(), parentId: reply });
    expect(response.status).toBe(202);
    const accepted = await response.json();
    expect(accepted.parentId).toBe(top);
    expect((await decided(carol, accepted.id)).status).toBe('published');
    const page = await replies(top);
    expect(page.body.items.map((i: { id: string }) => i.id)).toEqual([reply, accepted.id]);
    expect(page.body.items[1]).toMatchObject({ parentId: top, replyTo: { id: reply, displayName: 'Bob Attack' } });
    expect((await list(a)).body.items.find((i: { id: string }) => i.id === top)).toMatchObject({ replyCount: 2 });
    // Replies are read per thread only: a reply's id is no thread.
    await expectError(await fetch(`${t.url}/api/comments/${reply}/replies`), 404, 'NOT_FOUND');
  });

  test('removed comments leak nothing: placeholders, replies, highlights, sorts, GET one, the stream; the mention of a deleted reply names nobody', async () => {
    const a = article('leaks');
    const secret = `Confidential remark about ${clean()}`;
    const top = await submit(dora, a, secret, 'published');
    const reply = await publish(bob, a, top);
    const answer = await publish(carol, a, reply);
    expect((await react(bob, top, 'like')).status).toBe(200);
    expect((await desk.api.post(`/api/moderation/comments/${top}/feature`)).status).toBe(200);
    // Every view warmed (cached) before the removal.
    for (const sort of ['newest', 'oldest', 'likes', 'replies']) expect((await list(a, `?sort=${sort}`)).text).toContain(secret);
    expect((await highlights(a)).text).toContain(secret);
    expect((await get(`/api/comments/${top}`)).text).toContain(secret);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      expect((await remove(dora, top)).status).toBe(204);
      const leaks = (text: string) => [secret, 'Dora Vanishing', dora.id].filter((s) => text.includes(s));
      for (const sort of ['newest', 'oldest', 'likes', 'replies']) {
        const page = await list(a, `?sort=${sort}`);
        expect(leaks(page.text)).toEqual([]);
        expect(page.body.items).toEqual([expect.objectContaining({ id: top, deleted: true, body: null, author: null, featured: false, editedAt: null, replyCount: 2 })]);
      }
      expect(leaks((await highlights(a)).text)).toEqual([]);
      expect((await highlights(a)).body).toEqual({ featured: [], best: [] });
      expect(leaks((await replies(top)).text)).toEqual([]);
      await expectError(await fetch(`${t.url}/api/comments/${top}`), 404, 'NOT_FOUND');
      await expectError(await bob.api.get(`/api/comments/${top}`), 404, 'NOT_FOUND');
      await expectError(await react(bob, top, 'dislike'), 409, 'COMMENT_NOT_PUBLISHED');
      await expectError(await react(bob, top, null), 409, 'COMMENT_NOT_PUBLISHED');
      const removed = await stream.next<{ id: string }>('removed', (e) => e.id === top);
      expect(leaks(JSON.stringify(removed))).toEqual([]);
      // The author still sees it, deleted; the desk too.
      expect(await own(dora, top)).toMatchObject({ status: 'deleted', body: secret });
      expect((await modView(top)).comment).toMatchObject({ status: 'deleted' });

      // Dora's reply answered by Carol: once Dora deletes it, the mention must not name her.
      const doraReply = await publish(dora, a, reply);
      const carolAnswer = await publish(carol, a, doraReply);
      expect((await replies(top)).body.items.find((i: { id: string }) => i.id === carolAnswer).replyTo).toEqual({ id: doraReply, displayName: 'Dora Vanishing' });
      expect((await remove(dora, doraReply)).status).toBe(204);
      const thread = await replies(top);
      expect(thread.body.items.map((i: { id: string }) => i.id)).toEqual([reply, answer, carolAnswer]);
      expect(leaks(thread.text)).toEqual([]);
    } finally {
      stream.close();
    }
  });

  test('the replies of a pending, rules-rejected, deleted, hidden comment or a reply: 404 with nothing of it', async () => {
    const a = article('replies-404');
    const pending = await submit(await newcomer(), a, suspect(), 'in_review');
    const rejected = await submit(alice, a, 'What a fucking joke.', 'rejected');
    const deleted = await publish(alice, a);
    expect((await remove(alice, deleted)).status).toBe(204);
    const hidden = await publish(alice, a);
    expect((await bob.api.post(`/api/comments/${hidden}/reports`, { reason: 'abuse' })).status).toBe(201);
    const top = await publish(alice, a);
    const reply = await publish(bob, a, top);
    for (const id of [pending, rejected, deleted, hidden, reply]) {
      for (const base of [t.url, b.url]) {
        const response = await replies(id, '', base);
        expect({ status: response.status, body: response.body }).toEqual({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND', message: expect.any(String) } });
      }
    }
  });

  test('cursors: forged, altered, of another article, sort or thread, repeated or malformed: 400 VALIDATION_FAILED (field cursor), never a page', async () => {
    const a = article('cursors');
    const other = article('cursors-other');
    const tops = [];
    for (let i = 0; i < 3; i++) tops.push(await publish(alice, a));
    for (let i = 0; i < 3; i++) await publish(bob, other);
    const threadA = tops[0]!;
    const threadB = tops[1]!;
    for (let i = 0; i < 2; i++) {
      await publish(bob, a, threadA);
      await publish(carol, a, threadB);
    }
    const cursorOf = async (articleId: string, sort: string) => (await list(articleId, `?sort=${sort}&limit=1`)).body.nextCursor as string;
    const sorts = ['newest', 'oldest', 'likes', 'replies'];
    const cursors = Object.fromEntries(await Promise.all(sorts.map(async (s) => [s, await cursorOf(a, s)] as const)));
    const foreign = Object.fromEntries(await Promise.all(sorts.map(async (s) => [s, await cursorOf(other, s)] as const)));
    const threadCursor = (await replies(threadA, '?limit=1')).body.nextCursor as string;
    expect(Object.values(cursors).every((c) => typeof c === 'string')).toBe(true);
    expect(typeof threadCursor).toBe('string');

    const refused = async (path: string, field = 'cursor') => {
      const response = await get(path);
      expect({ path, status: response.status, body: response.body }).toEqual({
        path,
        status: 400,
        body: { statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field },
      });
    };
    const alter = (c: string) => `${c.slice(0, 10)}${c[10] === 'A' ? 'B' : 'A'}${c.slice(11)}`;
    const path = (articleId: string) => `/api/articles/${encodeURIComponent(articleId)}/comments`;
    for (const sort of sorts) {
      for (const from of sorts) if (from !== sort) await refused(`${path(a)}?sort=${sort}&limit=1&cursor=${cursors[from]}`);
      await refused(`${path(a)}?sort=${sort}&limit=1&cursor=${foreign[sort]}`);
      await refused(`${path(a)}?sort=${sort}&limit=1&cursor=${alter(cursors[sort]!)}`);
      await refused(`${path(a)}?sort=${sort}&limit=1&cursor=${threadCursor}`);
      for (const junk of ['A'.repeat(48), `${cursors[sort]}=`, cursors[sort]!.slice(0, 47), `${cursors[sort]}A`, encodeURIComponent('가'.repeat(48)), '%00'.repeat(48)]) {
        await refused(`${path(a)}?sort=${sort}&limit=1&cursor=${junk}`);
      }
      await refused(`${path(a)}?sort=${sort}&cursor=${cursors[sort]}&cursor=${cursors[sort]}`);
      // The genuine one works.
      expect((await get(`${path(a)}?sort=${sort}&limit=1&cursor=${cursors[sort]}`)).status).toBe(200);
    }
    await refused(`/api/comments/${threadB}/replies?limit=1&cursor=${threadCursor}`);
    await refused(`/api/comments/${threadA}/replies?limit=1&cursor=${cursors.newest}`);
    await refused(`/api/comments/${threadA}/replies?limit=1&cursor=${alter(threadCursor)}`);
    expect((await replies(threadA, `?limit=1&cursor=${threadCursor}`)).status).toBe(200);
    await refused(`${path(a)}?sort=likes&sort=newest`, 'sort');
    await refused(`${path(a)}?limit=1&limit=2`, 'limit');
    for (const limit of ['0', '101', '1.5', 'abc', '-1', '1e1', ' 1', '0x10']) await refused(`${path(a)}?limit=${encodeURIComponent(limit)}`, 'limit');
    for (const sort of ['LIKES', 'likes ', 'best', 'sort[]']) await refused(`${path(a)}?sort=${encodeURIComponent(sort)}`, 'sort');
  });

  test('rankings in Redis stay bounded: a burst of first pages by likes or replies (two processes, many limits) stores one ranking per sort; unknown articles none', async () => {
    const a = article('rank-burst');
    for (let i = 0; i < 4; i++) await publish(alice, a);
    const prefix = `${t.config.queuePrefix}:rank:`;
    const snapshots = async () => (await redis.keys(`${prefix}*`)).filter((k) => !k.startsWith(`${prefix}current:`));
    const before = new Set(await snapshots());
    const burst = await Promise.all(
      Array.from({ length: 60 }, (_, i) => list(a, `?sort=${i % 2 ? 'likes' : 'replies'}&limit=${1 + (i % 3)}`, i % 4 < 2 ? t.url : b.url)),
    );
    expect(burst.every((r) => r.status === 200 && r.body.nextCursor)).toBe(true);
    const made = (await snapshots()).filter((k) => !before.has(k));
    expect(made.length).toBeLessThanOrEqual(2);

    const unknown = await Promise.all(Array.from({ length: 50 }, (_, i) => list(`${a}-nobody-${i}`, `?sort=${i % 2 ? 'likes' : 'replies'}&limit=1`)));
    expect(unknown.every((r) => r.status === 200 && r.body.items.length === 0)).toBe(true);
    expect((await snapshots()).filter((k) => !before.has(k)).length).toBe(made.length);
  });

  test('a burst of reactions from many readers across two API processes: every answer 200, counts equal the rows, the list agrees', async () => {
    const a = article('reaction-burst');
    const id = await publish(alice, a);
    const requests = crowd.flatMap((r, i) => {
      const at = i % 2 ? b.url : t.url;
      const elsewhere = i % 2 ? t.url : b.url;
      if (i % 4 === 0) return [react(r, id, 'like', at), react(r, id, 'dislike', elsewhere)];
      if (i % 4 === 1) return [react(r, id, 'dislike', at), react(r, id, null, elsewhere), react(r, id, 'like', at)];
      if (i % 4 === 2) return [react(r, id, 'like', at), react(r, id, 'like', elsewhere), react(r, id, null, at)];
      return [react(r, id, 'dislike', at), react(r, id, 'dislike', elsewhere)];
    });
    const answers = await Promise.all(requests);
    expect(answers.map((r) => r.status)).toEqual(Array(requests.length).fill(200));
    const [counts] = await sql.rows<{ likes: unknown; dislikes: unknown }>('SELECT likes, dislikes FROM comments WHERE id = $1', [id]);
    const rows = await sql.rows<{ type: string }>('SELECT type FROM comment_reactions WHERE comment_id = $1', [id]);
    const stored = { likes: Number(counts!.likes), dislikes: Number(counts!.dislikes) };
    expect(stored).toEqual({ likes: rows.filter((r) => r.type === 'like').length, dislikes: rows.filter((r) => r.type === 'dislike').length });
    expect(stored.likes + stored.dislikes).toBeLessThanOrEqual(CROWD);
    // Each reader's own reactions agree with the rows (the last request of each wins, whichever process took it).
    const mine = await Promise.all(crowd.map(async (r) => (await r.api.get(`/api/articles/${encodeURIComponent(a)}/my-reactions`).then((x) => x.json())).reactions[id] ?? null));
    expect(mine.filter((m) => m === 'like').length).toBe(stored.likes);
    expect(mine.filter((m) => m === 'dislike').length).toBe(stored.dislikes);
    for (const base of [t.url, b.url]) {
      await waitFor(async () => {
        const item = (await list(a, '', base)).body.items[0];
        return item.likes === stored.likes && item.dislikes === stored.dislikes;
      }, 5000, 'the list to show the final counts');
    }
  });

  test('REACTION_RATE_LIMIT holds across two API processes: exactly the limit passes, the rest 429 RATE_LIMITED with Retry-After', async () => {
    const a = article('reaction-limit');
    const id = await publish(alice, a);
    const eager = await reader(t, 'Eager Clicker');
    const answers = await Promise.all(Array.from({ length: REACTION_LIMIT + 10 }, (_, i) => react(eager, id, i % 3 ? 'like' : 'dislike', i % 2 ? b.url : t.url)));
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200).length).toBe(REACTION_LIMIT);
    expect(limited.length).toBe(10);
    const body = await limited[0]!.json();
    expect(body).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.any(String), retryAfter: expect.any(Number) });
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    const [counts] = await sql.rows<{ likes: unknown; dislikes: unknown }>('SELECT likes, dislikes FROM comments WHERE id = $1', [id]);
    expect(Number(counts!.likes) + Number(counts!.dislikes)).toBe(1);
  });

  test('an edit racing a moderator: a decision on a replaced text is 409 CONFLICT; the public never sees a text nobody approved', async () => {
    const a = article('edit-vs-moderator');
    for (let round = 0; round < 3; round++) {
      const author = await newcomer();
      const original = suspect();
      const id = await submit(author, a, original, 'in_review');
      const read = await modView(id);
      const revisionId = read.revisions.length ? read.revisions.at(-1).id : null;
      const replacement = suspect();
      const [decision, edited] = await Promise.all([approve(id, { expectedStatus: 'in_review', revisionId }), edit(author, id, { body: replacement })]);
      expect(edited.status).toBe(202);
      expect([200, 409]).toContain(decision.status);
      if (decision.status === 409) expect((await decision.json()).error).toBe('CONFLICT');
      // Whatever the order, the replacement waits for a moderator and the public never reads it.
      await waitFor(async () => {
        const o = await own(author, id);
        return o.status === 'in_review' || (o.status === 'published' && (await modView(id)).comment.revisionStatus === 'in_review');
      }, 10_000, 'the replacement held');
      const page = await list(a);
      expect(page.text).not.toContain(replacement);
      if (decision.status === 200) expect(page.body.items.find((i: { id: string }) => i.id === id)?.body).toBe(original);
      else expect(page.body.items.find((i: { id: string }) => i.id === id)).toBeUndefined();
      // The text the moderator read is gone: deciding on it again is a conflict, with the state now.
      const stale = await approve(id, { expectedStatus: decision.status === 200 ? 'published' : 'in_review', revisionId });
      expect(stale.status).toBe(409);
      expect(await stale.json()).toMatchObject({ error: 'CONFLICT', current: expect.objectContaining({ id }) });
    }
  });

  test('delete racing a moderator, the worker or another delete: always deleted, never listed or counted, nobody publishes it again', async () => {
    const a = article('delete-races');
    const author = await newcomer();
    const cases: Array<() => Promise<string>> = [
      // held, approved and deleted at once
      async () => {
        const id = await submit(author, a, suspect(), 'in_review');
        const [decision, deletion] = await Promise.all([approve(id, { expectedStatus: 'in_review', revisionId: null }), remove(author, id)]);
        expect(deletion.status).toBe(204);
        expect([200, 409]).toContain(decision.status);
        return id;
      },
      // posted and deleted before (or while) the rules run
      async () => {
        const { id } = await (await post(author, a, { body: clean() })).json();
        expect((await remove(author, id)).status).toBe(204);
        return id;
      },
      // published, then deleted twice at once through both processes, while edited
      async () => {
        const id = await publish(author, a);
        const [one, two, edited] = await Promise.all([remove(author, id), remove(author, id, b.url), edit(author, id, { body: clean() })]);
        expect([one.status, two.status]).toEqual([204, 204]);
        expect([202, 409]).toContain(edited.status);
        return id;
      },
    ];
    const ids = [];
    for (const make of cases) ids.push(await make());
    await new Promise((r) => setTimeout(r, 300)); // any job in flight has landed
    for (const id of ids) {
      expect((await own(author, id)).status).toBe('deleted');
      for (const body of [{ expectedStatus: 'in_review' }, { expectedStatus: 'rejected' }, { expectedStatus: 'published' }, {}]) {
        await expectError(await approve(id, body), 409, 'CONFLICT', { current: expect.objectContaining({ status: 'deleted' }) });
      }
      await expectError(await approve(id, { expectedStatus: 'deleted' }), 400, 'VALIDATION_FAILED', { field: expect.any(String) });
      const bulk = await (await desk.api.post('/api/moderation/comments/bulk', { ids: [id], action: 'approve', expectedStatus: 'rejected' })).json();
      expect(bulk.results).toEqual([{ id, ok: false, error: 'CONFLICT', status: 'deleted' }]);
      await expectError(await edit(author, id, { body: clean() }), 409, 'COMMENT_DELETED');
      expect((await remove(author, id)).status).toBe(204);
      // No text of it waits for anyone.
      expect((await modView(id)).revisions.filter((r: { status: string }) => r.status === 'pending' || r.status === 'in_review')).toEqual([]);
    }
    expect((await list(a)).body).toMatchObject({ items: [], total: 0 });
    expect(await countOf(a)).toBe(0);
    expect(await countOf(a, b.url)).toBe(0);
  });

  test('an edit racing the worker never publishes a text the rules hold; an edit of a held edit replaces it; parallel edits stop at 3', async () => {
    const a = article('edit-races');
    const author = await newcomer();
    // Posted clean, edited at once into a text the rules hold: whichever lands first, the held text is never public.
    const raced = [];
    for (let i = 0; i < 3; i++) {
      const response = await post(author, a, { body: clean() });
      const { id } = await response.json();
      const held = suspect();
      expect((await edit(author, id, { body: held })).status).toBe(202);
      raced.push({ id, held });
    }
    for (const { id, held } of raced) {
      await waitFor(async () => {
        const o = await own(author, id);
        return o.status === 'in_review' || (o.status === 'published' && (await modView(id)).comment.revisionStatus === 'in_review');
      }, 10_000, 'the held text to reach review');
      expect((await list(a)).text).not.toContain(held);
    }

    // A published comment whose edit is held, edited again: the held one is superseded, a decision on it is a conflict.
    const id = await publish(author, a);
    const held = suspect();
    expect((await edit(author, id, { body: held })).status).toBe(202);
    await waitFor(async () => (await modView(id)).comment.revisionStatus === 'in_review', 10_000, 'the edit held');
    const heldRevision = (await modView(id)).revisions.at(-1).id;
    const fixed = clean();
    expect((await edit(author, id, { body: fixed })).status).toBe(202);
    await waitFor(async () => (await list(a)).body.items.find((i: { id: string }) => i.id === id)?.body === fixed, 10_000, 'the fix published');
    await expectError(await approve(id, { expectedStatus: 'published', revisionId: heldRevision }), 409, 'CONFLICT', { current: expect.any(Object) });
    expect((await modView(id)).revisions.map((r: { status: string }) => r.status)).toEqual(['published', 'superseded', 'published']);
    expect((await list(a)).text).not.toContain(held);

    // Ten edits at once: at most three are taken, the fourth is refused.
    const busy = await submit(author, a, suspect(), 'in_review');
    const answers = await Promise.all(Array.from({ length: 10 }, () => edit(author, busy, { body: suspect() })));
    const taken = answers.filter((r) => r.status === 202).length;
    expect(taken).toBeGreaterThanOrEqual(1);
    expect(taken).toBeLessThanOrEqual(3);
    for (const r of answers.filter((x) => x.status !== 202)) {
      expect(r.status).toBe(409);
      expect(['EDIT_LIMIT_REACHED', 'CONFLICT']).toContain((await r.json()).error);
    }
    const after = await own(author, busy);
    expect(after.editCount).toBe(taken);
    expect((await modView(busy)).revisions.length).toBe(taken + 1);
    while ((await own(author, busy)).editCount < 3) expect((await edit(author, busy, { body: suspect() })).status).toBe(202);
    await expectError(await edit(author, busy, { body: suspect() }), 409, 'EDIT_LIMIT_REACHED', { limit: 3 });
  });

  test('edit after the window: 409 EDIT_WINDOW_CLOSED (the second process has a 4-second window: a loaded machine still edits within it right after publishing); delete still works; a rejected comment cannot be edited', async () => {
    const a = article('window');
    const id = await publish(alice, a);
    await new Promise((r) => setTimeout(r, 4100));
    await expectError(await edit(alice, id, { body: clean() }, b.url), 409, 'EDIT_WINDOW_CLOSED', { editWindowSeconds: 4 });
    expect((await own(alice, id)).editCount).toBe(0);
    expect((await remove(alice, id, b.url)).status).toBe(204);
    const rejected = await submit(alice, a, 'What a fucking joke.', 'rejected');
    await expectError(await edit(alice, rejected, { body: clean() }), 409, 'COMMENT_REJECTED');
  });

  test('a closed article or a banned reader: edits and replies refused with their codes, deletion still allowed; a double-submitted edit is one edit', async () => {
    const a = article('closed');
    const top = await publish(alice, a);
    // Identical PATCHes at once (a double click, a retry) while the rules publish the first: one edit.
    for (let i = 0; i < 4; i++) {
      const clicked = await publish(bob, a);
      const fixed = clean();
      const same = await Promise.all(Array.from({ length: 8 }, (_, j) => edit(bob, clicked, { body: fixed }, j % 2 ? b.url : t.url)));
      expect(same.map((r) => r.status)).toEqual(Array(8).fill(202));
      await waitFor(async () => (await own(bob, clicked)).pendingBody === null, 5000, 'the edit published');
      expect(await own(bob, clicked)).toMatchObject({ body: fixed, editCount: 1 });
    }
    const mine = await publish(bob, a);

    expect((await desk.api.patch(`/api/moderation/articles/${encodeURIComponent(a)}`, { commentsOpen: false })).status).toBe(200);
    await expectError(await edit(bob, mine, { body: clean() }), 403, 'COMMENTS_CLOSED');
    await expectError(await post(carol, a, { body: clean(), parentId: top }), 403, 'COMMENTS_CLOSED');
    expect((await remove(bob, mine)).status).toBe(204);

    const b2 = article('banned');
    const outcast = await newcomer();
    const theirs = await publish(outcast, b2);
    const target = await publish(alice, b2);
    expect((await desk.api.post(`/api/moderation/commenters/${outcast.id}/ban`, { reason: 'spam' })).status).toBe(200);
    await expectError(await edit(outcast, theirs, { body: clean() }), 403, 'COMMENTER_BANNED');
    await expectError(await react(outcast, target, 'like'), 403, 'COMMENTER_BANNED');
    await expectError(await react(outcast, target, null, b.url), 403, 'COMMENTER_BANNED');
    await expectError(await post(outcast, b2, { body: clean(), parentId: target }), 403, 'COMMENTER_BANNED');
    expect((await remove(outcast, theirs)).status).toBe(204);
    expect((await list(b2)).body).toMatchObject({ total: 1, items: [{ id: target, likes: 0 }] });
  });

  test("a hidden (reported) comment's edit published by the rules does not count it again", async () => {
    const a = article('hidden-edit');
    const top = await publish(alice, a);
    const id = await publish(alice, a, top);
    expect((await bob.api.post(`/api/comments/${id}/reports`, { reason: 'spam' })).status).toBe(201);
    expect((await list(a)).body).toMatchObject({ total: 1, items: [{ id: top, replyCount: 0 }] });
    const fixed = clean();
    expect((await edit(alice, id, { body: fixed })).status).toBe(202);
    await waitFor(async () => (await own(alice, id)).pendingBody === null, 10_000, 'the edit decided');
    const page = await list(a);
    expect(page.body).toMatchObject({ total: 1, items: [{ id: top, replyCount: 0 }] });
    expect((await replies(top)).body).toMatchObject({ items: [], total: 0 });
    expect(await countOf(a)).toBe(1);
  });

  test("a pick later deleted stops showing at once, here and in the other process; it cannot be featured again", async () => {
    const a = article('pick-deleted');
    const text = clean();
    const id = await submit(alice, a, text, 'published');
    expect((await react(bob, id, 'like')).status).toBe(200);
    expect((await desk.api.post(`/api/moderation/comments/${id}/feature`)).status).toBe(200);
    for (const base of [t.url, b.url]) {
      await waitFor(async () => {
        const h = (await highlights(a, base)).body;
        return h.featured.length === 1 && h.best.length === 1;
      }, 5000, 'the pick and best in the highlights');
    }
    expect((await remove(alice, id)).status).toBe(204);
    expect((await highlights(a)).body).toEqual({ featured: [], best: [] });
    await waitFor(async () => (await highlights(a, b.url)).body.featured.length === 0, 1000, 'the other process to drop the pick');
    expect((await highlights(a, b.url)).text).not.toContain(text);
    await expectError(await desk.api.post(`/api/moderation/comments/${id}/feature`), 409, 'COMMENT_NOT_PUBLISHED', { status: 'deleted' });
  });

  test('caches never show a removed text after the removal: this process at once (ETag too), the other within moments, even with reads in flight', async () => {
    const a = article('cache');
    const thread = await publish(bob, a);
    const paths = (id: string) => [
      `/api/articles/${encodeURIComponent(a)}/comments`,
      `/api/articles/${encodeURIComponent(a)}/comments?sort=likes`,
      `/api/articles/${encodeURIComponent(a)}/comments?sort=oldest&limit=100`,
      `/api/articles/${encodeURIComponent(a)}/comments/highlights`,
      `/api/comments/${thread}/replies`,
      `/api/comments/${id}`,
    ];
    for (let round = 0; round < 2; round++) {
      const text = clean();
      const top = await submit(alice, a, text, 'published');
      const reply = await submit(alice, a, `Reply: ${text}`, 'published', thread);
      const all = [...paths(top), ...paths(reply)];
      // The ETags of the pages that showed the text: none of them may be answered 304 after the removal.
      const etags = new Map<string, string>();
      for (const base of [t.url, b.url]) {
        for (const [path, page] of await Promise.all(all.map(async (path) => [path, await get(path, base)] as const))) {
          if (page.headers.get('etag') && page.text.includes(text)) etags.set(base + path, page.headers.get('etag')!);
        }
      }
      // Pages being made (not cached yet: a limit of their own each) on both processes while the comments are deleted.
      const uncached = Array.from({ length: 30 }, (_, i) => [
        `/api/articles/${encodeURIComponent(a)}/comments?limit=${i + 1}`,
        `/api/comments/${thread}/replies?limit=${i + 1}`,
      ]).flat();
      const inFlight = Promise.all(uncached.map((path, i) => get(path, i % 4 < 2 ? b.url : t.url)));
      const [one, two] = await Promise.all([remove(alice, top), remove(alice, reply, b.url)]);
      expect([one.status, two.status]).toEqual([204, 204]);
      await inFlight;
      all.push(...uncached);
      const leaked = async (base: string) => {
        const pages = await Promise.all(all.map(async (path) => ({ path, page: await get(path, base, etags.has(base + path) ? { 'if-none-match': etags.get(base + path)! } : {}) })));
        return pages.filter(({ page }) => page.status === 304 || page.text.includes(text)).map(({ path, page }) => `${base}${path} ${page.status}`);
      };
      expect(await leaked(t.url)).toEqual([]);
      await new Promise((r) => setTimeout(r, 200));
      for (const base of [t.url, b.url]) expect(await leaked(base)).toEqual([]);
    }
  });

  test('a page whose reads began before a removal is served but not kept, in this process and the other', async () => {
    for (const [app, other] of [[t, b], [b, t]] as const) {
      const a = article('cache-race');
      const text = clean();
      await submit(alice, a, text, 'published');
      expect((await list(a, '', app.url)).text).toContain(text);
      const cache = app.app.get(CommentListCache);
      // Exactly what the list route does for ?limit=99, with its reads done before the deletion and its page stored after.
      let release!: () => void;
      let readsDone!: (id: string) => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const read = new Promise<string>((resolve) => (readsDone = resolve));
      const filling = cache.fill(cache.key(a, 'newest', 99, undefined), async () => {
        const page = await app.app.get(CommentReader).list(a, 'newest', 99);
        readsDone(page.items[0]!.id);
        await gate;
        return { articleId: a, json: JSON.stringify(page) };
      });
      expect((await remove(alice, await read, other.url)).status).toBe(204);
      await waitFor(async () => !(await list(a, '', app.url)).text.includes(text), 2000, 'the removal to reach the process');
      release();
      expect((await filling).body.toString()).toContain(text); // served to the request that made it
      expect((await list(a, '?limit=99', app.url)).text).not.toContain(text);
    }
  });

  test('careless requests get the documented error shape, never a 500', async () => {
    const a = article('shapes');
    const id = await publish(alice, a);
    const enc = encodeURIComponent;
    const anon = new Browser(t.url);
    const checks: Array<[Promise<Response>, number]> = [
      [fetch(`${t.url}/api/articles/${enc(a)}/comments?sort=`), 200],
      [fetch(`${t.url}/api/articles/${'x'.repeat(201)}/comments?sort=likes`), 400],
      [fetch(`${t.url}/api/articles/${'x'.repeat(201)}/comments/highlights`), 400],
      [fetch(`${t.url}/api/articles/%E0%A4%A/comments/highlights`), 400],
      [fetch(`${t.url}/api/articles/${enc('\u0001')}/comments/highlights`), 400],
      [fetch(`${t.url}/api/comments/${id}/replies?limit=0`), 400],
      [fetch(`${t.url}/api/comments/${id}/replies?limit=1&limit=1`), 400],
      [fetch(`${t.url}/api/comments/${id}/replies?cursor=`), 200],
      [fetch(`${t.url}/api/articles/${enc(a)}/my-reactions`), 401],
      [bob.api.get(`/api/articles/${'x'.repeat(201)}/my-reactions`), 400],
      [bob.api.get(`/api/articles/${enc(a)}/my-reactions?x=1&x=2`), 400],
      [anon.put(`/api/comments/${id}/reaction`, { type: 'like' }), 401],
      [bob.api.put(`/api/comments/${id}/reaction`, { type: ['like'] }), 400],
      [bob.api.put(`/api/comments/${id}/reaction`, { type: 'LIKE' }), 400],
      [bob.api.request('PUT', `/api/comments/${id}/reaction`, { body: '{"type":', headers: { 'content-type': 'application/json' } }), 400],
      [bob.api.request('PUT', `/api/comments/${id}/reaction`), 400],
      [bob.api.request('POST', `/api/comments/${id}/reaction`), 404],
      [bob.api.request('PATCH', `/api/comments/${id}/reaction`, { body: '{}', headers: { 'content-type': 'application/json' } }), 404],
      [anon.patch(`/api/comments/${id}`, { body: 'x' }), 401],
      [anon.request('DELETE', `/api/comments/${id}`), 401],
      [new Browser(t.url, { authorization: 'Bearer nonsense' }).request('DELETE', `/api/comments/${id}`), 401],
      [new Browser(t.url, { authorization: 'Basic abc' }).patch(`/api/comments/${id}`, { body: 'x' }), 401],
      [bob.api.request('DELETE', `/api/comments/${id}`, { body: '{"x":1}', headers: { 'content-type': 'application/json' } }), 403],
      [desk.api.post(`/api/moderation/comments/${id}/feature`, { extra: 1 }), 200],
      [bob.api.post(`/api/moderation/comments/${id}/feature`), 403],
      [desk.dashboard.post(`/api/moderation/comments/${id}/unfeature`), 403],
      [desk.api.post(`/api/moderation/comments/${'0'.repeat(36)}/feature`), 404],
      [desk.api.post(`/api/moderation/comments/${id}/approve`, { revisionId: 'not-a-uuid' }), 400],
      [desk.api.post(`/api/moderation/comments/${id}/approve`, { revisionId: 7 }), 400],
    ];
    for (const [request, status] of checks) {
      const response = await request;
      const text = await response.text();
      expect({ url: response.url, status: response.status }).toEqual({ url: response.url, status });
      if (status >= 400) {
        expect(JSON.parse(text)).toEqual(expect.objectContaining({ statusCode: status, error: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String) }));
      }
    }
  });
});
