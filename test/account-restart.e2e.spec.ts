import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { newCommentId } from '../src/comments/comment-id.js';
import { openDataSource } from '../src/db/data-source.js';
import { Sql, valuesList } from '../src/db/sql.js';
import { Transactions } from '../src/db/transactions.js';
import { ACCOUNTS_QUEUE, deletionJobId } from '../src/readers/account/accounts.queue.js';
import type { TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES, freshDatabase, TEST_REDIS_URL } from './support/databases.js';
import { freePort } from './support/ports.js';
import { spawnEntry, stopChild, type Spawned } from './support/processes.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/** Enough that the eraser's reaction step takes several batches (500 each). */
const REACTIONS = 2000;
const COMMENTS = 600;
const MUTES = 100;
const NOTIFICATIONS = 300;
const CHUNK = 200;

const DELETED = 'Deleted account';
/** The worker's last start-up line (the moderation worker's own "moderation worker started" comes before). */
const WORKER_READY = '"msg":"worker started"';

describe.each(DATABASES)('account deletion across a real worker restart on %s', (kind) => {
  test('a worker killed (SIGKILL) halfway through a deletion: a new worker finishes it, the end state is the finished deletion, the job completes once', async () => {
    const database = await freshDatabase(kind);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const prefix = `restart-${randomBytes(4).toString('hex')}`;
    const shared = { ...database.env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, ACCOUNT_DELETION_GRACE_HOURS: '0' };
    // A short lock, so the killed worker's job is taken over within seconds.
    const workerEnv = { ...shared, WORKER_LOCK_DURATION: '2000' };
    const spawned: Spawned[] = [];
    const queue = new Queue(ACCOUNTS_QUEUE, { connection: { url: TEST_REDIS_URL }, prefix });
    let dataSource: DataSource | undefined;
    let starting: Promise<Spawned> | undefined;
    try {
      // Migrated here first, so the API and the worker start side by side.
      dataSource = await openDataSource({ databaseUrl: database.env.DATABASE_URL, sqlitePath: join(database.env.DATA_DIR!, 'comments.sqlite') });
      // The first worker pauses after each step and batch, so it can be killed halfway.
      starting = spawnEntry('worker', { ...workerEnv, ACCOUNT_DELETION_STEP_DELAY_MS: '500' }, WORKER_READY, 30_000).then((s) => (spawned.push(s), s));
      spawned.push(await spawnEntry('main', { ...shared, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, RUN_WORKER: 'false', SIGNIN_RATE_LIMIT: '100000' }, 'comments service listening', 30_000));
      const t = { url } as TestApp;
      const name = `Leaving Reader ${kind}`;
      const [first, gone, bob] = await Promise.all([starting, reader(t, name), reader(t, `Bob Stays ${kind}`)]);
      const sql = new Sql(dataSource, new Transactions(dataSource));
      const count = async (query: string, params: unknown[] = []) => Number((await sql.rows<{ n: unknown }>(query, params))[0]!.n);
      const reactionsOf = (id: string) => count('SELECT COUNT(*) AS n FROM comment_reactions WHERE commenter_id = $1', [id]);
      const audits = (id: string) => count("SELECT COUNT(*) AS n FROM moderation_audit WHERE action = 'commenter.deleted' AND commenter_id = $1", [id]);
      const profile = async (id: string) =>
        (await sql.rows<Record<string, unknown>>('SELECT status, display_name, username, avatar_url, provider_user_id, deleted_at FROM commenters WHERE id = $1', [id]))[0]!;
      const list = async (articleId: string) => (await new Browser(url).get(`/api/articles/${articleId}/comments?limit=100`)).json();

      const articleOfGone = `restart-gone-${kind}`;
      const articleOfBob = `restart-bob-${kind}`;
      const real = await publish(gone, articleOfGone, 'A real comment, written before the many seeded ones.');
      const bobsReal = await publish(bob, articleOfBob, 'A real comment by Bob, liked by the reader who leaves.');
      expect((await bob.api.put(`/api/comments/${real}/reaction`, { type: 'like' })).status).toBe(200);
      expect((await gone.api.put(`/api/comments/${bobsReal}/reaction`, { type: 'like' })).status).toBe(200);
      const before = await list(articleOfGone); // now cached by the API, which the seeding below does not tell
      expect(before.items.map((c: { author: { displayName: string } }) => c.author.displayName)).toEqual([name]);
      await seed(sql, { ...gone, name }, bob, articleOfGone, articleOfBob);
      expect(await reactionsOf(gone.id)).toBe(REACTIONS + 1);

      expect((await gone.api.request('DELETE', '/api/me')).status).toBe(202);
      // Halfway: the profile step committed, some reaction batches done, not all.
      await waitFor(
        async () => {
          const left = await reactionsOf(gone.id);
          return (await profile(gone.id)).status === 'deleted' && left > 0 && left < REACTIONS - 500;
        },
        15_000,
        'the deletion to be half done',
      );
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const left = await reactionsOf(gone.id);
      expect(left).toBeGreaterThan(0);
      expect(await audits(gone.id)).toBe(1);
      expect(await (await queue.getJob(deletionJobId(gone.id)))?.getState()).toBe('active'); // held by a dead worker

      const second = await spawnEntry('worker', workerEnv, WORKER_READY, 30_000);
      spawned.push(second);
      await waitFor(async () => (await queue.getJob(deletionJobId(gone.id))) === undefined, 20_000, 'the job to complete on the second worker');

      // The finished deletion, as if nothing had happened.
      expect(await profile(gone.id)).toMatchObject({ status: 'deleted', display_name: DELETED, username: null, avatar_url: null, provider_user_id: `deleted:${gone.id}` });
      expect((await profile(gone.id)).deleted_at).not.toBeNull();
      expect(await count("SELECT COUNT(*) AS n FROM comments WHERE commenter_id = $1 AND status = 'published'", [gone.id])).toBe(COMMENTS + 1);
      const after = await list(articleOfGone);
      expect(after.total).toBe(COMMENTS + 1);
      expect(after.items).toHaveLength(100);
      for (const c of after.items) expect(c.author).toEqual({ id: gone.id, displayName: DELETED, avatarUrl: null, provider: 'twitter', deleted: true });
      expect(await reactionsOf(gone.id)).toBe(0);
      // Every comment's counts are its reactions: Carol's like stays on each of Bob's, Bob's on the real one.
      expect(
        await count(`SELECT COUNT(*) AS n FROM comments c WHERE
          c.likes <> (SELECT COUNT(*) FROM comment_reactions r WHERE r.comment_id = c.id AND r.type = 'like')
          OR c.dislikes <> (SELECT COUNT(*) FROM comment_reactions r WHERE r.comment_id = c.id AND r.type = 'dislike')`),
      ).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM comments WHERE commenter_id = $1 AND likes = 1 AND dislikes = 0', [bob.id])).toBe(REACTIONS);
      expect(await count('SELECT likes AS n FROM comments WHERE id = $1', [bobsReal])).toBe(0);
      expect(await count('SELECT likes AS n FROM comments WHERE id = $1', [real])).toBe(1);
      expect(await count('SELECT COUNT(*) AS n FROM reader_mutes WHERE muter_id = $1 OR muted_id = $1', [gone.id])).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1', [gone.id])).toBe(0);
      expect(await count('SELECT COUNT(*) AS n FROM notifications WHERE actor_id = $1 OR actor_name = $2', [gone.id, name])).toBe(0);
      expect(await count("SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1 AND event_key LIKE 'seeded-%'", [bob.id])).toBe(NOTIFICATIONS);
      expect(await count('SELECT COUNT(*) AS n FROM notification_preferences WHERE reader_id = $1', [gone.id])).toBe(0);

      // Completed once: one audit entry, one "account deleted", by the second worker, and no failure.
      expect(await audits(gone.id)).toBe(1);
      const done = (output: string) => output.split('\n').filter((line) => line.includes('"account deleted"') && line.includes(gone.id));
      expect(done(first.output())).toHaveLength(0);
      expect(done(second.output())).toHaveLength(1);
      expect(`${first.output()}${second.output()}`).not.toContain('account job failed');

      const me = await gone.api.get('/api/me');
      expect([me.status, (await me.json()).error]).toEqual([401, 'UNAUTHENTICATED']);
      const back = await reader(t, name);
      expect(back.id).not.toBe(gone.id);
      expect(await (await back.api.get('/api/me')).json()).toMatchObject({ displayName: name, deletionAt: null });
      expect((await (await back.api.get('/api/me/comments')).json()).items).toEqual([]);
    } finally {
      await starting?.catch(() => undefined);
      for (const s of spawned) await stopChild(s.child, 'SIGTERM');
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await dataSource?.destroy();
      await database.drop();
    }
  }, 60_000);
});

