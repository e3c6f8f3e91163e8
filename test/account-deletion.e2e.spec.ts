import { jest } from '@jest/globals';
import { Sql } from '../src/db/sql.js';
import { AccountDeletions } from '../src/readers/account/account-deletions.js';
import { AccountEraser } from '../src/readers/account/account-eraser.js';
import { AccountsQueue, deletionJobId } from '../src/readers/account/accounts.queue.js';
import { Retention } from '../src/readers/account/retention.js';
import { ReaderData } from '../src/readers/reader-data.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const HOUR = 3600 * 1000;

describe.each(DATABASES)('account deletion, retention and export on %s', (kind) => {
  // One app at a time: passport's strategies are process-wide, so two apps in one process would share the last one's.
  let current: TestApp;
  let desk: SignedInModerator;
  function serviceWith(env: Record<string, string>): void {
    beforeAll(async () => {
      current = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', EXPORT_RATE_LIMIT: '3', ...env });
      desk = await moderator(current);
    }, 60_000);
    afterAll(() => current.close());
  }

  const app = () => current;
  const sql = (t: TestApp) => t.app.get(Sql);
  const article = (name: string) => `${kind}-account-${name}-${Date.now()}`;
  const words = ['trade', 'schools', 'transit', 'housing', 'rivers', 'budgets', 'museums', 'farms', 'bridges', 'ports', 'courts', 'parks'];
  let n = 0;
  /** A clean text, different each time (the rules hold repeats). */
  const text = () => {
    n++;
    return `A considered view on ${words[n % 12]}, ${words[Math.floor(n / 12) % 12]} and ${words[Math.floor(n / 144) % 12]} for ${kind}.`;
  };
  async function publish(r: Reader, articleId: string, parentId?: string): Promise<string> {
    const response = await post(r, articleId, parentId ? { body: text(), parentId } : { body: text() });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }
  const list = async (t: TestApp, articleId: string) => (await new Browser(t.url).get(`/api/articles/${encodeURIComponent(articleId)}/comments`)).json();
  const replies = async (t: TestApp, id: string) => (await new Browser(t.url).get(`/api/comments/${id}/replies`)).json();
  const commenterRow = async (t: TestApp, id: string) =>
    (await sql(t).rows<Record<string, unknown>>('SELECT status, display_name, username, avatar_url, provider_user_id, deletion_at, deleted_at FROM commenters WHERE id = $1', [id]))[0]!;
  const counts = async (t: TestApp, id: string) => {
    const [row] = await sql(t).rows<{ likes: unknown; dislikes: unknown }>('SELECT likes, dislikes FROM comments WHERE id = $1', [id]);
    return { likes: Number(row!.likes), dislikes: Number(row!.dislikes) };
  };
  /** The article's public total against the comments that are really visible. */
  const consistent = async (t: TestApp, articleId: string) => {
    const [visible] = await sql(t).rows<{ n: unknown }>("SELECT COUNT(*) AS n FROM comments WHERE article_id = $1 AND status = 'published' AND hidden_at IS NULL", [articleId]);
    return { total: (await list(t, articleId)).total, visible: Number(visible!.n) };
  };
  /** The grace period is over: the deletion comes due, the sweep starts it, and the job runs to its end. */
  async function deleteNow(t: TestApp, r: Reader): Promise<void> {
    await sql(t).run('UPDATE commenters SET deletion_at = $1 WHERE id = $2', [new Date(Date.now() - 1000), r.id]);
    await t.app.get(AccountDeletions).sweep();
    const queue = t.app.get(AccountsQueue).queue;
    await waitFor(async () => (await commenterRow(t, r.id)).status === 'deleted' && !(await queue.getJob(deletionJobId(r.id))), 20_000, 'the deletion job');
  }
  const scheduleDeletion = async (r: Reader) => {
    const response = await r.api.request('DELETE', '/api/me');
    expect(response.status).toBe(202);
    return (await response.json()) as { deletionAt: string };
  };

  describe('ACCOUNT_DELETION_COMMENTS=anonymise (the default)', () => {
    serviceWith({});

    test('DELETE /api/me schedules after the grace period (a repeat keeps the date); GET /api/me shows it; cancel ends it; cancelling nothing is NO_DELETION_SCHEDULED', async () => {
      const t = app();
      const r = await reader(t, 'Leaving Soon');
      const before = Date.now();
      const { deletionAt } = await scheduleDeletion(r);
      expect(new Date(deletionAt).getTime()).toBeGreaterThanOrEqual(before + 24 * HOUR - 1000);
      expect(new Date(deletionAt).getTime()).toBeLessThanOrEqual(Date.now() + 24 * HOUR);
      expect(await scheduleDeletion(r)).toEqual({ deletionAt });
      expect(await (await r.api.get('/api/me')).json()).toMatchObject({ id: r.id, deletionAt });
      const job = await t.app.get(AccountsQueue).queue.getJob(deletionJobId(r.id));
      expect(job && (await job.getState())).toBe('delayed');

      // The grace period is no pause: the reader still comments.
      await publish(r, article('grace'));

      const cancel = await r.api.post('/api/me/deletion/cancel');
      expect([cancel.status, await cancel.json()]).toEqual([200, { deletionAt: null }]);
      expect((await (await r.api.get('/api/me')).json()).deletionAt).toBeNull();
      expect(await t.app.get(AccountsQueue).queue.getJob(deletionJobId(r.id))).toBeUndefined();
      const again = await r.api.post('/api/me/deletion/cancel');
      expect([again.status, (await again.json()).error]).toEqual([409, 'NO_DELETION_SCHEDULED']);

      // A job that outlived its cancel (removed too late, or run by the sweep) finds nothing due and does nothing.
      expect(await t.app.get(AccountEraser).run(r.id)).toBe('cancelled');
      expect(await commenterRow(t, r.id)).toMatchObject({ status: 'active', display_name: 'Leaving Soon' });
      expect((await new Browser(t.url).request('DELETE', '/api/me')).status).toBe(401);
    });

    test('anonymise: the profile and provider link go, comments show "Deleted account" at once, reactions go and counts follow, tokens are refused, the audit keeps only the id; signing in again is a new reader', async () => {
      const t = app();
      const name = `Gone Reader ${kind}`;
      const r = await reader(t, name);
      const bob = await reader(t, `Bob Stays ${kind}`);
      const articleId = article('anonymise');
      const mine = await publish(r, articleId);
      const bobs = await publish(bob, articleId);
      const reply = await publish(bob, articleId, mine);
      expect((await r.api.put(`/api/comments/${bobs}/reaction`, { type: 'like' })).status).toBe(200);
      expect((await r.api.put(`/api/comments/${reply}/reaction`, { type: 'dislike' })).status).toBe(200);
      expect((await bob.api.put(`/api/comments/${mine}/reaction`, { type: 'like' })).status).toBe(200);
      expect((await r.api.post(`/api/comments/${bobs}/reports`, { reason: 'other', note: `a note by ${name}` })).status).toBeLessThan(300);
      const listedBefore = await list(t, articleId); // now cached
      expect(listedBefore.items.find((c: { id: string }) => c.id === mine).author.displayName).toBe(name);

      await scheduleDeletion(r);
      await deleteNow(t, r);

      const row = await commenterRow(t, r.id);
      expect(row).toMatchObject({ status: 'deleted', display_name: 'Deleted account', username: null, avatar_url: null, provider_user_id: `deleted:${r.id}` });
      const listed = (await list(t, articleId)).items.find((c: { id: string }) => c.id === mine);
      expect(listed.author).toEqual({ id: r.id, displayName: 'Deleted account', avatarUrl: null, provider: 'twitter', deleted: true });
      expect(listed.body).not.toBeNull();
      expect(listed.likes).toBe(1); // bob's like on it stays
      expect(await counts(t, bobs)).toEqual({ likes: 0, dislikes: 0 });
      expect(await counts(t, reply)).toEqual({ likes: 0, dislikes: 0 });
      expect(await sql(t).rows('SELECT 1 FROM comment_reactions WHERE commenter_id = $1', [r.id])).toEqual([]);
      const [report] = await sql(t).rows<{ note: unknown }>('SELECT note FROM comment_reports WHERE commenter_id = $1', [r.id]);
      expect(report!.note).toBeNull();

      const me = await r.api.get('/api/me');
      expect([me.status, (await me.json()).error]).toEqual([401, 'UNAUTHENTICATED']);
      expect((await r.api.put(`/api/comments/${bobs}/reaction`, { type: 'like' })).status).toBe(401);
      expect((await post(r, articleId, { body: text() })).status).toBe(401);

      const audit = await sql(t).rows<Record<string, unknown>>("SELECT * FROM moderation_audit WHERE action = 'commenter.deleted' AND commenter_id = $1", [r.id]);
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ moderator_id: null, comment_id: null, reason: null, note: null, detail: null });
      expect(JSON.stringify(audit[0])).not.toContain(name);

      const back = await reader(t, name);
      expect(back.id).not.toBe(r.id);
      expect(await (await back.api.get('/api/me')).json()).toMatchObject({ displayName: name, deletionAt: null });
      expect((await (await back.api.get('/api/me/comments')).json()).items).toEqual([]);
    });

    test('the job is idempotent (run again: nothing changes, one audit entry) and survives a crash between steps (the retry finishes)', async () => {
      const t = app();
      const r = await reader(t);
      const bob = await reader(t);
      const articleId = article('retry');
      const bobs = await publish(bob, articleId);
      await publish(r, articleId);
      expect((await r.api.put(`/api/comments/${bobs}/reaction`, { type: 'like' })).status).toBe(200);
      expect(await counts(t, bobs)).toEqual({ likes: 1, dislikes: 0 });
      await scheduleDeletion(r);

      const eraser = t.app.get(AccountEraser);
      const crash = jest.spyOn(eraser, 'removeReactions').mockRejectedValueOnce(new Error('worker killed between steps'));
      try {
        await deleteNow(t, r);
        await waitFor(async () => (await sql(t).rows('SELECT 1 FROM comment_reactions WHERE commenter_id = $1', [r.id])).length === 0, 20_000, 'the retry');
        expect(crash.mock.calls.length).toBeGreaterThanOrEqual(2);
      } finally {
        crash.mockRestore();
      }
      expect(await counts(t, bobs)).toEqual({ likes: 0, dislikes: 0 });

      expect(await eraser.run(r.id)).toBe('deleted');
      expect(await eraser.run(r.id)).toBe('deleted');
      expect(await counts(t, bobs)).toEqual({ likes: 0, dislikes: 0 });
      expect(await sql(t).rows("SELECT 1 FROM moderation_audit WHERE action = 'commenter.deleted' AND commenter_id = $1", [r.id])).toHaveLength(1);
      expect(await commenterRow(t, r.id)).toMatchObject({ status: 'deleted', provider_user_id: `deleted:${r.id}` });
    });

    test('anonymise, racing: a moderator deciding a held comment and a reply being written while the deletion runs; a comment posted in the grace period is anonymised too', async () => {
      const t = app();
      const r = await reader(t);
      const bob = await reader(t);
      const articleId = article('race-anon');
      const top = await publish(r, articleId);
      expect((await desk.api.post(`/api/moderation/commenters/${r.id}/premod`)).status).toBe(200);
      await scheduleDeletion(r);
      const held = (await (await post(r, articleId, { body: text() })).json()).id as string;
      expect((await decided(r, held)).status).toBe('in_review');

      await sql(t).run('UPDATE commenters SET deletion_at = $1 WHERE id = $2', [new Date(Date.now() - 1000), r.id]);
      const [approve, replied] = await Promise.all([
        desk.api.post(`/api/moderation/comments/${held}/approve`, {}),
        post(bob, articleId, { body: text(), parentId: top }),
        t.app.get(AccountEraser).run(r.id),
      ]);
      expect(approve.status).toBe(200);
      expect(replied.status).toBe(202);
      expect((await decided(bob, (await replied.json()).id)).status).toBe('published');

      const items = (await list(t, articleId)).items as Array<{ id: string; author: { displayName: string; deleted?: true } }>;
      expect(items.filter((c) => c.id === top || c.id === held).map((c) => c.author)).toEqual([
        expect.objectContaining({ displayName: 'Deleted account', deleted: true }),
        expect.objectContaining({ displayName: 'Deleted account', deleted: true }),
      ]);
      expect((await replies(t, top)).items).toHaveLength(1);
      const c = await consistent(t, articleId);
      expect(c.total).toBe(c.visible);
    });

    test('the sweep starts a due deletion whose job Redis lost', async () => {
      const t = app();
      const r = await reader(t);
      await scheduleDeletion(r);
      await (await t.app.get(AccountsQueue).queue.getJob(deletionJobId(r.id)))!.remove();
      await deleteNow(t, r);
      expect((await commenterRow(t, r.id)).display_name).toBe('Deleted account');
    });

    test('retention: rejected comments older than RETENTION_REJECTED_DAYS lose their text (status, reason and matched rules stay); recent ones keep it', async () => {
      const t = app();
      const r = await reader(t);
      const articleId = article('retention');
      const old = (await (await post(r, articleId, { body: `What the fuck is this ${words[n++ % 12]} about.` })).json()).id as string;
      const recent = (await (await post(r, articleId, { body: `What the fuck is this ${words[n++ % 12]} plan.` })).json()).id as string;
      expect((await decided(r, old)).status).toBe('rejected');
      expect((await decided(r, recent)).status).toBe('rejected');
      await sql(t).run('UPDATE comments SET decided_at = $1 WHERE id = $2', [new Date(Date.now() - 91 * 24 * HOUR), old]);

      expect((await t.app.get(Retention).run()).rejectedBlanked).toBeGreaterThanOrEqual(1);
      const rows = await sql(t).rows<Record<string, unknown>>('SELECT id, body, status, decision_reason, findings, search_text FROM comments WHERE id IN ($1, $2)', [old, recent]);
      const oldRow = rows.find((x) => x.id === old)!;
      const recentRow = rows.find((x) => x.id === recent)!;
      expect(oldRow).toMatchObject({ body: '', status: 'rejected', search_text: null });
      expect(oldRow.decision_reason).toBe(recentRow.decision_reason);
      const findings = JSON.parse(String(oldRow.findings)) as Array<Record<string, unknown>>;
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((f) => Object.keys(f).sort().join() === 'rule,verdict')).toBe(true);
      expect(String(recentRow.body)).toContain('plan');
      // Run again: nothing left to blank for this one.
      await t.app.get(Retention).run();
      expect((await sql(t).rows<{ body: string }>('SELECT body FROM comments WHERE id = $1', [recent]))[0]!.body).toContain('plan');
    });

    test('GET /api/me/export: a JSON download of the profile, comments with statuses and revisions, reactions, reports and every registered section; EXPORT_RATE_LIMIT an hour', async () => {
      const t = app();
      const name = `Exporting Reader ${kind}`;
      const r = await reader(t, name);
      const bob = await reader(t);
      const articleId = article('export');
      const mine = await publish(r, articleId);
      const edited = await r.api.patch(`/api/comments/${mine}`, { body: text() });
      expect(edited.status).toBeLessThan(300);
      const bobs = await publish(bob, articleId);
      expect((await r.api.put(`/api/comments/${bobs}/reaction`, { type: 'dislike' })).status).toBe(200);
      expect((await r.api.post(`/api/comments/${bobs}/reports`, { reason: 'spam', note: 'looks like an ad' })).status).toBeLessThan(300);

      const response = await r.api.get('/api/me/export');
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="comments-data-[0-9a-f-]+\.json"$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const doc = await response.json();
      expect(doc.profile).toMatchObject({ id: r.id, provider: 'twitter', displayName: name, deletionAt: null });
      expect(typeof doc.profile.providerUserId).toBe('string');
      expect(doc.comments).toEqual([expect.objectContaining({ id: mine, articleId, status: 'published', revisions: expect.arrayContaining([expect.objectContaining({ body: expect.any(String) })]) })]);
      expect(doc.reactions).toEqual([expect.objectContaining({ commentId: bobs, type: 'dislike' })]);
      expect(doc.reports).toEqual([expect.objectContaining({ commentId: bobs, reason: 'spam', note: 'looks like an ad' })]);
      for (const section of t.app.get(ReaderData).sections()) expect(doc).toHaveProperty(section.name);

      expect((await r.api.get('/api/me/export')).status).toBe(200);
      expect((await r.api.get('/api/me/export')).status).toBe(200);
      const limited = await r.api.get('/api/me/export');
      expect([limited.status, (await limited.json()).error]).toEqual([429, 'RATE_LIMITED']);
      expect((await new Browser(t.url).get('/api/me/export')).status).toBe(401);
    });
  });

  describe('ACCOUNT_DELETION_COMMENTS=remove', () => {
    serviceWith({ ACCOUNT_DELETION_COMMENTS: 'remove' });

    test('remove: comments go the way an author deletes one (a thread with replies keeps a placeholder), their texts are blanked, counts stay true, also racing a moderator and a reply', async () => {
      const t = app();
      const r = await reader(t);
      const bob = await reader(t);
      const articleId = article('remove');
      const threadTop = await publish(r, articleId);
      await publish(bob, articleId, threadTop);
      const alone = await publish(r, articleId);
      const target = await publish(r, articleId);
      expect((await desk.api.post(`/api/moderation/commenters/${r.id}/premod`)).status).toBe(200);
      const held = (await (await post(r, articleId, { body: text() })).json()).id as string;
      expect((await decided(r, held)).status).toBe('in_review');
      await scheduleDeletion(r);
      await sql(t).run('UPDATE commenters SET deletion_at = $1 WHERE id = $2', [new Date(Date.now() - 1000), r.id]);

      const [decision, replied] = await Promise.all([
        desk.api.post(`/api/moderation/comments/${held}/approve`, {}),
        post(bob, articleId, { body: text(), parentId: target }),
        t.app.get(AccountEraser).run(r.id),
      ]);
      expect([200, 409]).toContain(decision.status); // whichever came first, the comment ends deleted
      expect([202, 404, 409]).toContain(replied.status);
      if (replied.status === 202) await decided(bob, (await replied.json()).id);
      // What a raced reply or decision left behind, the sweep takes up.
      await t.app.get(AccountDeletions).sweep();
      await waitFor(async () => (await sql(t).rows("SELECT 1 FROM comments WHERE commenter_id = $1 AND status <> 'deleted'", [r.id])).length === 0, 20_000, 'every comment removed');
      await waitFor(async () => (await sql(t).rows("SELECT 1 FROM comments WHERE commenter_id = $1 AND body <> ''", [r.id])).length === 0, 20_000, 'every text blanked');

      const items = (await list(t, articleId)).items as Array<{ id: string; deleted?: true; body: string | null; author: unknown }>;
      expect(items.find((c) => c.id === threadTop)).toMatchObject({ deleted: true, body: null, author: null });
      expect(items.find((c) => c.id === alone)).toBeUndefined();
      expect(items.find((c) => c.id === held)).toBeUndefined();
      expect((await replies(t, threadTop)).items).toHaveLength(1);
      const c = await consistent(t, articleId);
      expect(c.total).toBe(c.visible);
      const log = await sql(t).rows<{ reason: string }>("SELECT reason FROM moderation_log WHERE comment_id = $1 AND to_status = 'deleted'", [alone]);
      expect(log.map((l) => l.reason)).toEqual(['account_deleted']);
    });
  });
});
