import { DATABASES } from './support/databases.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

let articleCounter = 0;
const article = () => `sanctions-${++articleCounter}-${Date.now() % 1e6}`;
let remarks = 0;
// Distinct words each time: the same text twice from one reader is held by the duplicate rule.
const WORDS = ['harbour', 'budget', 'schools', 'summit', 'trade', 'election', 'rail', 'parks', 'housing'];
const remark = () => `A calm remark on the ${WORDS[remarks % 9]} and the ${WORDS[Math.floor(remarks++ / 9) % 9]} plans, number ${remarks}`;

async function submit(r: Reader, articleId: string, body: string): Promise<string> {
  const response = await post(r, articleId, { body, articleTitle: 'A story' });
  if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

const ZERO = '00000000-0000-0000-0000-000000000000';

describe.each(DATABASES)('sanctions on %s', (kind) => {
  let t: TestApp;
  let admin: SignedInModerator;
  let mod: SignedInModerator;

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', EDIT_WINDOW_SECONDS: '600' });
    [admin, mod] = await Promise.all([moderator(t, 'admin'), moderator(t)]);
  });
  afterAll(() => t.close());

  const actionsOn = async (commenterId: string) =>
    ((await (await admin.api.get(`/api/moderation/log?commenterId=${commenterId}&limit=100`)).json()).items as Array<{ action: string; note: string | null; moderator: { id: string } | null }>);

  test('warn: the reader sees it (no-store, oldest first), acknowledges it (idempotent), then it is gone; another reader cannot acknowledge it', async () => {
    const [r, other] = await Promise.all([reader(t), reader(t)]);
    expect(await (await r.api.get('/api/me/warnings')).json()).toEqual({ items: [] });

    const first = await mod.api.post(`/api/moderation/commenters/${r.id}/warn`, { message: '  Please keep it civil.  ' });
    expect(first.status).toBe(201);
    const { warning } = await first.json();
    expect(warning).toEqual({ id: expect.any(Number), commenterId: r.id, message: 'Please keep it civil.', createdAt: expect.any(String), createdBy: mod.id, acknowledgedAt: null });
    // Through the dashboard's cookie too, with its CSRF token (and never without).
    expect((await admin.dashboard.post(`/api/moderation/commenters/${r.id}/warn`, { message: 'Second: <b>no</b> links' })).status).toBe(403);
    const second = await admin.dashboard.post(`/api/moderation/commenters/${r.id}/warn`, { message: 'Second: <b>no</b> links' }, admin.csrf);
    expect(second.status).toBe(201);
    const secondId = (await second.json()).warning.id;

    const listed = await r.api.get('/api/me/warnings');
    expect(listed.headers.get('cache-control')).toBe('no-store');
    expect(await listed.json()).toEqual({
      items: [
        { id: warning.id, message: 'Please keep it civil.', createdAt: warning.createdAt },
        { id: secondId, message: 'Second: <b>no</b> links', createdAt: expect.any(String) },
      ],
    });
    expect(await (await other.api.get('/api/me/warnings')).json()).toEqual({ items: [] });

    // Someone else's warning, an unknown one, a malformed id: 404, and nothing acknowledged.
    for (const id of [warning.id, 999999999, 'abc']) {
      const refused = await other.api.post(`/api/me/warnings/${id}/acknowledge`);
      expect([id, refused.status, (await refused.json()).error]).toEqual([id, 404, 'NOT_FOUND']);
    }
    expect((await (await r.api.get('/api/me/warnings')).json()).items).toHaveLength(2);

    const ack = await r.api.post(`/api/me/warnings/${warning.id}/acknowledge`);
    expect(ack.status).toBe(204);
    expect((await r.api.post(`/api/me/warnings/${warning.id}/acknowledge`)).status).toBe(204);
    expect((await (await r.api.get('/api/me/warnings')).json()).items.map((w: { id: number }) => w.id)).toEqual([secondId]);

    const profile = await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json();
    expect(profile.warnings).toEqual([
      expect.objectContaining({ id: secondId, createdBy: admin.id, acknowledgedAt: null }),
      expect.objectContaining({ id: warning.id, createdBy: mod.id, acknowledgedAt: expect.any(String) }),
    ]);

    const log = await actionsOn(r.id);
    expect(log.map((e) => [e.action, e.note, e.moderator?.id])).toEqual([
      ['commenter.warn', 'Second: <b>no</b> links', admin.id],
      ['commenter.warn', 'Please keep it civil.', mod.id],
    ]);
  });

  test('premod: a clean comment and a clean edit go to review (premoderated_commenter), a banned word still rejects; unpremod publishes again', async () => {
    const r = await reader(t);
    const articleId = article();
    const before = await submit(r, articleId, remark());
    expect(await decided(r, before)).toMatchObject({ status: 'published' });

    for (let i = 0; i < 2; i++) {
      const on = await mod.api.post(`/api/moderation/commenters/${r.id}/premod`);
      expect([on.status, await on.json()]).toEqual([200, { premoderated: true }]);
    }
    expect(await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json()).toMatchObject({ premoderated: true });

    const held = await submit(r, articleId, remark());
    expect(await decided(r, held)).toMatchObject({ status: 'in_review', reason: 'premoderated_commenter' });
    expect((await (await mod.api.get(`/api/moderation/comments/${held}`)).json()).findings).toEqual([expect.objectContaining({ rule: 'premoderated_commenter', verdict: 'review' })]);
    const refused = await submit(r, articleId, 'fuck');
    expect(await decided(r, refused)).toMatchObject({ status: 'rejected', reason: 'banned_word' });

    // An edit of the comment published before: held too, while the public keeps the published text.
    expect((await r.api.patch(`/api/comments/${before}`, { body: remark() })).status).toBe(202);
    const edited = await waitFor(async () => {
      const view = await (await mod.api.get(`/api/moderation/comments/${before}`)).json();
      return view.comment.revisionStatus === 'in_review' ? view : undefined;
    }, 10_000, 'the edit to be held');
    expect(edited.revisions.at(-1)).toMatchObject({ status: 'in_review', reason: 'premoderated_commenter' });

    for (let i = 0; i < 2; i++) {
      const off = await mod.dashboard.post(`/api/moderation/commenters/${r.id}/unpremod`, undefined, mod.csrf);
      expect([off.status, await off.json()]).toEqual([200, { premoderated: false }]);
    }
    expect(await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json()).toMatchObject({ premoderated: false });
    const after = await submit(r, articleId, remark());
    expect(await decided(r, after)).toMatchObject({ status: 'published', reason: null });

    // Audited once per change, not per call.
    expect((await actionsOn(r.id)).map((e) => e.action)).toEqual(['commenter.unpremod', 'commenter.premod']);
  });

  test('notes: newest first with author and time, in the profile', async () => {
    const r = await reader(t);
    const first = await mod.api.post(`/api/moderation/commenters/${r.id}/notes`, { text: 'Argues in good faith; watch the links.' });
    expect(first.status).toBe(201);
    const { note } = await first.json();
    expect(note).toEqual({ id: expect.any(Number), text: 'Argues in good faith; watch the links.', createdAt: expect.any(String), createdBy: { id: mod.id, email: mod.email } });
    expect(Math.abs(new Date(note.createdAt).getTime() - Date.now())).toBeLessThan(60_000);
    const second = await admin.dashboard.post(`/api/moderation/commenters/${r.id}/notes`, { text: 'Warned on the night shift.' }, admin.csrf);
    expect(second.status).toBe(201);

    const profile = await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json();
    expect(profile.notes).toEqual([
      { id: expect.any(Number), text: 'Warned on the night shift.', createdAt: expect.any(String), createdBy: { id: admin.id, email: admin.email } },
      note,
    ]);
    // A note is for moderators: the reader's warnings say nothing of it.
    expect(await (await r.api.get('/api/me/warnings')).json()).toEqual({ items: [] });
  });

  test('validation: message 1–500 and text 1–2000 after trim, unknown fields, unknown commenter', async () => {
    const r = await reader(t);
    const cases: [path: string, body: unknown, field: string][] = [
      ['warn', {}, 'message'],
      ['warn', { message: '   ' }, 'message'],
      ['warn', { message: 'x'.repeat(501) }, 'message'],
      ['warn', { message: 42 }, 'message'],
      ['warn', { message: 'ok', extra: 1 }, 'extra'],
      ['notes', {}, 'text'],
      ['notes', { text: '' }, 'text'],
      ['notes', { text: 'x'.repeat(2001) }, 'text'],
    ];
    for (const [path, body, field] of cases) {
      const bad = await mod.api.post(`/api/moderation/commenters/${r.id}/${path}`, body);
      expect([path, body, bad.status, await bad.json()]).toEqual([path, body, 400, expect.objectContaining({ statusCode: 400, error: 'VALIDATION_FAILED', field })]);
    }
    expect((await mod.api.post(`/api/moderation/commenters/${r.id}/warn`, { message: 'x'.repeat(500) })).status).toBe(201);
    expect((await mod.api.post(`/api/moderation/commenters/${r.id}/notes`, { text: 'x'.repeat(2000) })).status).toBe(201);

    for (const [path, body] of [['warn', { message: 'hi' }], ['notes', { text: 'hi' }], ['premod', undefined], ['unpremod', undefined]] as const) {
      for (const id of [ZERO, 'not-an-id']) {
        const missing = await mod.api.post(`/api/moderation/commenters/${id}/${path}`, body);
        expect([path, id, missing.status, (await missing.json()).error]).toEqual([path, id, 404, 'NOT_FOUND']);
      }
    }
  });

  test('signed out 401, a reader 403 on the moderators’ routes; the reader’s routes need a reader', async () => {
    const r = await reader(t);
    const routes: [string, unknown][] = [
      [`/api/moderation/commenters/${r.id}/warn`, { message: 'hi' }],
      [`/api/moderation/commenters/${r.id}/premod`, undefined],
      [`/api/moderation/commenters/${r.id}/unpremod`, undefined],
      [`/api/moderation/commenters/${r.id}/notes`, { text: 'hi' }],
    ];
    for (const [path, body] of routes) {
      const anonymous = await new Browser(t.url).post(path, body);
      expect([path, anonymous.status, (await anonymous.json()).error]).toEqual([path, 401, 'UNAUTHENTICATED']);
      const asReader = await r.api.post(path, body);
      expect([path, asReader.status, (await asReader.json()).error]).toEqual([path, 403, 'FORBIDDEN']);
    }
    const profile = await (await mod.api.get(`/api/moderation/commenters/${r.id}`)).json();
    expect(profile).toMatchObject({ premoderated: false, warnings: [], notes: [] });
    expect((await actionsOn(r.id)).length).toBe(0);

    expect((await new Browser(t.url).get('/api/me/warnings')).status).toBe(401);
    expect((await new Browser(t.url).post('/api/me/warnings/1/acknowledge')).status).toBe(401);
    // A moderator is not a reader.
    expect((await mod.api.get('/api/me/warnings')).status).toBe(401);
  });
});
