import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { EventStream } from './support/event-stream.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const ZERO = '00000000-0000-0000-0000-000000000000';

describe.each(DATABASES)("editor's picks on %s", (kind) => {
  let t: TestApp;
  let author: Reader;
  let desk: SignedInModerator;
  let other: SignedInModerator;

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000' });
    [author, desk, other] = await Promise.all([reader(t, 'Pick Author'), moderator(t), moderator(t)]);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-picks-${name}-${Date.now()}`;
  let n = 0;
  async function submit(articleId: string, body: string, parentId?: string): Promise<string> {
    const response = await post(author, articleId, parentId ? { body, parentId } : { body });
    expect(response.status).toBe(202);
    return (await response.json()).id;
  }
  /** A clean comment, published (each text different: the rules hold repeats). */
  async function published(articleId: string, parentId?: string): Promise<string> {
    const id = await submit(articleId, `A measured remark number ${++n} about ${['ports', 'parks', 'tariffs', 'buses'][n % 4]} ${n}`, parentId);
    expect((await decided(author, id)).status).toBe('published');
    return id;
  }
  /** A comment the rules hold for review ("idiot" is a suspect word). */
  async function held(articleId: string, parentId?: string): Promise<string> {
    const id = await submit(articleId, `The minister is an idiot, take ${++n}`, parentId);
    expect((await decided(author, id)).status).toBe('in_review');
    return id;
  }
  const feature = (m: SignedInModerator, id: string, on = true) => m.api.post(`/api/moderation/comments/${id}/${on ? 'feature' : 'unfeature'}`, {});
  const highlights = async (articleId: string) => (await fetch(`${t.url}/api/articles/${encodeURIComponent(articleId)}/comments/highlights`)).json();
  const featuredIds = async (articleId: string) => (await highlights(articleId)).featured.map((c: { id: string }) => c.id);
  const audit = async (commentId: string) =>
    ((await (await desk.api.get(`/api/moderation/log?commentId=${commentId}`)).json()).items as Array<{ action: string; moderator: { id: string } | null; commenterId: string }>)
      .filter((e) => e.action.endsWith('feature'));

  test('feature and unfeature: highlights, the live event, one audit row each, repeats change nothing', async () => {
    const a = article('toggle');
    const id = await published(a);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      expect(await featuredIds(a)).toEqual([]); // cached now: featuring must drop it

      const on = await feature(desk, id);
      expect(on.status).toBe(200);
      const body = await on.json();
      expect(body).toEqual({ changed: true, comment: expect.objectContaining({ id, status: 'published', featured: true, featuredAt: expect.any(String) }) });
      expect(await stream.next('featured')).toEqual({ type: 'featured', id, featured: true });
      const shown = await highlights(a);
      expect(shown.featured).toEqual([expect.objectContaining({ id, featured: true, body: expect.any(String) })]);
      expect((await (await fetch(`${t.url}/api/articles/${encodeURIComponent(a)}/comments`)).json()).items[0]).toMatchObject({ id, featured: true });
      expect((await (await desk.api.get(`/api/moderation/comments/${id}`)).json()).comment).toMatchObject({ featured: true, featuredAt: body.comment.featuredAt });

      // A repeat (by anyone) is a no-op: same time, no second row, no event.
      const again = await feature(other, id);
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ changed: false, comment: { featured: true, featuredAt: body.comment.featuredAt } });

      const off = await feature(desk, id, false);
      expect(off.status).toBe(200);
      expect(await off.json()).toMatchObject({ changed: true, comment: { featured: false, featuredAt: null } });
      expect(await stream.next('featured', (e: { featured: boolean }) => !e.featured)).toEqual({ type: 'featured', id, featured: false });
      expect(await featuredIds(a)).toEqual([]);
      expect(await (await feature(other, id, false)).json()).toMatchObject({ changed: false });

      expect(await audit(id)).toEqual([
        expect.objectContaining({ action: 'comment.unfeature', moderator: expect.objectContaining({ id: desk.id }), commenterId: author.id }),
        expect.objectContaining({ action: 'comment.feature', moderator: expect.objectContaining({ id: desk.id }), commenterId: author.id }),
      ]);
      expect(stream.events.filter((e) => e.event === 'featured')).toHaveLength(2);
    } finally {
      stream.close();
    }
  });

  test('two moderators featuring at once: one change, one audit row', async () => {
    const a = article('race');
    const id = await published(a);
    const answers = await Promise.all([feature(desk, id), feature(other, id), feature(desk, id), feature(other, id)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const changed = (await Promise.all(answers.map((r) => r.json()))).filter((b) => b.changed);
    expect(changed).toHaveLength(1);
    expect((await audit(id)).map((e) => e.action)).toEqual(['comment.feature']);
  });

  test('only published, visible comments: 409 COMMENT_NOT_PUBLISHED, 404 for unknown ids', async () => {
    const a = article('unpublished');
    const waiting = await held(a);
    for (const path of [`${waiting}/feature`, `${waiting}/unfeature`]) {
      const refused = await desk.api.post(`/api/moderation/comments/${path}`, {});
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ statusCode: 409, error: 'COMMENT_NOT_PUBLISHED', status: 'in_review' });
    }
    for (const id of [ZERO, 'not-an-id']) {
      const missing = await feature(desk, id);
      expect([missing.status, (await missing.json()).error]).toEqual([404, 'NOT_FOUND']);
    }

    // A pick that is removed stops showing at once; featuredAt is kept until a moderator withdraws it.
    const pick = await published(a);
    expect((await feature(desk, pick)).status).toBe(200);
    expect(await featuredIds(a)).toEqual([pick]);
    expect((await desk.api.post(`/api/moderation/comments/${pick}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
    await waitFor(async () => (await featuredIds(a)).length === 0, 5000, 'the pick to leave the highlights');
    const view = (await (await desk.api.get(`/api/moderation/comments/${pick}`)).json()).comment;
    expect(view).toMatchObject({ status: 'rejected', featured: false, featuredAt: expect.any(String) });
    const refeature = await feature(desk, pick);
    expect([refeature.status, (await refeature.json()).error]).toEqual([409, 'COMMENT_NOT_PUBLISHED']);
    const withdrawn = await feature(desk, pick, false);
    expect([withdrawn.status, (await withdrawn.json()).comment.featuredAt]).toEqual([200, null]);
    expect((await feature(desk, pick, false)).status).toBe(409); // neither a pick nor published now
    expect((await audit(pick)).map((e) => e.action)).toEqual(['comment.unfeature', 'comment.feature']);
  });

  test('readers and anonymous callers are refused; the dashboard cookie needs the CSRF token', async () => {
    const id = await published(article('guards'));
    for (const path of [`/api/moderation/comments/${id}/feature`, `/api/moderation/comments/${id}/unfeature`]) {
      const anonymous = await new Browser(t.url).post(path, {});
      expect([anonymous.status, (await anonymous.json()).error]).toEqual([401, 'UNAUTHENTICATED']);
      const asReader = await author.api.post(path, {});
      expect([asReader.status, (await asReader.json()).error]).toEqual([403, 'FORBIDDEN']);
      const noCsrf = await desk.dashboard.post(path, {});
      expect([noCsrf.status, (await noCsrf.json()).error]).toEqual([403, 'CSRF_FAILED']);
    }
    expect((await desk.dashboard.post(`/api/moderation/comments/${id}/feature`, {}, desk.csrf)).status).toBe(200);
    expect(await audit(id)).toHaveLength(1);
  });

  test("a reply in the queue carries the comment it answers, for context", async () => {
    const a = article('context');
    const top = await published(a);
    const reply = await held(a, top);
    const item = await (await desk.api.get(`/api/moderation/comments/${reply}`)).json();
    expect(item.parent).toEqual({ id: top, body: expect.stringContaining('A measured remark'), status: 'published', author: { id: author.id, displayName: 'Pick Author' } });
    const queue = await (await desk.api.get(`/api/moderation/queue?queue=review&articleId=${encodeURIComponent(a)}`)).json();
    expect(queue.items.map((i: { comment: { id: string }; parent: { id: string } | null }) => [i.comment.id, i.parent?.id])).toEqual([[reply, top]]);
    expect((await (await desk.api.get(`/api/moderation/comments/${top}`)).json()).parent).toBeNull();
  });
});
