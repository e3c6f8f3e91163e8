import { LiveEvents } from '../src/dashboard/live-events.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { EventStream } from './support/event-stream.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader, waitFor } from './support/readers.js';

describe.each(DATABASES)('GET /api/moderation/events on %s', (kind) => {
  let t: TestApp;
  const streams: EventStream[] = [];
  const open = async (app: TestApp, headers: Record<string, string> = {}) => {
    const stream = await EventStream.open(`${app.url}/api/moderation/events`, headers);
    streams.push(stream);
    return stream;
  };
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  afterAll(() => t.close());

  test('anonymous 401, a reader 403, a moderator (token or dashboard cookie) gets a stream', async () => {
    const anonymous = await open(t);
    expect(anonymous.response.status).toBe(401);
    expect(await anonymous.response.json()).toMatchObject({ error: 'UNAUTHENTICATED' });

    const r = await reader(t);
    const asReader = await open(t, { authorization: `Bearer ${r.token}` });
    expect(asReader.response.status).toBe(403);

    const m = await moderator(t);
    const byToken = await open(t, { authorization: `Bearer ${m.token}` });
    expect(byToken.response.status).toBe(200);
    expect(byToken.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(byToken.response.headers.get('cache-control')).toBe('no-store');
    expect(byToken.response.headers.get('content-security-policy')).toBeTruthy(); // security headers kept

    const byCookie = await open(t, { cookie: `cs_mod=${m.dashboard.cookie('cs_mod')}` });
    expect(byCookie.response.status).toBe(200);
    await waitFor(async () => t.app.get(LiveEvents).size === 2, 2000, 'two open streams');
  });

  test('a stream that closes is forgotten', async () => {
    const m = await moderator(t);
    const before = t.app.get(LiveEvents).size;
    const stream = await open(t, { authorization: `Bearer ${m.token}` });
    await waitFor(async () => t.app.get(LiveEvents).size === before + 1, 2000, 'the stream to register');
    stream.close();
    await waitFor(async () => t.app.get(LiveEvents).size === before, 2000, 'the stream to be dropped');
  });

  test('a held comment arrives as an item; another moderator’s decision arrives as a decision; counts follow', async () => {
    const watcher = await moderator(t);
    const other = await moderator(t);
    const stream = await open(t, { authorization: `Bearer ${watcher.token}` });
    expect(stream.response.status).toBe(200);

    const r = await reader(t);
    const article = `${kind}-events-${Date.now()}`;
    const { id } = await (await post(r, article, { body: 'The minister is a moron' })).json();
    expect((await decided(r, id)).status).toBe('in_review');
    expect(await stream.next('item', (d) => d.commentId === id)).toEqual({ commentId: id, articleId: article, queue: 'review' });

    expect(await stream.next('counts', (d) => d.review === 1)).toEqual({ review: 1, reported: 0, rejected: 0, published: 0 });

    expect((await other.api.post(`/api/moderation/comments/${id}/approve`, {})).status).toBe(200);
    expect(await stream.next('decision', (d) => d.commentId === id)).toEqual({
      commentId: id,
      articleId: article,
      from: 'in_review',
      to: 'published',
      actor: 'moderator',
      moderatorId: other.id,
      reason: null,
    });
    expect(await stream.next('counts', (d) => d.published === 1)).toEqual({ review: 0, reported: 0, rejected: 0, published: 1 });
  });

  test('a decision made in another API process reaches this one (Redis pub/sub)', async () => {
    const m = await moderator(t);
    const r = await reader(t);
    const second = await startTestApp(kind, { QUEUE_PREFIX: t.config.queuePrefix, RUN_WORKER: 'false' }, t.database);
    try {
      // (Tokens name their issuer, the service's URL, which differs here; the dashboard cookie does not.)
      const stream = await open(second, { cookie: `cs_mod=${m.dashboard.cookie('cs_mod')}` });
      expect(stream.response.status).toBe(200);
      const { id } = await (await post(r, `${kind}-events-2-${Date.now()}`, { body: 'What a stupid idea' })).json();
      expect((await decided(r, id)).status).toBe('in_review');
      await stream.next('item', (d) => d.commentId === id);
      expect((await m.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'abuse' })).status).toBe(200);
      expect(await stream.next('decision', (d) => d.commentId === id)).toMatchObject({ to: 'rejected', moderatorId: m.id, reason: 'abuse' });
    } finally {
      await second.close();
    }
  });
});
