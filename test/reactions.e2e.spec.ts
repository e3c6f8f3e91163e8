import { Sql } from '../src/db/sql.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES, TEST_REDIS_URL } from './support/databases.js';
import { EventStream } from './support/event-stream.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { freePort } from './support/ports.js';
import { spawnEntry } from './support/processes.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';
import { signIn } from './support/sign-in.js';

interface State {
  likes: number;
  dislikes: number;
  myReaction: 'like' | 'dislike' | null;
}

const RATE_LIMIT = 120;
const CROWD = 30;

describe.each(DATABASES)('reactions (공감 / 비공감) on %s', (kind) => {
  let t: TestApp;
  let author: Reader;
  let bob: Reader;
  let crowd: Reader[];
  let desk: SignedInModerator;
  let sql: Sql;
  const streams: EventStream[] = [];

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', REACTION_RATE_LIMIT: String(RATE_LIMIT), HIDE_REPORTED: 'true', REPORT_THRESHOLD: '1' });
    author = await reader(t, 'Author Kim');
    bob = await reader(t, 'Bob Lee');
    crowd = [];
    for (let i = 0; i < CROWD; i += 10) crowd.push(...(await Promise.all(Array.from({ length: 10 }, (_, j) => reader(t, `Crowd ${i + j}`)))));
    desk = await moderator(t);
    sql = t.app.get(Sql);
  }, 60_000);
  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-reactions-${name}-${Date.now()}`;
  const put = (r: Reader, id: string, body: unknown, base = t.url) => new Browser(base, { authorization: `Bearer ${r.token}` }).put(`/api/comments/${id}/reaction`, body);
  const remove = (r: Reader, id: string, base = t.url) => new Browser(base, { authorization: `Bearer ${r.token}` }).request('DELETE', `/api/comments/${id}/reaction`);
  const like = async (r: Reader, id: string, type: 'like' | 'dislike' = 'like'): Promise<State> => {
    const response = await put(r, id, { type });
    expect(response.status).toBe(200);
    return response.json();
  };
  const errorOf = async (response: Response) => ({ status: response.status, body: await response.json() });
  /** The counts on the comment and the rows behind them. */
  const stored = async (id: string) => {
    const [comment] = await sql.rows<{ likes: unknown; dislikes: unknown }>('SELECT likes, dislikes FROM comments WHERE id = $1', [id]);
    const rows = await sql.rows<{ type: string }>('SELECT type FROM comment_reactions WHERE comment_id = $1', [id]);
    return {
      counts: { likes: Number(comment!.likes), dislikes: Number(comment!.dislikes) },
      rows: { likes: rows.filter((r) => r.type === 'like').length, dislikes: rows.filter((r) => r.type === 'dislike').length },
    };
  };

  let n = 0;
  /** A clean comment by the author (each text different: the rules hold repeats), published. */
  async function publish(articleId: string): Promise<string> {
    n++;
    const words = ['trade', 'schools', 'transit', 'housing', 'rivers', 'budgets', 'museums', 'farms', 'bridges', 'ports', 'courts', 'parks'];
    const body = `A fair point on ${words[n % 12]}, ${words[Math.floor(n / 12) % 12]} and ${words[Math.floor(n / 144) % 12]} for ${kind}.`;
    const response = await post(author, articleId, { body });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(author, id)).status).toBe('published');
    return id;
  }

  test('like, switch to dislike, repeat (no-op), take back: counts and myReaction each time, stored rows agree', async () => {
    const id = await publish(article('basic'));
    expect(await like(bob, id)).toEqual({ likes: 1, dislikes: 0, myReaction: 'like' });
    expect(await like(crowd[0]!, id)).toEqual({ likes: 2, dislikes: 0, myReaction: 'like' });
    expect(await like(bob, id)).toEqual({ likes: 2, dislikes: 0, myReaction: 'like' });
    expect(await like(bob, id, 'dislike')).toEqual({ likes: 1, dislikes: 1, myReaction: 'dislike' });
    expect(await like(bob, id, 'dislike')).toEqual({ likes: 1, dislikes: 1, myReaction: 'dislike' });

    const taken = await remove(bob, id);
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ likes: 1, dislikes: 0, myReaction: null });
    const again = await remove(bob, id);
    expect(await again.json()).toEqual({ likes: 1, dislikes: 0, myReaction: null });
    expect(await stored(id)).toEqual({ counts: { likes: 1, dislikes: 0 }, rows: { likes: 1, dislikes: 0 } });
  });

  test('100 parallel PUTs by one reader change the count by exactly one; a parallel like/dislike/delete mix ends with counts equal to the rows', async () => {
    const id = await publish(article('race'));
    const answers = await Promise.all(Array.from({ length: 100 }, () => put(bob, id, { type: 'like' })));
    expect(answers.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(await stored(id)).toEqual({ counts: { likes: 1, dislikes: 0 }, rows: { likes: 1, dislikes: 0 } });

    const mix = await Promise.all(
      crowd.slice(0, 10).flatMap((r, i) => [
        put(r, id, { type: 'like' }),
        put(r, id, { type: 'dislike' }),
        i % 2 ? remove(r, id) : put(r, id, { type: i % 3 ? 'like' : 'dislike' }),
        put(r, id, { type: 'like' }),
      ]),
    );
    expect(mix.every((r) => r.status === 200)).toBe(true);
    const after = await stored(id);
    expect(after.counts).toEqual(after.rows);
    expect(after.rows.likes + after.rows.dislikes).toBeLessThanOrEqual(11);
  });

  test('many readers in parallel: exact counts', async () => {
    const id = await publish(article('crowd'));
    const answers = await Promise.all(crowd.map((r, i) => put(r, id, { type: i % 3 === 0 ? 'dislike' : 'like' })));
    expect(answers.map((r) => r.status)).toEqual(Array(CROWD).fill(200));
    expect(await stored(id)).toEqual({ counts: { likes: 20, dislikes: 10 }, rows: { likes: 20, dislikes: 10 } });
    expect(await like(bob, id)).toEqual({ likes: 21, dislikes: 10, myReaction: 'like' });
  });

  test('two API processes: 100 parallel PUTs by one reader spread over both still count once; a mix stays exact', async () => {
    const id = await publish(article('two-processes'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // A replica behind the same public address (tokens name it as their issuer).
    const second = await spawnEntry(
      'main',
      { ...t.database.env, REDIS_URL: TEST_REDIS_URL, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: t.url, QUEUE_PREFIX: t.config.queuePrefix, RUN_WORKER: 'false', REACTION_RATE_LIMIT: String(RATE_LIMIT), LOG_LEVEL: 'warn' },
      '',
      30_000,
    );
    try {
      await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok, 30_000, 'the second process');
      const one = crowd[20]!;
      const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => put(one, id, { type: 'like' }, i % 2 ? url : t.url)));
      expect(answers.map((r) => r.status)).toEqual(Array(100).fill(200));
      expect(await stored(id)).toEqual({ counts: { likes: 1, dislikes: 0 }, rows: { likes: 1, dislikes: 0 } });

      const mix = await Promise.all(
        crowd.slice(21, 29).flatMap((r, i) => [
          put(r, id, { type: 'dislike' }, url),
          put(r, id, { type: 'like' }, t.url),
          i % 2 ? remove(r, id, url) : put(r, id, { type: 'dislike' }, t.url),
          put(r, id, { type: 'like' }, url),
        ]),
      );
      expect(mix.every((r) => r.status === 200)).toBe(true);
      const after = await stored(id);
      expect(after.counts).toEqual(after.rows);

      // The second process keeps the reader and the comment in memory (both just used there); a
      // ban and a rejection made through the first are refused there on the very next request.
      const banned = crowd[21]!;
      expect((await put(banned, id, { type: 'like' }, url)).status).toBe(200);
      expect((await desk.api.post(`/api/moderation/commenters/${banned.id}/ban`, { reason: 'abuse' })).status).toBe(200);
      expect(await errorOf(await put(banned, id, { type: 'dislike' }, url))).toMatchObject({ status: 403, body: { error: 'COMMENTER_BANNED' } });
      expect((await desk.api.post(`/api/moderation/commenters/${banned.id}/unban`, {})).status).toBe(200);
      expect((await put(banned, id, { type: 'dislike' }, url)).status).toBe(200);

      expect((await desk.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
      expect(await errorOf(await put(crowd[22]!, id, { type: 'like' }, url))).toMatchObject({ status: 409, body: { error: 'COMMENT_NOT_PUBLISHED' } });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);

  test('errors: 400 VALIDATION_FAILED, 401 signed out, 403 FORBIDDEN_ORIGIN for a cookie from a foreign site', async () => {
    const id = await publish(article('errors'));
    for (const body of [{ type: 'love' }, {}, { type: 'like', extra: 1 }, 'like']) {
      const { status, body: error } = await errorOf(await put(bob, id, body));
      expect(status).toBe(400);
      expect(error).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String) });
    }
    expect((await errorOf(await put(bob, id, { type: 'love' }))).body.field).toBe('type');

    const anonymous = new Browser(t.url);
    expect(await errorOf(await anonymous.put(`/api/comments/${id}/reaction`, { type: 'like' }))).toEqual({
      status: 401,
      body: { statusCode: 401, error: 'UNAUTHENTICATED', message: expect.any(String) },
    });
    expect((await anonymous.request('DELETE', `/api/comments/${id}/reaction`)).status).toBe(401);

    // The session cookie, as first-party pages use it: same-origin passes, a foreign Origin is refused.
    const browser = new Browser(t.url);
    expect((await signIn(browser, 'twitter', { name: 'Cookie Reader' })).status).toBe(302);
    const foreign = await errorOf(await browser.put(`/api/comments/${id}/reaction`, { type: 'like' }, { origin: 'https://evil.example' }));
    expect(foreign).toMatchObject({ status: 403, body: { error: 'FORBIDDEN_ORIGIN' } });
    const own = await browser.put(`/api/comments/${id}/reaction`, { type: 'like' }, { origin: t.url });
    expect(own.status).toBe(200);
    expect((await own.json()).likes).toBe(1);
  });

  test('errors: 404 for an unknown, malformed or never-published comment; 409 OWN_COMMENT; 403 COMMENTER_BANNED', async () => {
    const a = article('visibility');
    for (const id of ['00000000-0000-7000-8000-000000000000', 'not-an-id']) {
      expect(await errorOf(await put(bob, id, { type: 'like' }))).toEqual({ status: 404, body: { statusCode: 404, error: 'NOT_FOUND', message: expect.any(String) } });
    }
    const { id: held } = await (await post(author, a, { body: 'The minister is an idiot' })).json();
    expect((await decided(author, held)).status).toBe('in_review');
    expect((await errorOf(await put(bob, held, { type: 'like' }))).body.error).toBe('NOT_FOUND');
    expect((await errorOf(await remove(bob, held))).body.error).toBe('NOT_FOUND');
    // Its author can see it, so the answer is the honest one.
    expect(await errorOf(await put(author, held, { type: 'like' }))).toEqual({ status: 409, body: { statusCode: 409, error: 'OWN_COMMENT', message: expect.any(String) } });

    const id = await publish(a);
    expect((await errorOf(await put(author, id, { type: 'dislike' }))).body.error).toBe('OWN_COMMENT');
    expect((await errorOf(await remove(author, id))).body.error).toBe('OWN_COMMENT');

    const banned = await reader(t, 'Banned Reader');
    expect((await desk.api.post(`/api/moderation/commenters/${banned.id}/ban`, { reason: 'abuse' })).status).toBe(200);
    expect(await errorOf(await put(banned, id, { type: 'like' }))).toEqual({ status: 403, body: { statusCode: 403, error: 'COMMENTER_BANNED', message: expect.any(String) } });
    expect((await errorOf(await remove(banned, id))).body.error).toBe('COMMENTER_BANNED');
    expect((await stored(id)).counts).toEqual({ likes: 0, dislikes: 0 });
  });

  test('409 COMMENT_NOT_PUBLISHED once a public comment is rejected, hidden after reports or deleted; its counts stay', async () => {
    const a = article('unpublished');
    const rejected = await publish(a);
    const hidden = await publish(a);
    const deleted = await publish(a);
    for (const id of [rejected, hidden, deleted]) await like(bob, id);

    expect((await desk.api.post(`/api/moderation/comments/${rejected}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
    expect((await crowd[0]!.api.post(`/api/comments/${hidden}/reports`, { reason: 'spam' })).status).toBe(201);
    expect((await author.api.request('DELETE', `/api/comments/${deleted}`)).status).toBe(204);

    for (const id of [rejected, hidden, deleted]) {
      expect(await errorOf(await put(crowd[1]!, id, { type: 'like' }))).toEqual({
        status: 409,
        body: { statusCode: 409, error: 'COMMENT_NOT_PUBLISHED', message: expect.any(String) },
      });
      expect((await errorOf(await remove(bob, id))).body.error).toBe('COMMENT_NOT_PUBLISHED');
      expect((await stored(id)).counts).toEqual({ likes: 1, dislikes: 0 });
    }
  });

  test('429 RATE_LIMITED past REACTION_RATE_LIMIT a minute, counted before the comment is looked up', async () => {
    const id = await publish(article('rate'));
    const eager = await reader(t, 'Eager Reader');
    const answers = await Promise.all(Array.from({ length: RATE_LIMIT }, (_, i) => (i % 2 ? remove(eager, id) : put(eager, id, { type: 'like' }))));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const refused = await put(eager, id, { type: 'like' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.any(String), retryAfter: expect.any(Number) });
    // An unknown comment costs no lookup once the limit is reached.
    expect((await errorOf(await put(eager, '00000000-0000-7000-8000-000000000000', { type: 'like' }))).status).toBe(429);
    // Others are not limited by it.
    expect((await put(bob, id, { type: 'like' })).status).toBe(200);
  });

  test('GET my-reactions: the reader\'s own, on that article only, never cached; 401 signed out', async () => {
    const a = article('mine');
    const [first, second, third] = [await publish(a), await publish(a), await publish(a)];
    const elsewhere = await publish(article('mine-elsewhere'));
    const mine = crowd[2]!;
    await like(mine, first);
    await like(mine, second, 'dislike');
    await like(mine, third);
    await remove(mine, third);
    await like(mine, elsewhere);
    await like(bob, first, 'dislike');

    const response = await mine.api.get(`/api/articles/${encodeURIComponent(a)}/my-reactions`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ reactions: { [first]: 'like', [second]: 'dislike' } });
    expect(await (await crowd[3]!.api.get(`/api/articles/${encodeURIComponent(a)}/my-reactions`)).json()).toEqual({ reactions: {} });
    expect((await fetch(`${t.url}/api/articles/${encodeURIComponent(a)}/my-reactions`)).status).toBe(401);
  });

  test('live: a burst of reactions reaches the article stream as `reactions` events, at most about one a second per comment, ending with the final counts; the list follows', async () => {
    const a = article('live');
    const id = await publish(a);
    const quiet = await publish(a);
    const listed = async () => (await (await fetch(`${t.url}/api/articles/${encodeURIComponent(a)}/comments`)).json()).items.find((i: { id: string }) => i.id === id);
    expect((await listed()).likes).toBe(0); // now cached
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    streams.push(stream);
    expect(stream.response.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));

    const started = Date.now();
    // Three waves over about 1.2 s: 24 likes and 3 dislikes in all.
    for (let wave = 0; wave < 3; wave++) {
      await Promise.all(crowd.slice(wave * 9, wave * 9 + 9).map((r, i) => put(r, id, { type: i === 0 ? 'dislike' : 'like' })));
      if (wave < 2) await new Promise((r) => setTimeout(r, 600));
    }
    const final = await stream.next('reactions', (e: { id: string; likes: number; dislikes: number }) => e.likes === 24 && e.dislikes === 3, 5000);
    expect(final).toEqual({ type: 'reactions', id, likes: 24, dislikes: 3 });
    const elapsed = Date.now() - started;

    const updates = stream.events.filter((e) => e.event === 'reactions' && (e.data as { id: string }).id === id);
    // Events carry no time: the count is the measure. A burst of 27 over ~1.2 s (plus the wait) fits in ≤ 1 + elapsed/1000 updates.
    expect(updates.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 1000));
    expect(updates.length).toBeGreaterThanOrEqual(2); // the first went out at once, the rest coalesced
    expect(stream.events.some((e) => e.event === 'reactions' && (e.data as { id: string }).id === quiet)).toBe(false);

    // No more come once the counts are out; the list shows them (the cached page was dropped).
    await new Promise((r) => setTimeout(r, 1300));
    expect(stream.events.filter((e) => e.event === 'reactions').length).toBe(updates.length);
    expect(await listed()).toMatchObject({ likes: 24, dislikes: 3 });
  });

  test('live updates are spaced by a second per comment', async () => {
    const a = article('spacing');
    const id = await publish(a);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    streams.push(stream);
    await new Promise((r) => setTimeout(r, 100));
    const arrivals: number[] = [];
    const started = Date.now();
    const watch = setInterval(() => {
      while (arrivals.length < stream.events.filter((e) => e.event === 'reactions').length) arrivals.push(Date.now());
    }, 5);
    try {
      for (const r of crowd.slice(0, 12)) {
        await like(r, id);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      await stream.next('reactions', (e: { likes: number }) => e.likes === 12, 3000);
    } finally {
      clearInterval(watch);
    }
    // 12 reactions over ~2 s: the first at once, then one update a second (arrival times jitter a little).
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals.length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / 1000));
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]! - arrivals[i - 1]!).toBeGreaterThanOrEqual(850);
  });
});
