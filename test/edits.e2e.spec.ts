import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Article } from '../src/comments/article.entity.js';
import { Comment } from '../src/comments/comment.entity.js';
import { Sql } from '../src/db/sql.js';
import { ModerateComment } from '../src/moderation/worker/moderate-comment.js';
import { ModerationService } from '../src/moderation/decisions/moderation.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { EventStream } from './support/event-stream.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const WINDOW = 20;

interface Own {
  id: string;
  parentId: string | null;
  body: string;
  status: string;
  reason: string | null;
  editCount: number;
  editedAt: string | null;
  editableUntil: string | null;
  pendingBody: string | null;
  createdAt: string;
}

interface Revision {
  id: string;
  body: string;
  status: string;
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

describe.each(DATABASES)('editing and deleting your own comment on %s', (kind) => {
  let t: TestApp;
  let alice: Reader;
  let bob: Reader;
  let desk: SignedInModerator;
  let sql: Sql;
  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', EDIT_WINDOW_SECONDS: String(WINDOW) });
    [alice, bob, desk] = await Promise.all([reader(t, 'Alice Edit'), reader(t, 'Bob Edit'), moderator(t)]);
    sql = t.app.get(Sql);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-edits-${name}-${Date.now()}`;
  let n = 0;
  const WORDS = ['trade', 'schools', 'transit', 'housing', 'rivers', 'budgets', 'museums', 'farms', 'bridges', 'ports', 'courts', 'parks'];
  /** A clean text, different words each time (the duplicate rules hold repeats and ignore numbers). */
  const clean = () => {
    n++;
    return `A calm remark on ${WORDS[n % 12]}, ${WORDS[Math.floor(n / 12) % 12]} and ${WORDS[Math.floor(n / 144) % 12]}.`;
  };
  /** A text the rules hold for review ("idiot" is a suspect word). */
  const suspect = () => `${clean()} The minister is an idiot.`;

  const edit = (r: Reader, id: string, body: unknown) => r.api.patch(`/api/comments/${id}`, body);
  const remove = (r: Reader, id: string) => r.api.request('DELETE', `/api/comments/${id}`);
  const own = async (r: Reader, id: string): Promise<Own> => (await r.api.get(`/api/comments/${id}`)).json();
  const list = async (articleId: string) => (await fetch(`${t.url}/api/articles/${encodeURIComponent(articleId)}/comments`)).json();
  const countOf = async (articleId: string) => (await (await fetch(`${t.url}/api/counts?articleIds=${encodeURIComponent(articleId)}`)).json()).counts[articleId];
  const modView = async (id: string) => (await desk.api.get(`/api/moderation/comments/${id}`)).json();
  const reviewIds = async () => ((await (await desk.api.get('/api/moderation/queue?queue=review&limit=100')).json()).items as Array<{ comment: { id: string } }>).map((i) => i.comment.id);

  async function submit(r: Reader, articleId: string, body: string, status: string): Promise<string> {
    const response = await post(r, articleId, { body });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe(status);
    return id;
  }

  /** Waits until the author's view satisfies `done`. */
  const ownUntil = (r: Reader, id: string, done: (o: Own) => boolean, what: string) =>
    waitFor(async () => {
      const o = await own(r, id);
      return done(o) ? o : undefined;
    }, 10_000, what);

  test('the author edits a published comment: the public keeps its text until the edit is published, then sees the new one with editedAt', async () => {
    const a = article('published');
    const before = clean();
    const id = await submit(alice, a, before, 'published');
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      // Held for review first: the public must keep the published text meanwhile.
      const held = suspect();
      const response = await edit(alice, id, { body: held });
      expect(response.status).toBe(202);
      const accepted: Own = await response.json();
      expect(accepted).toMatchObject({ id, status: 'published', body: before, pendingBody: held, editCount: 1, editedAt: null, parentId: null });
      expect(new Date(accepted.editableUntil!).getTime()).toBe(new Date(accepted.createdAt).getTime() + WINDOW * 1000);

      await waitFor(async () => (await reviewIds()).includes(id), 10_000, 'the held edit in the review queue');
      const item = await modView(id);
      expect(item.comment).toMatchObject({ id, status: 'published', body: before, editCount: 1, revisionStatus: 'in_review' });
      expect(item.revisions).toEqual([
        expect.objectContaining({ body: before, status: 'published', createdAt: accepted.createdAt, decidedAt: expect.any(String) }),
        expect.objectContaining({ body: held, status: 'in_review', reason: 'suspect_word', findings: [expect.objectContaining({ rule: 'suspect_word' })] }),
      ]);
      expect((await list(a)).items).toEqual([expect.objectContaining({ id, body: before, editedAt: null })]);
      expect(await own(alice, id)).toMatchObject({ body: before, pendingBody: held });

      // A moderator approves the held edit: its text is now the comment's.
      const revisionId = (item.revisions as Revision[]).at(-1)!.id;
      const approved = await desk.api.post(`/api/moderation/comments/${id}/approve`, { expectedStatus: 'published', revisionId });
      expect(approved.status).toBe(200);
      expect((await approved.json()).comment).toMatchObject({ body: held, status: 'published', revisionStatus: null, editedAt: expect.any(String) });
      const page = await list(a);
      expect(page.total).toBe(1);
      expect(page.items).toEqual([expect.objectContaining({ id, body: held, editedAt: expect.any(String) })]);
      const edited = await stream.next<{ comment: { id: string; body: string; editedAt: string } }>('edited', (e) => e.comment.id === id);
      expect(edited.comment).toMatchObject({ body: held, editedAt: expect.any(String) });
      expect(await own(alice, id)).toMatchObject({ body: held, pendingBody: null, editedAt: expect.any(String), editCount: 1 });
      expect(await reviewIds()).not.toContain(id);

      // A clean second edit goes through the rules alone.
      const after = clean();
      expect((await edit(alice, id, { body: after })).status).toBe(202);
      await ownUntil(alice, id, (o) => o.body === after && o.pendingBody === null, 'the clean edit to be published');
      expect((await list(a)).items[0]).toMatchObject({ body: after });
      const revisions = (await modView(id)).revisions as Revision[];
      expect(revisions.map((r) => [r.body, r.status])).toEqual([
        [before, 'published'],
        [held, 'published'],
        [after, 'published'],
      ]);
    } finally {
      stream.close();
    }
  });

  test('an edit the rules reject takes the comment out of the list, and its author sees why', async () => {
    const a = article('rejected');
    const id = await submit(alice, a, clean(), 'published');
    expect(await countOf(a)).toBe(1);
    const rude = 'What a fucking disgrace';
    expect((await edit(alice, id, { body: rude })).status).toBe(202);
    const o = await ownUntil(alice, id, (c) => c.status === 'rejected', 'the edit to be rejected');
    expect(o).toMatchObject({ body: rude, reason: 'banned_word', pendingBody: null, editableUntil: null });
    expect((await list(a)).items).toEqual([]);
    expect(await countOf(a)).toBe(0);
    expect((await fetch(`${t.url}/api/comments/${id}`)).status).toBe(404);
    expect(((await modView(id)).revisions as Revision[]).map((r) => [r.status, r.reason])).toEqual([
      ['published', null],
      ['rejected', 'banned_word'],
    ]);
    // A rejected comment is not edited again.
    const again = await edit(alice, id, { body: clean() });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('COMMENT_REJECTED');
  });

  test('an edit of a comment not yet published replaces its text, and it is judged again', async () => {
    const a = article('unpublished');
    const first = suspect();
    const id = await submit(alice, a, first, 'in_review');
    expect(await reviewIds()).toContain(id);
    const second = clean();
    const response = await edit(alice, id, { body: second });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ body: second, status: 'pending', pendingBody: null, editCount: 1 });
    const o = await ownUntil(alice, id, (c) => c.status === 'published', 'the new text to be published');
    // The public never saw another text: no "(edited)".
    expect(o.editedAt).toBeNull();
    expect((await list(a)).items).toEqual([expect.objectContaining({ id, body: second, editedAt: null })]);
    expect(await reviewIds()).not.toContain(id);
    expect(((await modView(id)).revisions as Revision[]).map((r) => [r.body, r.status, r.reason])).toEqual([
      [first, 'superseded', 'suspect_word'],
      [second, 'published', null],
    ]);
  });

  test('a moderator deciding a text the author has since replaced gets 409 CONFLICT, with the current state', async () => {
    // A held comment, never edited: the moderator reads it (revisionId null) and the author edits it, still held.
    const a = article('race');
    const id = await submit(alice, a, suspect(), 'in_review');
    const seen = await modView(id);
    expect(seen.revisions).toEqual([]);
    const replaced = suspect();
    expect((await edit(alice, id, { body: replaced })).status).toBe(202);
    await ownUntil(alice, id, (c) => c.status === 'in_review', 'the new text to be held');
    const stale = await desk.api.post(`/api/moderation/comments/${id}/approve`, { expectedStatus: 'in_review', revisionId: null });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: 'CONFLICT', current: { id, status: 'in_review', editCount: 1 } });
    expect((await list(a)).items).toEqual([]);

    // A published comment's held edit, replaced by another while the moderator looked at the first.
    const b = article('race-published');
    const published = clean();
    const pid = await submit(alice, b, published, 'published');
    expect((await edit(alice, pid, { body: suspect() })).status).toBe(202);
    await waitFor(async () => (await reviewIds()).includes(pid), 10_000, 'the first edit held');
    const firstEdit = ((await modView(pid)).revisions as Revision[]).at(-1)!;
    const secondText = suspect();
    expect((await edit(alice, pid, { body: secondText })).status).toBe(202);
    await waitFor(async () => ((await modView(pid)).revisions as Revision[]).at(-1)?.status === 'in_review', 10_000, 'the second edit held');
    for (const action of ['approve', 'reject']) {
      const response = await desk.api.post(`/api/moderation/comments/${pid}/${action}`, { expectedStatus: 'published', revisionId: firstEdit.id, reason: action === 'reject' ? 'abuse' : undefined });
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: 'CONFLICT', current: { status: 'published', editCount: 2, revisionStatus: 'in_review' } });
    }
    expect((await list(b)).items[0]).toMatchObject({ body: published });
    const revisions = (await modView(pid)).revisions as Revision[];
    expect(revisions.map((r) => r.status)).toEqual(['published', 'superseded', 'in_review']);
    const current = revisions.at(-1)!;
    expect((await desk.api.post(`/api/moderation/comments/${pid}/approve`, { expectedStatus: 'published', revisionId: current.id })).status).toBe(200);
    expect((await list(b)).items[0]).toMatchObject({ body: secondText, editedAt: expect.any(String) });
  });

  test("a decision the rules made on an older text does not land on the new one (edit_count)", async () => {
    const a = article('worker-race');
    const id = await submit(alice, a, suspect(), 'in_review');
    expect((await edit(alice, id, { body: clean() })).status).toBe(202);
    // A job that read the comment before the edit comes back with its verdict: nothing changes.
    const stale = await t.app.get(ModerationService).transition({ commentId: id, from: ['pending', 'in_review'], to: 'rejected', actor: 'rules', reason: 'banned_word', editCount: 0 });
    expect(stale.changed).toBe(false);
    expect((await ownUntil(alice, id, (c) => c.status !== 'pending', 'the new text to be judged')).status).toBe('published');
  });

  test('errors: 401, 404, 403 NOT_AUTHOR, the length rules, 409 EDIT_WINDOW_CLOSED, EDIT_LIMIT_REACHED; the same text twice uses no edit', async () => {
    const a = article('errors');
    const id = await submit(alice, a, clean(), 'published');
    const anonymous = await fetch(`${t.url}/api/comments/${id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'x' }) });
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toBe('UNAUTHENTICATED');
    expect((await fetch(`${t.url}/api/comments/${id}`, { method: 'DELETE' })).status).toBe(401);

    for (const response of [await edit(bob, id, { body: clean() }), await remove(bob, id)]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ statusCode: 403, error: 'NOT_AUTHOR', message: expect.any(String) });
    }
    expect((await edit(alice, randomUUID(), { body: clean() })).status).toBe(404);
    expect((await remove(alice, 'not-an-id')).status).toBe(404);

    const empty = await edit(alice, id, { body: '   ' });
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toBe('COMMENT_EMPTY');
    const long = await edit(alice, id, { body: '가'.repeat(251) });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ error: 'COMMENT_TOO_LONG', length: 251, limit: 250 });
    for (const body of [{}, { body: 42 }, { body: 'x', parentId: id }]) {
      const response = await edit(alice, id, body);
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('VALIDATION_FAILED');
    }

    // The same text again (a retried request) is a no-op.
    const same = await edit(alice, id, { body: (await own(alice, id)).body });
    expect(same.status).toBe(202);
    expect((await same.json()).editCount).toBe(0);

    // Three edits, then no more.
    for (let i = 1; i <= 3; i++) {
      const text = clean();
      const response = await edit(alice, id, { body: text });
      expect(response.status).toBe(202);
      expect((await response.json()).editCount).toBe(i);
      await ownUntil(alice, id, (c) => c.body === text, `edit ${i} to be published`);
    }
    const fourth = await edit(alice, id, { body: clean() });
    expect(fourth.status).toBe(409);
    expect(await fourth.json()).toMatchObject({ error: 'EDIT_LIMIT_REACHED', limit: 3 });
    expect((await own(alice, id)).editableUntil).toBeNull();

    // Past the window.
    const late = await submit(alice, a, clean(), 'published');
    await sql.run('UPDATE comments SET created_at = $1 WHERE id = $2', [new Date(Date.now() - (WINDOW + 1) * 1000), late]);
    const closed = await edit(alice, late, { body: clean() });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toMatchObject({ error: 'EDIT_WINDOW_CLOSED', editWindowSeconds: WINDOW });
  });

  test('DELETE: 204, and the comment leaves the list, the counts and the stream at once; nobody publishes it again', async () => {
    const a = article('delete');
    const keep = await submit(bob, a, clean(), 'published');
    const id = await submit(alice, a, clean(), 'published');
    expect((await list(a)).total).toBe(2);
    expect(await countOf(a)).toBe(2);
    const stream = await EventStream.open(`${t.url}/api/articles/${encodeURIComponent(a)}/events`);
    try {
      expect((await remove(alice, id)).status).toBe(204);
      const page = await list(a);
      expect(page.total).toBe(1);
      expect(page.items.map((i: { id: string }) => i.id)).toEqual([keep]);
      expect(await countOf(a)).toBe(1);
      expect((await fetch(`${t.url}/api/comments/${id}`)).status).toBe(404);
      expect(await stream.next('removed', (e) => e.id === id)).toEqual({ type: 'removed', id, parentId: null, total: 1, placeholder: null });
    } finally {
      stream.close();
    }
    expect(await own(alice, id)).toMatchObject({ status: 'deleted', editableUntil: null });
    // Again: nothing more happens.
    expect((await remove(alice, id)).status).toBe(204);
    const edited = await edit(alice, id, { body: clean() });
    expect(edited.status).toBe(409);
    expect((await edited.json()).error).toBe('COMMENT_DELETED');

    // Moderators still see it, with its history; no decision moves it.
    expect((await modView(id)).comment).toMatchObject({ id, status: 'deleted' });
    for (const body of [{}, { expectedStatus: 'rejected' }, { expectedStatus: 'published' }]) {
      const approve = await desk.api.post(`/api/moderation/comments/${id}/approve`, body);
      expect(approve.status).toBe(409);
      expect((await approve.json()).current.status).toBe('deleted');
    }
    const reject = await desk.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'spam', expectedStatus: 'published' });
    expect(reject.status).toBe(409);
    const profile = await (await desk.api.get(`/api/moderation/commenters/${alice.id}`)).json();
    expect(profile.history.deleted).toBeGreaterThanOrEqual(1);
    const log = await t.app.get(DataSource).query(`SELECT from_status, to_status, actor FROM moderation_log WHERE comment_id = ${kind === 'sqlite' ? '?' : '$1'} ORDER BY id`, [id]);
    expect(log.at(-1)).toEqual({ from_status: 'published', to_status: 'deleted', actor: 'author' });
    expect((await list(a)).total).toBe(1);
  });

  test('a deleted top comment with published replies stays as a placeholder', async () => {
    const a = article('placeholder');
    const top = await submit(alice, a, clean(), 'published');
    const response = await post(bob, a, { body: clean(), parentId: top });
    const { id: reply } = await response.json();
    expect((await decided(bob, reply)).status).toBe('published');
    expect((await remove(alice, top)).status).toBe(204);
    const page = await list(a);
    expect(page.total).toBe(1);
    expect(page.items).toEqual([expect.objectContaining({ id: top, deleted: true, body: null, author: null, replyCount: 1 })]);
  });

  test('deletion during moderation: a held comment leaves the review queue; a pending one is left alone by the job that comes later', async () => {
    const a = article('during');
    const held = await submit(alice, a, suspect(), 'in_review');
    expect((await remove(alice, held)).status).toBe(204);
    expect(await reviewIds()).not.toContain(held);
    expect((await desk.api.post(`/api/moderation/comments/${held}/approve`, {})).status).toBe(409);

    // A comment whose job has not run yet (no outbox row: the worker never sees it on its own).
    const dataSource = t.app.get(DataSource);
    const id = randomUUID();
    await dataSource.getRepository(Article).save({ id: a, createdAt: new Date() });
    await dataSource.getRepository(Comment).insert({ id, articleId: a, commenterId: alice.id, body: clean(), status: 'pending', createdAt: new Date() });
    const [before] = await dataSource.query(`SELECT comment_count FROM commenters WHERE id = ${kind === 'sqlite' ? '?' : '$1'}`, [alice.id]);
    expect((await remove(alice, id)).status).toBe(204);
    expect(await t.app.get(ModerateComment).run(id)).toBe('already-decided');
    expect((await dataSource.getRepository(Comment).findOneByOrFail({ id })).status).toBe('deleted');
    expect(await dataSource.query(`SELECT from_status, to_status, actor FROM moderation_log WHERE comment_id = ${kind === 'sqlite' ? '?' : '$1'}`, [id])).toEqual([
      { from_status: 'pending', to_status: 'deleted', actor: 'author' },
    ]);
    // Never judged, so never counted in the author's history (the rules' facts).
    const [after] = await dataSource.query(`SELECT comment_count FROM commenters WHERE id = ${kind === 'sqlite' ? '?' : '$1'}`, [alice.id]);
    expect(Number(after.comment_count)).toBe(Number(before.comment_count));
    expect((await list(a)).total).toBe(0);
  });

  test("deleting a published comment whose edit waits withdraws the edit", async () => {
    const a = article('delete-edit');
    const id = await submit(alice, a, clean(), 'published');
    expect((await edit(alice, id, { body: suspect() })).status).toBe(202);
    await waitFor(async () => (await reviewIds()).includes(id), 10_000, 'the edit held');
    expect((await remove(alice, id)).status).toBe(204);
    expect(await reviewIds()).not.toContain(id);
    const item = await modView(id);
    expect(item.comment).toMatchObject({ status: 'deleted', revisionStatus: null });
    expect((item.revisions as Revision[]).map((r) => r.status)).toEqual(['published', 'superseded']);
    expect((await list(a)).total).toBe(0);
  });
});
