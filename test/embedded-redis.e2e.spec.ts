import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { chooseRedis } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import type { PrivateRedisNote } from '../src/redis/embedded-redis.js';
import type { TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { freePort } from './support/ports.js';
import { spawnEntry, stopChild, type Spawned } from './support/processes.js';
import { decided, post, reader, waitFor } from './support/readers.js';
import { PrivateRedis } from './support/redis-server.js';
import { signIn } from './support/sign-in.js';

// The private Redis does not depend on the database: SQLite (the development default) throughout.
// None of these tests uses the shared Redis on 6379: REDIS_URL=embedded never looks there.

const READY = 'comments service listening';
const STARTED = /"REDIS_URL=embedded: started a private Redis \(redis-server \d+\.\d+\.\d+\) on 127\.0\.0\.1:(\d+), data in \.\/data\/redis"/;

const freshDir = () => mkdtempSync(join(tmpdir(), 'comments-embedded-'));
const noteIn = (cwd: string): PrivateRedisNote => JSON.parse(readFileSync(join(cwd, 'data/redis/server.json'), 'utf8'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });
}

async function expectStopped(note: PrivateRedisNote): Promise<void> {
  const port = Number(new URL(note.url!).port);
  await waitFor(async () => !alive(note.pid!) && !(await listening(port)), 15_000, `redis-server ${note.pid} to stop`);
}

/** The service, in `cwd`, with its default DATA_DIR (./data) and REDIS_URL=embedded. */
function service(cwd: string, port: number, env: Record<string, string> = {}): Promise<Spawned> {
  const base = `http://127.0.0.1:${port}`;
  return spawnEntry('main', { REDIS_URL: 'embedded', PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, ...env }, READY, 60_000, cwd);
}

