import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_REDIS_URL, freshDatabase } from './support/databases.js';
import { startTestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { freePort } from './support/ports.js';
import { spawnEntry } from './support/processes.js';
import { signInModerator } from './support/moderators.js';

function cli(env: Record<string, string>, ...args: string[]): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'dist/moderators/cli.js'), ...args], {
    env: { PATH: process.env.PATH!, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

/*
 * Each command is a process of its own (a second or two to start), so each promise is kept on one
 * database: the accounts' SQL is tested on both by moderators.e2e; the command line on PostgreSQL,
 * where a newsroom runs it, and the first start on SQLite, where `npm start` begins.
 */
describe.each(['postgres'] as const)('moderators command line on %s', (kind) => {
  test('add, list, reset-password, disable from the command line; the service then honours them', async () => {
    // Before the service ever started: the command line migrates the database itself.
    const database = await freshDatabase(kind, { empty: true });
    try {
      const added = cli(database.env, 'add', 'Editor@Desk.test', '--role', 'admin');
      expect(added.code).toBe(0);
      const password = /password: (\S+)/.exec(added.out)?.[1];
      expect(password).toHaveLength(24);
      expect(added.out).toMatch(/added admin editor@desk\.test/);

      expect(cli(database.env, 'add', 'helper@desk.test', '--password', 'helper-password-1').code).toBe(0);
      const duplicate = cli(database.env, 'add', 'helper@desk.test');
      expect(duplicate.code).toBe(1);
      expect(duplicate.out).toMatch(/already exists/);
      const weak = cli(database.env, 'reset-password', 'helper@desk.test', '--password', 'short');
      expect(weak.code).toBe(1);
      expect(cli(database.env, 'reset-password', 'helper@desk.test', '--password', 'helper-password-2').code).toBe(0);

      const list = cli(database.env, 'list');
      expect(list.code).toBe(0);
      expect(list.out).toMatch(/editor@desk\.test\tadmin\tactive/);
      expect(list.out).toMatch(/helper@desk\.test\tmoderator\tactive/);
      expect(list.out).not.toMatch(/argon2|password/i);

      const t = await startTestApp(kind, {}, database);
      try {
        const editor = await signInModerator(t, 'editor@desk.test', password!);
        // The service made no admin of its own: there was one.
        const accounts = await (await editor.api.get('/api/moderation/moderators')).json();
        expect(accounts.items.map((m: { email: string }) => m.email).sort()).toEqual(['editor@desk.test', 'helper@desk.test']);
        await signInModerator(t, 'helper@desk.test', 'helper-password-2');

        expect(cli(database.env, 'disable', 'helper@desk.test').code).toBe(0);
        const refused = await new Browser(t.url).post('/api/moderation/session', { email: 'helper@desk.test', password: 'helper-password-2' });
        expect((await refused.json()).error).toBe('ACCOUNT_DISABLED');
        const log = await (await editor.api.get('/api/moderation/log')).json();
        expect(log.items.map((e: { action: string; detail: { via: string } }) => [e.action, e.detail.via])).toEqual([
          ['moderator.disable', 'cli'],
          ['moderator.reset_password', 'cli'],
          ['moderator.add', 'cli'],
          ['moderator.add', 'cli'],
        ]);
      } finally {
        await t.app.close();
      }
    } finally {
      await database.drop();
    }
  }, 60_000);
});

describe.each(['sqlite'] as const)('the first admin on %s', (kind) => {
  test('first start without an admin: one is made with a generated password, shown on that start only', async () => {
    const database = await freshDatabase(kind);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const service = await spawnEntry(
      'main',
      { ...database.env, REDIS_URL: TEST_REDIS_URL, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: url, QUEUE_PREFIX: `first-admin-${port}`, RUN_WORKER: 'false' },
      'comments service listening',
      30_000,
    );
    try {
      const password = /generated password (\S+)/.exec(service.output())?.[1];
      expect(password).toBeDefined();
      // Once in the JSON log line, once in the plain block on standard error; never again below.
      const shown = service.output().split(password!).length - 1;
      expect(shown).toBe(2);
      expect(service.output()).toMatch(/reset-password admin@localhost/);
      const response = await new Browser(url).post('/api/moderation/session', { email: 'admin@localhost', password });
      expect(response.status).toBe(200);
      expect((await response.json()).moderator.role).toBe('admin');
      expect(service.output().split(password!).length - 1).toBe(shown); // sign-in logs no password
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
      await database.drop();
    }
  }, 60_000);
});
