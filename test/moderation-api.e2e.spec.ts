import { Redis } from 'ioredis';
import { DATABASES, TEST_REDIS_URL } from './support/databases.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

let articleCounter = 0;
const article = () => `mod-article-${++articleCounter}-${Date.now() % 1e6}`;

async function submit(r: Reader, articleId: string, body: string): Promise<string> {
  const response = await post(r, articleId, { body, articleTitle: 'A story' });
  if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

/** A comment the rules hold for review ("idiot" is a suspect word). */
async function held(r: Reader, articleId: string, body = 'The minister is an idiot'): Promise<string> {
  const id = await submit(r, articleId, body);
  expect(await decided(r, id)).toMatchObject({ status: 'in_review' });
  return id;
}

let remarks = 0;
const REMARKS = ['careful reporting', 'the minister', 'the summit talks', 'the budget vote', 'local schools', 'the harbour plan', 'trade figures', 'the election'];
// Distinct words each time: the same text twice from one reader is held by the duplicate rule.
const remark = () => `A thoughtful remark about ${REMARKS[remarks % REMARKS.length]} and ${REMARKS[(remarks++ * 3 + 1) % REMARKS.length]}, number ${remarks}`;

async function published(r: Reader, articleId: string, body = remark()): Promise<string> {
  const id = await submit(r, articleId, body);
  expect(await decided(r, id)).toMatchObject({ status: 'published' });
  return id;
}

async function publicIds(t: TestApp, articleId: string): Promise<string[]> {
  const page = await (await new Browser(t.url).get(`/api/articles/${articleId}/comments?limit=100`, { 'cache-control': 'no-cache' })).json();
  return page.items.map((c: { id: string }) => c.id);
}

/** Comment events as other processes hear them (Redis pub/sub). */
async function listen(t: TestApp): Promise<{ events: Record<string, unknown>[]; close(): void }> {
  const subscriber = new Redis(TEST_REDIS_URL);
  const events: Record<string, unknown>[] = [];
  await subscriber.subscribe(`${t.config.queuePrefix}:comment-events`);
  subscriber.on('message', (_channel: string, message: string) => events.push(...(JSON.parse(message) as { events: Record<string, unknown>[] }).events));
  return { events, close: () => subscriber.disconnect() };
}

describe.each(DATABASES)('moderation API on %s', (kind) => {
  let t: TestApp;
  let admin: SignedInModerator;
  let mod: SignedInModerator;
  let other: SignedInModerator;
  let author: Reader;

  beforeAll(async () => {
    t = await startTestApp(kind, { REPORT_THRESHOLD: '2', COMMENT_RATE_LIMIT: '1000' });
    [admin, mod, other, author] = await Promise.all([moderator(t, 'admin'), moderator(t), moderator(t), reader(t)]);
  });
  afterAll(() => t.close());

  test('every route: anonymous 401, a reader 403, moderators and admins as their role allows', async () => {
    const commentId = await held(author, article());
    const zero = '00000000-0000-0000-0000-000000000000';
    const routes: [method: string, path: string, body: unknown, adminOnly: boolean][] = [
      ['GET', '/api/moderation/session', undefined, false],
      ['GET', '/api/moderation/queue?queue=review', undefined, false],
      ['GET', '/api/moderation/queue/counts', undefined, false],
      ['GET', `/api/moderation/comments/${commentId}`, undefined, false],
      ['POST', `/api/moderation/comments/${zero}/approve`, {}, false],
      ['POST', `/api/moderation/comments/${zero}/reject`, { reason: 'spam' }, false],
      ['POST', '/api/moderation/comments/bulk', { ids: [zero], action: 'approve' }, false],
      ['GET', `/api/moderation/commenters/${author.id}`, undefined, false],
      ['POST', `/api/moderation/commenters/${zero}/ban`, { reason: 'x' }, false],
      ['POST', `/api/moderation/commenters/${zero}/unban`, {}, false],
      ['GET', '/api/moderation/log', undefined, false],
      ['GET', `/api/moderation/articles/${encodeURIComponent(article())}`, undefined, false],
      ['PATCH', `/api/moderation/articles/${encodeURIComponent(article())}`, { commentsOpen: true }, false],
      ['GET', '/api/moderation/moderators', undefined, true],
      ['POST', '/api/moderation/moderators', { email: 'bad' }, true],
      ['PATCH', `/api/moderation/moderators/${zero}`, {}, true],
      ['POST', `/api/moderation/moderators/${zero}/disable`, {}, true],
      ['POST', `/api/moderation/moderators/${zero}/enable`, {}, true],
      ['POST', `/api/moderation/moderators/${zero}/reset-password`, {}, true],
      ['DELETE', '/api/moderation/session', undefined, false], // last: it signs the caller out
    ];
    const send = (b: Browser, method: string, path: string, body: unknown) =>
      b.request(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const [asMod, asAdmin] = await Promise.all([moderator(t), moderator(t, 'admin')]);
    for (const [method, path, body, adminOnly] of routes) {
      const anonymous = await send(new Browser(t.url), method, path, body);
      expect([path, anonymous.status, (await anonymous.json()).error]).toEqual([path, 401, 'UNAUTHENTICATED']);
      const asReader = await send(author.api, method, path, body);
      expect([path, asReader.status, (await asReader.json()).error]).toEqual([path, 403, 'FORBIDDEN']);
      const m = await send(asMod.api, method, path, body);
      if (adminOnly) expect([path, m.status]).toEqual([path, 403]);
      else expect([path, [401, 403].includes(m.status)]).toEqual([path, false]);
      const a = await send(asAdmin.api, method, path, body);
      expect([path, [401, 403].includes(a.status)]).toEqual([path, false]);
    }
  });

  test('an article: comments closed and reopened, pre-moderation on and off, each change in the audit log', async () => {
    const articleId = article();
    const path = `/api/moderation/articles/${encodeURIComponent(articleId)}`;
    const r = await reader(t);
    expect((await mod.api.get(path)).status).toBe(404); // nobody has commented yet
    const list = async () => (await new Browser(t.url).get(`/api/articles/${encodeURIComponent(articleId)}/comments`)).json();
    expect(await list()).toMatchObject({ total: 0, commentsOpen: true }); // now cached

    // Closed before the first comment: the article is created with the setting.
    const closing = await mod.api.patch(path, { commentsOpen: false, note: 'legal hold' });
    expect(closing.status).toBe(200);
    expect(await closing.json()).toEqual({ id: articleId, url: null, title: null, commentsOpen: false, moderationMode: null, publishedCount: 0, createdAt: expect.any(String) });
    expect(await list()).toMatchObject({ commentsOpen: false }); // the cached page was dropped
    const refused = await post(r, articleId, { body: 'Can I still comment?' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ statusCode: 403, error: 'COMMENTS_CLOSED' });

    // Reopened, and held for review: a clean comment waits for a moderator.
    expect(await (await mod.dashboard.patch(path, { commentsOpen: true, moderationMode: 'pre' }, mod.csrf)).json()).toMatchObject({ commentsOpen: true, moderationMode: 'pre' });
    expect((await mod.dashboard.patch(path, { commentsOpen: false })).status).toBe(403); // the dashboard cookie needs its CSRF token
    const waiting = await submit(r, articleId, remark());
    expect(await decided(r, waiting)).toMatchObject({ status: 'in_review' });
    expect((await (await mod.api.get(`/api/moderation/comments/${waiting}`)).json()).findings).toEqual([expect.objectContaining({ rule: 'premoderation' })]);
    expect(await (await mod.api.patch(path, { moderationMode: null })).json()).toMatchObject({ commentsOpen: true, moderationMode: null });
    await published(r, articleId);
    expect(await (await mod.api.get(path)).json()).toMatchObject({ id: articleId, commentsOpen: true, moderationMode: null, title: null });

    for (const [body, field] of [
      [{}, 'body'],
      [{ commentsOpen: 'no' }, 'commentsOpen'],
      [{ moderationMode: 'later' }, 'moderationMode'],
      [{ commentsOpen: true, open: false }, 'open'],
    ] as const) {
      const bad = await mod.api.patch(path, body);
      expect([bad.status, await bad.json()]).toEqual([400, expect.objectContaining({ error: 'VALIDATION_FAILED', field })]);
    }

    const log = await (await admin.api.get('/api/moderation/log?limit=100')).json();
    const changes = log.items.filter((e: { action: string; detail: { articleId?: string } | null }) => e.action === 'article.update' && e.detail?.articleId === articleId);
    expect(changes.map((e: { detail: unknown }) => e.detail)).toEqual([
      { articleId, moderationMode: null, wasMode: 'pre' },
      { articleId, commentsOpen: true, wasOpen: false, moderationMode: 'pre', wasMode: null },
      { articleId, commentsOpen: false, wasOpen: true },
    ]);
    expect(changes[2]).toMatchObject({ moderator: { id: mod.id, email: mod.email }, note: 'legal hold' });
  });

  test('the review queue: oldest first, with findings, article, author history; keyset pages; counts', async () => {
    const articleId = article();
    const r = await reader(t);
    const first = await held(r, articleId, 'You idiot, read the story');
    const second = await held(r, articleId, 'Another stupid take');
    await published(r, articleId);

    const page1 = await (await mod.api.get(`/api/moderation/queue?queue=review&articleId=${articleId}&limit=1`)).json();
    expect(page1.items).toHaveLength(1);
    const item = page1.items[0];
    expect(item.comment).toMatchObject({ id: first, articleId, status: 'in_review', body: 'You idiot, read the story', reportCount: 0, hidden: false });
    expect(item.article).toEqual({ id: articleId, title: 'A story', url: null });
    expect(item.findings).toEqual([expect.objectContaining({ rule: expect.any(String), start: 4, end: 9, excerpt: 'idiot' })]);
    expect(item.reports).toEqual([]);
    expect(item.author).toMatchObject({
      id: r.id,
      displayName: expect.any(String),
      firstSeenAt: expect.any(String),
      history: { pending: 0, in_review: 2, published: 1, rejected: 0, total: 3 },
      banned: false,
      bans: [],
    });
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await (await mod.api.get(`/api/moderation/queue?queue=review&articleId=${articleId}&limit=1&cursor=${page1.nextCursor}`)).json();
    expect(page2.items.map((i: { comment: { id: string } }) => i.comment.id)).toEqual([second]);
    expect(page2.nextCursor).toBeNull();

    expect(await (await mod.api.get(`/api/moderation/queue/counts?articleId=${articleId}`)).json()).toEqual({ review: 2, reported: 0, rejected: 0, published: 1 });
    const bad = await mod.api.get('/api/moderation/queue?queue=everything');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('VALIDATION_FAILED');
    expect((await mod.api.get('/api/moderation/queue?cursor=nonsense')).status).toBe(400);
  });

  test('approve publishes, reject with a reason removes; both reversible with expectedStatus, logged with the moderator, announced with actor', async () => {
    const articleId = article();
    const id = await held(author, articleId);
    const listener = await listen(t);
    try {
      const approved = await mod.api.post(`/api/moderation/comments/${id}/approve`, { note: 'fair criticism' });
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({ previous: 'in_review', comment: { id, status: 'published' } });
      await waitFor(async () => (await publicIds(t, articleId)).includes(id), 5000, 'comment in the public list');

      const noReason = await mod.api.post(`/api/moderation/comments/${id}/reject`, {});
      expect(noReason.status).toBe(400);
      const badReason = await mod.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'rude' });
      expect((await badReason.json()).error).toBe('VALIDATION_FAILED');

      const rejected = await other.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'abuse', note: 'on second thought', expectedStatus: 'published' });
      expect(rejected.status).toBe(200);
      expect((await rejected.json()).comment).toMatchObject({ status: 'rejected', reason: 'abuse' });
      expect(await decided(author, id)).toMatchObject({ status: 'rejected', reason: 'abuse' });
      await waitFor(async () => !(await publicIds(t, articleId)).includes(id), 5000, 'comment gone from the public list');

      const back = await mod.api.post(`/api/moderation/comments/${id}/approve`, { expectedStatus: 'rejected' });
      expect((await back.json()).comment.status).toBe('published');

      await waitFor(() => Promise.resolve(listener.events.filter((e) => e.commentId === id).length >= 3), 5000, 'events');
      expect(listener.events.filter((e) => e.commentId === id)).toEqual([
        expect.objectContaining({ type: 'comment.changed', from: 'in_review', to: 'published', actor: 'moderator', actorId: mod.id, articleId }),
        expect.objectContaining({ type: 'comment.changed', from: 'published', to: 'rejected', actor: 'moderator', actorId: other.id, reason: 'abuse' }),
        expect.objectContaining({ type: 'comment.changed', from: 'rejected', to: 'published', actor: 'moderator', actorId: mod.id }),
      ]);
    } finally {
      listener.close();
    }

    const log = await (await admin.api.get(`/api/moderation/log?commentId=${id}`)).json();
    expect(log.items).toEqual([
      expect.objectContaining({ action: 'comment.approve', moderator: { id: mod.id, email: mod.email }, from: 'rejected', to: 'published' }),
      expect.objectContaining({ action: 'comment.reject', moderator: { id: other.id, email: other.email }, reason: 'abuse', note: 'on second thought' }),
      expect.objectContaining({ action: 'comment.approve', moderator: { id: mod.id, email: mod.email }, from: 'in_review', note: 'fair criticism' }),
    ]);
    // Each line names the comment by its words and its author by name, as read now.
    for (const entry of log.items) expect(entry).toMatchObject({ commentExcerpt: 'The minister is an idiot', commenterName: expect.stringMatching(/^Reader /), articleTitle: null });
    const byOther = await (await admin.api.get(`/api/moderation/log?moderatorId=${other.id}`)).json();
    expect(byOther.items.map((e: { action: string }) => e.action)).toEqual(['comment.reject']);

    const conflict = await mod.api.post(`/api/moderation/comments/${id}/approve`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'CONFLICT', current: { id, status: 'published' } });
    const missing = await mod.api.post('/api/moderation/comments/00000000-0000-0000-0000-000000000000/approve');
    expect(missing.status).toBe(404);
  });

  test('two moderators deciding one comment at once: one 200, one 409 CONFLICT with the current state; applied once', async () => {
    const articleId = article();
    // Without expectedStatus a decision applies only to a comment still waiting for one, so the
    // later of any two conflicts; with it, any other status than the one seen does.
    for (const [a, b, seen] of [
      ['approve', 'approve', {}],
      ['approve', 'reject', {}],
      ['approve', 'reject', { expectedStatus: 'in_review' }],
      ['reject', 'reject', {}],
    ] as const) {
      const id = await held(author, articleId);
      const call = (m: SignedInModerator, action: string) =>
        m.api.post(`/api/moderation/comments/${id}/${action}`, action === 'reject' ? { reason: 'spam', ...seen } : seen);
      const responses = await Promise.all([call(mod, a), call(other, b)]);
      expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = responses.find((r) => r.status === 409)!;
      const winner = await responses.find((r) => r.status === 200)!.json();
      expect(await loser.json()).toMatchObject({ error: 'CONFLICT', current: { id, status: winner.comment.status } });
      const log = await (await admin.api.get(`/api/moderation/log?commentId=${id}`)).json();
      expect(log.items).toHaveLength(1);
    }
    const counts = await (await mod.api.get(`/api/moderation/queue/counts?articleId=${articleId}`)).json();
    expect(counts.review).toBe(0);
  });

  test('the dashboard cookie decides too, but only with its X-CSRF-Token', async () => {
    const id = await held(author, article());
    const refused = await mod.dashboard.post(`/api/moderation/comments/${id}/reject`, { reason: 'spam' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('CSRF_FAILED');
    const wrong = await mod.dashboard.post(`/api/moderation/comments/${id}/reject`, { reason: 'spam' }, { 'x-csrf-token': other.csrfToken });
    expect((await wrong.json()).error).toBe('CSRF_FAILED');
    expect((await (await mod.api.get(`/api/moderation/comments/${id}`)).json()).comment.status).toBe('in_review');
    const ok = await mod.dashboard.post(`/api/moderation/comments/${id}/reject`, { reason: 'spam', expectedStatus: 'in_review' }, mod.csrf);
    expect(ok.status).toBe(200);
    expect((await mod.dashboard.get('/api/moderation/queue/counts')).status).toBe(200);
  });

  test('bulk: a result per id; conflicts and unknown ids do not stop the others; reversals need expectedStatus', async () => {
    const articleId = article();
    const [a, b] = [await held(author, articleId), await held(author, articleId)];
    const done = await published(author, articleId);
    const unknown = '00000000-0000-0000-0000-000000000000';
    const response = await mod.api.post('/api/moderation/comments/bulk', { ids: [a, b, done, unknown], action: 'reject', reason: 'spam' });
    expect(response.status).toBe(200);
    expect((await response.json()).results).toEqual([
      { id: a, ok: true, status: 'rejected' },
      { id: b, ok: true, status: 'rejected' },
      { id: done, ok: false, error: 'CONFLICT', status: 'published' },
      { id: unknown, ok: false, error: 'NOT_FOUND', status: null },
    ]);
    const removed = await (await mod.api.post('/api/moderation/comments/bulk', { ids: [done], action: 'reject', reason: 'spam', expectedStatus: 'published' })).json();
    expect(removed.results).toEqual([{ id: done, ok: true, status: 'rejected' }]);
    const again = await (await mod.api.post('/api/moderation/comments/bulk', { ids: [a, b], action: 'approve', expectedStatus: 'rejected' })).json();
    expect(again.results).toEqual([
      { id: a, ok: true, status: 'published' },
      { id: b, ok: true, status: 'published' },
    ]);
    const conflicts = await (await mod.api.post('/api/moderation/comments/bulk', { ids: [a], action: 'approve' })).json();
    expect(conflicts.results).toEqual([{ id: a, ok: false, error: 'CONFLICT', status: 'published' }]);
    const noReason = await mod.api.post('/api/moderation/comments/bulk', { ids: [a], action: 'reject' });
    expect(noReason.status).toBe(400);
    expect((await mod.api.post('/api/moderation/comments/bulk', { ids: [], action: 'approve' })).status).toBe(400);
  });

  test('bans: COMMENTER_BANNED on POST, pending comments rejected on request, profile, unban, and an expired until no longer bans', async () => {
    const articleId = article();
    const r = await reader(t);
    const waiting = await held(r, articleId);
    await published(r, articleId);

    const banned = await mod.api.post(`/api/moderation/commenters/${r.id}/ban`, { reason: 'spam', note: 'link farm', rejectPending: true });
    expect(banned.status).toBe(200);
    const body = await banned.json();
    expect(body).toEqual({
      ban: expect.objectContaining({ reason: 'spam', note: 'link farm', until: null, createdBy: mod.id, active: true }),
      rejected: [waiting],
    });
    expect(await decided(r, waiting)).toMatchObject({ status: 'rejected', reason: 'spam' });

    const refused = await post(r, articleId, { body: 'Let me speak' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toBe('COMMENTER_BANNED');

    const profile = await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json();
    expect(profile).toMatchObject({
      commenter: { id: r.id, provider: 'twitter' },
      banned: true,
      activeBan: { reason: 'spam' },
      history: { published: 1, rejected: 1, in_review: 0, total: 2 },
    });
    expect(profile.bans).toHaveLength(1);
    expect(profile.recent).toHaveLength(2);

    const unbanned = await mod.api.post(`/api/moderation/commenters/${r.id}/unban`);
    expect(await unbanned.json()).toEqual({ banned: false, lifted: 1 });
    expect((await post(r, articleId, { body: 'Thanks for having me back' })).status).toBe(202);

    const past = await mod.api.post(`/api/moderation/commenters/${r.id}/ban`, { reason: 'spam', until: new Date(Date.now() - 1000).toISOString() });
    expect(past.status).toBe(400);
    const until = new Date(Date.now() + 1500).toISOString();
    expect((await mod.api.post(`/api/moderation/commenters/${r.id}/ban`, { reason: 'cooling off', until })).status).toBe(200);
    expect((await post(r, articleId, { body: 'Still here' })).status).toBe(403);
    await waitFor(async () => (await post(r, articleId, { body: 'The ban ran out' })).status === 202, 5000, 'the ban to run out');

    expect((await mod.api.get('/api/moderation/commenters/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    const log = await (await admin.api.get(`/api/moderation/log?commenterId=${r.id}`)).json();
    expect(log.items.map((e: { action: string }) => e.action)).toEqual(['commenter.ban', 'commenter.unban', 'comment.reject', 'commenter.ban']);
  });

  test('reports: once per reader, only published comments; the threshold puts it in the reported queue (still visible); approve clears it', async () => {
    const articleId = article();
    const id = await published(author, articleId);
    const inReview = await held(author, articleId);
    const [r1, r2, r3] = await Promise.all([reader(t), reader(t), reader(t)]);
    const listener = await listen(t);
    try {
      const first = await r1.api.post(`/api/comments/${id}/reports`, { reason: 'abuse', note: 'rude' });
      expect(first.status).toBe(201);
      const answer = await first.json();
      expect(answer).toEqual({ commentId: id, reason: 'abuse', createdAt: expect.any(String) });
      const repeat = await r1.api.post(`/api/comments/${id}/reports`, { reason: 'spam' });
      expect(repeat.status).toBe(201);
      expect(await repeat.json()).toEqual(answer);
      expect((await (await mod.api.get(`/api/moderation/comments/${id}`)).json()).comment.reportCount).toBe(1);
      expect((await (await mod.api.get(`/api/moderation/queue/counts?articleId=${articleId}`)).json()).reported).toBe(0);

      expect((await r2.api.post(`/api/comments/${id}/reports`, { reason: 'spam' })).status).toBe(201);
      const queue = await (await mod.api.get(`/api/moderation/queue?queue=reported&articleId=${articleId}`)).json();
      expect(queue.items).toHaveLength(1);
      expect(queue.items[0].comment).toMatchObject({ id, status: 'published', reportCount: 2, hidden: false, reportedAt: expect.any(String) });
      expect(queue.items[0].reports).toEqual([
        expect.objectContaining({ reason: 'spam', reporterId: r2.id }),
        expect.objectContaining({ reason: 'abuse', note: 'rude', reporterId: r1.id }),
      ]);
      expect(await publicIds(t, articleId)).toContain(id);
      await waitFor(() => Promise.resolve(listener.events.some((e) => e.type === 'comment.reported')), 5000, 'comment.reported');
      expect(listener.events.filter((e) => e.type === 'comment.reported')).toEqual([
        { type: 'comment.reported', articleId, commentId: id, reportCount: 2, hidden: false },
      ]);
      // A third reader after the threshold: counted, not announced again.
      expect((await r3.api.post(`/api/comments/${id}/reports`, { reason: 'other' })).status).toBe(201);

      const notPublished = await r1.api.post(`/api/comments/${inReview}/reports`, { reason: 'spam' });
      expect(notPublished.status).toBe(409);
      expect((await notPublished.json()).error).toBe('COMMENT_NOT_PUBLISHED');
      const own = await author.api.post(`/api/comments/${id}/reports`, { reason: 'spam' });
      expect((await own.json()).error).toBe('OWN_COMMENT');
      expect((await r1.api.post('/api/comments/00000000-0000-0000-0000-000000000000/reports', { reason: 'spam' })).status).toBe(404);
      expect((await r1.api.post(`/api/comments/${id}/reports`, { reason: 'boring' })).status).toBe(400);
      expect((await new Browser(t.url).post(`/api/comments/${id}/reports`, { reason: 'spam' })).status).toBe(401);

      const [x, y] = await Promise.all([mod.api.post(`/api/moderation/comments/${id}/approve`), other.api.post(`/api/moderation/comments/${id}/approve`)]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
      const after = await (await mod.api.get(`/api/moderation/comments/${id}`)).json();
      expect(after.comment).toMatchObject({ status: 'published', reportCount: 0, reportedAt: null });
      expect((await (await mod.api.get(`/api/moderation/queue/counts?articleId=${articleId}`)).json()).reported).toBe(0);
      await waitFor(() => Promise.resolve(listener.events.some((e) => e.commentId === id && e.type === 'comment.changed')), 5000, 'approval event');
      expect(listener.events.find((e) => e.commentId === id && e.type === 'comment.changed')).toMatchObject({ from: 'published', to: 'published', reportsCleared: true });
    } finally {
      listener.close();
    }
    const log = await (await admin.api.get(`/api/moderation/log?commentId=${id}`)).json();
    expect(log.items.map((e: { action: string }) => e.action)).toEqual(['comment.approve', 'comment.reported']);
    expect(log.items[1].moderator).toBeNull();
  });

  test('moderator-account changes are in the audit trail; the log pages by cursor', async () => {
    const created = await (await admin.api.post('/api/moderation/moderators', { email: `audited-${kind}@desk.test` })).json();
    await admin.api.post(`/api/moderation/moderators/${created.moderator.id}/disable`);
    const log = await (await admin.api.get(`/api/moderation/log?moderatorId=${admin.id}&limit=1`)).json();
    expect(log.items).toEqual([
      expect.objectContaining({ action: 'moderator.disable', moderator: { id: admin.id, email: admin.email }, targetModerator: { id: created.moderator.id, email: `audited-${kind}@desk.test` } }),
    ]);
    const next = await (await admin.api.get(`/api/moderation/log?moderatorId=${admin.id}&limit=1&cursor=${log.nextCursor}`)).json();
    expect(next.items).toEqual([expect.objectContaining({ action: 'moderator.add', detail: expect.objectContaining({ role: 'moderator', via: 'api' }) })]);
  });
});

describe.each(DATABASES)('HIDE_REPORTED on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { REPORT_THRESHOLD: '1', HIDE_REPORTED: 'true' });
  });
  afterAll(() => t.close());

  test('a reported comment leaves the public list until a moderator approves it again', async () => {
    const [author, r1, mod] = await Promise.all([reader(t), reader(t), moderator(t)]);
    const articleId = article();
    const id = await published(author, articleId);
    const keep = await published(author, articleId, 'Another comment that stays');
    await waitFor(async () => (await publicIds(t, articleId)).length === 2, 5000, 'both published');

    expect((await r1.api.post(`/api/comments/${id}/reports`, { reason: 'personal_information' })).status).toBe(201);
    await waitFor(async () => !(await publicIds(t, articleId)).includes(id), 5000, 'hidden from the list');
    const page = await (await new Browser(t.url).get(`/api/articles/${articleId}/comments`)).json();
    expect(page.total).toBe(1);
    expect((await new Browser(t.url).get(`/api/comments/${id}`)).status).toBe(404);
    const queued = await (await mod.api.get(`/api/moderation/queue?queue=reported&articleId=${articleId}`)).json();
    expect(queued.items.map((i: { comment: { id: string; hidden: boolean } }) => [i.comment.id, i.comment.hidden])).toEqual([[id, true]]);

    expect((await mod.api.post(`/api/moderation/comments/${id}/approve`)).status).toBe(200);
    await waitFor(async () => (await publicIds(t, articleId)).includes(id), 5000, 'back in the list');
    const back = await (await new Browser(t.url).get(`/api/articles/${articleId}/comments`)).json();
    expect(back.total).toBe(2);
    expect(back.items.map((c: { id: string }) => c.id)).toEqual([keep, id]);
  });
});
