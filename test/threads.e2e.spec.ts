import type { Redis } from 'ioredis';
import { Sql } from '../src/db/sql.js';
import { REDIS } from '../src/redis/redis.module.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { EventStream } from './support/event-stream.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

interface Item {
  id: string;
  parentId: string | null;
  replyTo: { id: string; displayName: string } | null;
  body: string | null;
  author: { id: string; displayName: string } | null;
  replyCount: number;
  likes: number;
  dislikes: number;
  editedAt: string | null;
  featured: boolean;
  deleted: boolean;
}

describe.each(DATABASES)('threads, sorting and highlights on %s', (kind) => {
  let t: TestApp;
  let alice: Reader;
  let bob: Reader;
  let desk: SignedInModerator;
  let sql: Sql;
  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', BEST_MIN_LIKES: '3', BEST_COMMENTS_COUNT: '2' });
    alice = await reader(t, 'Alice Kim');
    bob = await reader(t, 'Bob Lee');
    desk = await moderator(t);
    sql = t.app.get(Sql);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-threads-${name}-${Date.now()}`;
  const get = async (path: string) => {
    const response = await fetch(`${t.url}${path}`);
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  const list = (articleId: string, query = '') => get(`/api/articles/${encodeURIComponent(articleId)}/comments${query}`);

  let n = 0;
  /** A clean comment (each text different: the rules hold repeats), published; a reply when parentId is given. */
  async function publish(r: Reader, articleId: string, parentId?: string): Promise<string> {
    n++;
    // Different words each time: the duplicate rules ignore numbers.
    const words = ['trade', 'schools', 'transit', 'housing', 'rivers', 'budgets', 'museums', 'farms', 'bridges', 'ports', 'courts', 'parks'];
    const body = `A thoughtful point about ${words[n % 12]}, ${words[Math.floor(n / 12) % 12]} and ${words[Math.floor(n / 144) % 12]} for ${kind}.`;
    const response = await post(r, articleId, parentId ? { body, parentId } : { body });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }

  test('a reply answers 202 with its parentId, is listed under its thread, and counts in the total but not the top list', async () => {
    const a = article('reply');
    const top = await publish(alice, a);
    const response = await post(bob, a, { body: '동의합니다. Agreed with the point on trade.', parentId: top });
    expect(response.status).toBe(202);
    const accepted = await response.json();
    expect(accepted).toEqual({ id: expect.any(String), status: 'pending', createdAt: expect.any(String), parentId: top });
    expect((await decided(bob, accepted.id)).status).toBe('published');

    const page = await list(a);
    expect(page.body.total).toBe(2);
    expect(page.body.items.map((i: Item) => i.id)).toEqual([top]);
    expect(page.body.items[0]).toEqual({
      id: top,
      parentId: null,
      body: expect.any(String),
      author: expect.objectContaining({ displayName: 'Alice Kim' }),
      publishedAt: expect.any(String),
      replyCount: 1,
      likes: 0,
      dislikes: 0,
      editedAt: null,
      featured: false,
    });
    const replies = await get(`/api/comments/${top}/replies`);
    expect(replies.status).toBe(200);
    expect(replies.body).toEqual({ items: [expect.objectContaining({ id: accepted.id, parentId: top, replyCount: 0 })], nextCursor: null, total: 1 });
    expect((await get(`/api/counts?articleIds=${encodeURIComponent(a)}`)).body.counts[a]).toBe(2);
  });

  test('a reply to a reply joins the same thread and names whom it answers; replies page oldest first', async () => {
    const a = article('mention');
    const top = await publish(alice, a);
    const first = await publish(bob, a, top);
    const second = await publish(alice, a, first);
    const third = await publish(bob, a, top);

    const { body } = await get(`/api/comments/${top}/replies?limit=2`);
    expect(body.total).toBe(3);
    expect(body.items.map((i: Item) => i.id)).toEqual([first, second]);
    expect(body.items[1]).toEqual(expect.objectContaining({ parentId: top, replyTo: { id: first, displayName: 'Bob Lee' } }));
    const rest = await get(`/api/comments/${top}/replies?limit=2&cursor=${body.nextCursor}`);
    expect(rest.body.items.map((i: Item) => i.id)).toEqual([third]);
    expect(rest.body.nextCursor).toBeNull();
    expect((await list(a)).body.items[0].replyCount).toBe(3);
    // A cursor belongs to its thread.
    const other = await publish(alice, a);
    expect((await get(`/api/comments/${other}/replies?cursor=${body.nextCursor}`)).body.error).toBe('VALIDATION_FAILED');
    // Replies of a comment nobody can see, or of a reply: 404.
    expect((await get(`/api/comments/${first}/replies`)).status).toBe(404);
    expect((await get('/api/comments/00000000-0000-7000-8000-000000000000/replies')).status).toBe(404);
  });

  test('parentId: unknown, of another article or malformed → 400 VALIDATION_FAILED (field parentId); not published → 409 PARENT_NOT_AVAILABLE', async () => {
    const a = article('parent-checks');
    const top = await publish(alice, a);
    for (const parentId of ['00000000-0000-7000-8000-000000000000', 'not-an-id', 42]) {
      const response = await post(bob, a, { body: 'A reply to nothing.', parentId });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: 'parentId' });
    }
    const elsewhere = await post(bob, article('other'), { body: 'A reply on the wrong page.', parentId: top });
    expect(elsewhere.status).toBe(400);
    expect((await elsewhere.json()).field).toBe('parentId');

    const { id: held } = await (await post(alice, a, { body: 'The minister is an idiot' })).json();
    expect((await decided(alice, held)).status).toBe('in_review');
    const toHeld = await post(bob, a, { body: 'Answering a held comment.', parentId: held });
    expect(toHeld.status).toBe(409);
    expect((await toHeld.json()).error).toBe('PARENT_NOT_AVAILABLE');

    expect((await desk.api.post(`/api/moderation/comments/${top}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
    const toRejected = await post(bob, a, { body: 'Answering a removed comment.', parentId: top });
    expect(toRejected.status).toBe(409);
    expect((await toRejected.json()).error).toBe('PARENT_NOT_AVAILABLE');
  });

  test('the duplicate rules see replies too', async () => {
    const a = article('duplicates');
    const top = await publish(alice, a);
    const body = 'Same reply twice, word for word, in this thread.';
    const { id: once } = await (await post(bob, a, { body, parentId: top })).json();
    expect((await decided(bob, once)).status).toBe('published');
    const { id: twice } = await (await post(bob, a, { body, parentId: top })).json();
    expect((await decided(bob, twice)).status).toBe('in_review');
    const held = await desk.api.get(`/api/moderation/comments/${twice}`);
    expect(JSON.stringify(await held.json())).toContain('duplicate_self');
  });

  test('a top comment removed while it has published replies stays as a placeholder; without replies it goes', async () => {
    const a = article('placeholder');
    const lonely = await publish(bob, a);
    const top = await publish(alice, a);
    const reply = await publish(bob, a, top);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      expect((await desk.api.post(`/api/moderation/comments/${top}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
      expect((await desk.api.post(`/api/moderation/comments/${lonely}/reject`, { reason: 'spam', expectedStatus: 'published' })).status).toBe(200);
      const page = await list(a);
      expect(page.body.total).toBe(1);
      expect(page.body.items).toEqual([
        {
          id: top,
          parentId: null,
          body: null,
          author: null,
          publishedAt: expect.any(String),
          replyCount: 1,
          likes: 0,
          dislikes: 0,
          editedAt: null,
          featured: false,
          deleted: true,
        },
      ]);
      expect((await get(`/api/comments/${top}/replies`)).body.items.map((i: Item) => i.id)).toEqual([reply]);
      // The stream says the same: the top comment became a placeholder; the lonely one went.
      await waitFor(async () => stream.events.filter((e) => e.event === 'removed').length >= 2, 5000, 'two removed events');
      const removed = stream.events.filter((e) => e.event === 'removed').map((e) => e.data as { id: string; placeholder: Item | null; total: number });
      expect(removed.find((e) => e.id === top)?.placeholder).toEqual(expect.objectContaining({ id: top, deleted: true, replyCount: 1 }));
      expect(removed.find((e) => e.id === lonely)?.placeholder).toBeNull();

      // The last reply gone, the placeholder goes too; the stream names the removed reply's thread.
      expect((await desk.api.post(`/api/moderation/comments/${reply}/reject`, { reason: 'spam', expectedStatus: 'published' })).status).toBe(200);
      const gone = await waitFor(async () => stream.events.find((e) => e.event === 'removed' && (e.data as { id: string }).id === reply), 5000, 'the reply removed');
      expect(gone.data).toEqual({ type: 'removed', id: reply, parentId: top, total: 0, placeholder: null });
      expect((await list(a)).body).toEqual(expect.objectContaining({ items: [], total: 0 }));
      // A moderator's reversal brings the top comment back in its old place, text and all.
      expect((await desk.api.post(`/api/moderation/comments/${top}/approve`, { expectedStatus: 'rejected' })).status).toBe(200);
      const back = (await list(a)).body.items;
      expect(back).toEqual([expect.objectContaining({ id: top, body: expect.any(String) })]);
      expect(back[0]).not.toHaveProperty('deleted');
    } finally {
      stream.close();
    }
  });

  test('the stream announces a published reply with its parentId', async () => {
    const a = article('live-reply');
    const top = await publish(alice, a);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      const reply = await publish(bob, a, top);
      const event = await waitFor(async () => stream.events.find((e) => e.event === 'published'), 5000, 'published event');
      expect(event.data).toEqual({ type: 'published', total: 2, comment: expect.objectContaining({ id: reply, parentId: top, body: expect.any(String) }) });
    } finally {
      stream.close();
    }
  });

  test('?sort= newest (default), oldest, likes, replies; anything else 400 VALIDATION_FAILED (field sort); each sort its own ETag', async () => {
    const a = article('sorts');
    const [one, two, three] = [await publish(alice, a), await publish(bob, a), await publish(alice, a)];
    await publish(bob, a, one);
    await publish(alice, a, one);
    await publish(bob, a, three);
    await sql.run('UPDATE comments SET likes = $1 WHERE id = $2', [5, two]);
    await sql.run('UPDATE comments SET likes = $1 WHERE id = $2', [2, three]);
    const ids = async (sort?: string) => (await list(a, sort ? `?sort=${sort}` : '')).body.items.map((i: Item) => i.id);
    expect(await ids()).toEqual([three, two, one]);
    expect(await ids('newest')).toEqual([three, two, one]);
    expect(await ids('oldest')).toEqual([one, two, three]);
    expect(await ids('likes')).toEqual([two, three, one]);
    expect(await ids('replies')).toEqual([one, three, two]);
    for (const bad of ['popular', 'LIKES', '']) {
      if (bad === '') continue; // empty means the default
      const response = await list(a, `?sort=${bad}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: 'sort' });
    }
    const etags = await Promise.all(['newest', 'oldest', 'likes', 'replies'].map(async (sort) => (await list(a, `?sort=${sort}`)).headers.get('etag')));
    expect(new Set(etags).size).toBe(4);
    const again = await fetch(`${t.url}/api/articles/${encodeURIComponent(a)}/comments?sort=likes`, { headers: { 'if-none-match': etags[2]! } });
    expect(again.status).toBe(304);
    // A cursor is for the sort it came with.
    const newestCursor = (await list(a, '?limit=1')).body.nextCursor;
    expect((await list(a, `?sort=oldest&limit=1&cursor=${newestCursor}`)).body.error).toBe('VALIDATION_FAILED');
    expect((await list(a, `?sort=likes&limit=1&cursor=${newestCursor}`)).body.error).toBe('VALIDATION_FAILED');
  });

  test('a walk by likes never repeats or misses a comment while likes reorder the list', async () => {
    const a = article('walk');
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push(await publish(i % 2 ? alice : bob, a));
    for (const [i, id] of ids.entries()) await sql.run('UPDATE comments SET likes = $1 WHERE id = $2', [i * 10, id]);

    const seen: string[] = [];
    let page = (await list(a, '?sort=likes&limit=3')).body;
    seen.push(...page.items.map((i: Item) => i.id));
    expect(seen).toEqual([ids[8], ids[7], ids[6]]);
    // The ranking turns upside down mid-walk, and the pages still carry on where they were.
    for (const [i, id] of ids.entries()) await sql.run('UPDATE comments SET likes = $1 WHERE id = $2', [1000 - i * 10, id]);
    while (page.nextCursor) {
      page = (await list(a, `?sort=likes&limit=3&cursor=${page.nextCursor}`)).body;
      seen.push(...page.items.map((i: Item) => i.id));
    }
    expect(seen).toEqual([...ids].reverse());
    // Counts shown are today's, though the order was taken at the start.
    const last = (await list(a, '?sort=newest&limit=1')).body.items[0];
    expect(last.likes).toBe(1000 - 8 * 10);
  });

  test('walks by likes and by replies stay whole while readers react in parallel', async () => {
    const a = article('walk-live');
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await publish(i % 2 ? alice : bob, a));
    const readers = await Promise.all([0, 1, 2, 3].map((i) => reader(t, `Fan ${i}`)));
    let reacting = true;
    const reactions = (async () => {
      for (let round = 0; reacting; round++) {
        await Promise.all(
          readers.map((r, i) => r.api.put(`/api/comments/${ids[(round + i * 3) % ids.length]}/reaction`, { type: (round + i) % 3 ? 'like' : 'dislike' })),
        );
      }
    })();
    try {
      for (const sort of ['likes', 'replies']) {
        const seen: string[] = [];
        let page = (await list(a, `?sort=${sort}&limit=2`)).body;
        seen.push(...page.items.map((i: Item) => i.id));
        while (page.nextCursor) {
          await new Promise((resolve) => setTimeout(resolve, 30));
          page = (await list(a, `?sort=${sort}&limit=2&cursor=${page.nextCursor}`)).body;
          seen.push(...page.items.map((i: Item) => i.id));
        }
        expect(seen.length).toBe(ids.length);
        expect([...seen].sort()).toEqual([...ids].sort());
      }
    } finally {
      reacting = false;
      await reactions;
    }
  });

  test('a walk by likes whose ranking expired answers 410 CURSOR_EXPIRED', async () => {
    const a = article('expired');
    for (let i = 0; i < 3; i++) await publish(alice, a);
    const { nextCursor } = (await list(a, '?sort=likes&limit=1')).body;
    const redis = t.app.get<Redis>(REDIS);
    const keys = await redis.keys(`${t.config.queuePrefix}:rank:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    const response = await list(a, `?sort=likes&limit=1&cursor=${nextCursor}`);
    expect(response.status).toBe(410);
    expect(response.body).toEqual({ statusCode: 410, error: 'CURSOR_EXPIRED', message: expect.any(String), field: 'cursor' });
  });

  test('highlights: best are top comments with at least BEST_MIN_LIKES likes by likes − dislikes, earlier first on ties, at most BEST_COMMENTS_COUNT', async () => {
    const a = article('best');
    const [first, second, third, fourth] = [await publish(alice, a), await publish(bob, a), await publish(alice, a), await publish(bob, a)];
    const reply = await publish(alice, a, first);
    const set = (id: string, likes: number, dislikes = 0) => sql.run('UPDATE comments SET likes = $1, dislikes = $2 WHERE id = $3', [likes, dislikes, id]);
    await set(first, 5, 1); // 4
    await set(second, 6, 2); // 4, later than first
    await set(third, 9, 0); // 9
    await set(fourth, 2, 0); // under BEST_MIN_LIKES
    await set(reply, 50, 0); // a reply: never best
    const response = await get(`/api/articles/${encodeURIComponent(a)}/comments/highlights`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBeTruthy();
    expect(response.body.featured).toEqual([]);
    expect(response.body.best.map((i: Item) => i.id)).toEqual([third, first]);
  });
});