async function publish(r: Reader, articleId: string, body: string): Promise<string> {
  const response = await post(r, articleId, { body });
  expect(response.status).toBe(202);
  const { id } = await response.json();
  expect((await decided(r, id)).status).toBe('published');
  return id;
}

async function insert(sql: Sql, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await sql.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valuesList(chunk.length, columns.length)}`, chunk.flat());
  }
}

/**
 * What a long-time reader leaves: comments, a reaction on each of Bob's many comments (next to
 * Carol's like), mutes both ways, notifications of their own and their name in Bob's, a preference.
 */
async function seed(sql: Sql, gone: Reader & { name: string }, bob: Reader, articleOfGone: string, articleOfBob: string): Promise<void> {
  const now = new Date();
  const comment = (id: string, articleId: string, authorId: string, likes: number, dislikes: number) => [id, articleId, authorId, `Seeded comment ${id}`, 'published', now, now, now, likes, dislikes];
  const columns = ['id', 'article_id', 'commenter_id', 'body', 'status', 'created_at', 'decided_at', 'published_at', 'likes', 'dislikes'];
  const carol = 'carol-0000-0000-0000-000000000000';
  const bobs = Array.from({ length: REACTIONS }, () => newCommentId());
  const type = (i: number) => (i % 3 === 0 ? 'dislike' : 'like');
  await insert(sql, 'comments', columns, bobs.map((id, i) => comment(id, articleOfBob, bob.id, type(i) === 'like' ? 2 : 1, type(i) === 'dislike' ? 1 : 0)));
  await insert(sql, 'comments', columns, Array.from({ length: COMMENTS }, () => comment(newCommentId(), articleOfGone, gone.id, 0, 0)));
  const reactionColumns = ['comment_id', 'commenter_id', 'article_id', 'type', 'created_at'];
  await insert(sql, 'comment_reactions', reactionColumns, bobs.map((id, i) => [id, gone.id, articleOfBob, type(i), now]));
  await insert(sql, 'comment_reactions', reactionColumns, bobs.map((id) => [id, carol, articleOfBob, 'like', now]));
  for (const articleId of [articleOfGone, articleOfBob]) {
    await sql.run("UPDATE articles SET published_count = (SELECT COUNT(*) FROM comments WHERE article_id = $1 AND status = 'published') WHERE id = $1", [articleId]);
  }
  const others = Array.from({ length: MUTES }, (_, i) => `muted-${String(i).padStart(4, '0')}-0000-0000-000000000000`);
  await insert(sql, 'reader_mutes', ['muter_id', 'muted_id', 'created_at'], others.map((id) => [gone.id, id, now]));
  await insert(sql, 'reader_mutes', ['muter_id', 'muted_id', 'created_at'], [...others.map((id) => [id, gone.id, now]), [bob.id, gone.id, now]]);
  const notificationColumns = ['reader_id', 'type', 'event_key', 'comment_id', 'article_id', 'actor_id', 'actor_name', 'created_at'];
  await insert(sql, 'notifications', notificationColumns, bobs.slice(0, NOTIFICATIONS).map((id, i) => [gone.id, 'reply', `seeded-${i}`, id, articleOfBob, bob.id, 'Bob', now]));
  await insert(sql, 'notifications', notificationColumns, bobs.slice(0, NOTIFICATIONS).map((id, i) => [bob.id, 'reply', `seeded-${i}`, id, articleOfBob, gone.id, gone.name, now]));
  await insert(sql, 'notification_preferences', ['reader_id', 'type', 'enabled'], [[gone.id, 'featured', false]]);
}
