import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { RuleSetVersion } from '../src/moderation/rule-sets/rule-set-version.entity.js';
import { RULES_POLL_MS } from '../src/moderation/rule-sets/rules.service.js';
import { parseRuleSet } from '../src/rules/rule-set.js';
import { startTestApp } from './support/app.js';
import { TEST_REDIS_URL } from './support/databases.js';
import { moderator } from './support/moderators.js';
import { spawnEntry, type Spawned } from './support/processes.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/** The version a worker process logged last ("rule set loaded" lines, pino JSON). */
function loadedVersion(worker: Spawned): number {
  const versions = [...worker.output().matchAll(/"version":(\d+)[^\n]*"msg":"rule set loaded"/g)].map((m) => Number(m[1]));
  return versions.length ? Math.max(...versions) : 0;
}

// Several worker processes are a PostgreSQL deployment (SQLite is the one-process development mode; the
// rule set's storage is tested on both in rules-admin.e2e.spec.ts).
describe.each(['postgres'] as const)('rules hot reload across worker processes, on %s', (kind) => {
  test('a rule set saved over the API is used by both workers within seconds, without a restart; a missed message is made up by polling', async () => {
    const prefix = `rules-${randomBytes(4).toString('hex')}`;
    const t = await startTestApp(kind, { RUN_WORKER: 'false', QUEUE_PREFIX: prefix, COMMENT_RATE_LIMIT: '100000' });
    const env = { ...t.database.env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: '2' };
    const workers: Spawned[] = [];
    try {
      for (let i = 0; i < 2; i++) workers.push(await spawnEntry('worker', env, 'moderation worker started', 30_000));
      const [admin, r] = await Promise.all([moderator(t, 'admin'), reader(t)]);
      expect(workers.map(loadedVersion)).toEqual([1, 1]);
      const article = `${kind}-hot-reload`;
      const before = await (await post(r, article, { body: 'the quibbleflux is back' })).json();
      expect(await decided(r, before.id)).toMatchObject({ status: 'published' });

      const { version: current } = await (await admin.api.get('/api/moderation/rules')).json();
      const saved = await admin.api.put('/api/moderation/rules', { ruleSet: { bannedWords: ['quibbleflux'] }, expectedVersion: current });
      expect(saved.status).toBe(200);
      const { version } = await saved.json();
      const savedAt = Date.now();

      // Pub/sub reaches both at once; polling (every 5 s) would be the fallback.
      const deadline = savedAt + 4000;
      while (workers.some((w) => loadedVersion(w) !== version)) {
        if (Date.now() > deadline) throw new Error(`workers did not load version ${version}: ${workers.map(loadedVersion)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }

      const ids = [];
      for (let i = 0; i < 12; i++) ids.push((await (await post(r, article, { body: `quibbleflux number ${i}` })).json()).id);
      for (const id of ids) expect(await decided(r, id)).toMatchObject({ status: 'rejected', reason: 'banned_word' });
      const stored = await t.app.get(DataSource).getRepository(Comment).findOneByOrFail({ id: ids[0] });
      expect(stored.findings).toEqual([expect.objectContaining({ rule: 'banned_word', excerpt: 'quibbleflux' })]);
      for (const w of workers) expect(w.child.exitCode).toBeNull();

      // A message missed (here: a version stored without one): each process finds it by polling.
      await t.app.get(DataSource).getRepository(RuleSetVersion).insert({
        version: version + 1,
        ruleSet: JSON.stringify(parseRuleSet({ bannedWords: ['quibbleflux', 'snorkwaddle'] })),
        createdAt: new Date(),
        createdBy: null,
        source: 'api',
      });
      await waitFor(async () => workers.every((w) => loadedVersion(w) === version + 1), RULES_POLL_MS + 3000, 'both workers to poll the new version');
      const late = await (await post(r, article, { body: 'a snorkwaddle appears' })).json();
      expect(await decided(r, late.id)).toMatchObject({ status: 'rejected', reason: 'banned_word' });
    } finally {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
      await t.close();
    }
  }, 90_000);
});