/** Runs an entrypoint that is expected to refuse to start, and collects what it says. */
function refusal(entry: 'main' | 'worker', env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(process.cwd(), `dist/${entry}.js`)], { cwd: freshDir(), env: { PATH: process.env.PATH!, ...env } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit: ${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('a private Redis for development (REDIS_URL=embedded)', () => {
  test('started with the service, serves it, is joined by the worker, stops with it, and keeps its data across restarts', async () => {
    const cwd = freshDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const browser = new Browser(base);
    let me: { id: string } | undefined;

    const first = await service(cwd, port);
    let started: PrivateRedisNote | undefined;
    try {
      const line = STARTED.exec(first.output());
      expect(line).not.toBeNull();
      started = noteIn(cwd);
      expect(started).toMatchObject({ owner: first.child.pid, url: `redis://127.0.0.1:${line![1]}` });
      expect(alive(started.pid!)).toBe(true);

      const redis = new Redis(started.url!);
      try {
        expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
        expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
        expect(await redis.config('GET', 'dir')).toEqual(['dir', realpathSync(join(cwd, 'data/redis'))]);
        await redis.set('kept-across-restarts', 'yes');
      } finally {
        await redis.quit();
      }

      expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      const r = await reader({ url: base } as TestApp);
      const submitted = await post(r, 'embedded-redis', { body: 'Posted through the private Redis' });
      expect(submitted.status).toBe(202);
      expect((await decided(r, (await submitted.json()).id)).status).toBe('published'); // the in-process worker, on the private Redis

      expect((await signIn(browser, 'twitter', { name: 'Kept Signed In' })).status).toBe(302);
      me = await (await browser.get('/api/me')).json();

      // The separate worker finds the service's Redis instead of starting another.
      const worker = await spawnEntry('worker', { REDIS_URL: 'embedded' }, 'worker started', 60_000, cwd);
      try {
        expect(worker.output()).toContain(`Using the private Redis of process ${first.child.pid} (redis-server `);
        expect(worker.output()).toContain(`on 127.0.0.1:${line![1]}, data in ./data/redis`);
      } finally {
        await stopChild(worker.child, 'SIGTERM');
      }
    } finally {
      await stopChild(first.child, 'SIGTERM');
    }
    await expectStopped(started!);

    const second = await service(cwd, port);
    try {
      expect(second.output()).toMatch(STARTED);
      const restarted = noteIn(cwd);
      expect(restarted.owner).toBe(second.child.pid);
      const redis = new Redis(restarted.url!);
      try {
        expect(await redis.get('kept-across-restarts')).toBe('yes');
      } finally {
        await redis.quit();
      }
      // The session lives in Redis: still signed in.
      const again = await browser.get('/api/me');
      expect(again.status).toBe(200);
      expect((await again.json()).id).toBe(me!.id);
    } finally {
      await stopChild(second.child, 'SIGTERM');
    }
    await expectStopped(noteIn(cwd));
  }, 180_000);

  test('a SIGKILLed service takes its Redis along; two starts at once share one Redis', async () => {
    const cwd = freshDir();
    const killed = await service(cwd, await freePort());
    const left = noteIn(cwd);
    await stopChild(killed.child, 'SIGKILL');
    await expectStopped(left);

    // The note the killed service left is stale: cleared, and exactly one of two racing starts runs Redis.
    const [a, b] = await Promise.all([service(cwd, await freePort()), service(cwd, await freePort())]);
    try {
      const outputs = [a.output(), b.output()];
      expect(outputs.filter((o) => STARTED.test(o))).toHaveLength(1);
      const joined = outputs.find((o) => !STARTED.test(o))!;
      const owner = noteIn(cwd).owner;
      expect([a.child.pid, b.child.pid]).toContain(owner);
      expect(joined).toContain(`Using the private Redis of process ${owner} `);
    } finally {
      await Promise.all([stopChild(a.child, 'SIGTERM'), stopChild(b.child, 'SIGTERM')]);
    }
    await expectStopped(noteIn(cwd));
  }, 180_000);

  test('no redis-server on the PATH: exit 1 with one line naming how to install it', async () => {
    const result = await refusal('main', { REDIS_URL: 'embedded', PATH: freshDir() });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    for (const command of ['sudo apt-get install redis-server', 'brew install redis', 'docker compose up -d redis', 'docker run -p 127.0.0.1:6379:6379 redis:7-alpine']) {
      expect(lines[0]).toContain(command);
    }
  });

  test('NODE_ENV=production: refused with one line', async () => {
    const result = await refusal('main', { NODE_ENV: 'production', REDIS_URL: 'embedded', PUBLIC_URL: 'https://comments.example.com', AUTH_SECRET: 'x'.repeat(40) });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining('REDIS_URL=embedded is refused when NODE_ENV=production')]);
  });

  test('the worker never starts one: with none running it exits 1 saying to start the service', async () => {
    const result = await refusal('worker', { REDIS_URL: 'embedded' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/no private Redis is running for .*: start the service first \(npm start/)]);
  });
});

describe('REDIS_URL unset in development', () => {
  // The default address stands in for 127.0.0.1:6379, so the shared Redis is never involved.
  const developmentConfig = (defaultUrl: string) => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: freshDir() });
    expect(config.redisSetting).toBe('unset');
    config.redisUrl = defaultUrl;
    return config;
  };

  test('Redis answers at the default address: used, nothing started', async () => {
    const redis = await PrivateRedis.start();
    try {
      const config = developmentConfig(redis.url);
      expect(await chooseRedis(config, { startPrivate: true })).toBeUndefined();
      expect(config.redisUrl).toBe(redis.url);
      expect(existsSync(join(config.dataDir, 'redis'))).toBe(false);
    } finally {
      await redis.down();
    }
  });

  test('nothing answers there: a private one is started, and said so in one line', async () => {
    const nothing = `redis://127.0.0.1:${await freePort()}`;
    const config = developmentConfig(nothing);
    const line = await chooseRedis(config, { startPrivate: true });
    const port = new URL(nothing).port;
    expect(line).toMatch(new RegExp(`^No Redis at 127\\.0\\.0\\.1:${port}: started a private one \\(redis-server [\\d.]+\\) on 127\\.0\\.0\\.1:\\d+, data in /.+/redis$`));
    expect(config.redisUrl).not.toBe(nothing);
    const redis = new Redis(config.redisUrl, { retryStrategy: () => null, maxRetriesPerRequest: 0 });
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      // It belongs to this test process, which outlives the test: stop it now.
      await redis.call('SHUTDOWN').catch(() => undefined);
      redis.disconnect();
    }
  });
});
