import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './support/ports.js';

/** Runs the built entrypoint (npm test builds first) and collects what it says before it exits. */
function run(entry: string, env: Record<string, string>, timeoutMs = 15000): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH!, DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-start-')), ...env },
      cwd: mkdtempSync(join(tmpdir(), 'comments-cwd-')),
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      // 'close' comes once the pipes are drained too: 'exit' can come before the last line is read.
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

const main = join(process.cwd(), 'dist/main.js');
const worker = join(process.cwd(), 'dist/worker.js');

describe('start-up checks', () => {
  test.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://comments.example.com' }, 'AUTH_SECRET'],
    [{ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) }, 'PUBLIC_URL'],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://comments.example.com', AUTH_SECRET: 'x'.repeat(40) }, 'AUTH_SECRET is guessable'],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://comments.example.com', AUTH_SECRET: randomBytes(48).toString('base64') }, 'METRICS_TOKEN'],
    [{ REDIS_URL: 'http://nope' }, 'REDIS_URL'],
  ])('bad config %j: exit 1 with one line naming %s', async (env, name) => {
    const result = await run(main, env);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(result.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  test.each([main, worker])('%s: Redis unreachable: exit 1 with one line saying how to start one', async (entry) => {
    const port = await freePort();
    const result = await run(entry, { REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Redis is not reachable at redis:\/\/127\.0\.0\.1:\d+.*redis-server/);
  });

  test('a Redis password never reaches the output', async () => {
    const port = await freePort();
    const result = await run(main, { REDIS_URL: `redis://default:hunter2@127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).toContain('default:***@');
  });

  test('a port already in use: exit 1 with one line', async () => {
    const { createServer } = await import('node:net');
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    try {
      const result = await run(main, { PORT: String(port), HOST: '127.0.0.1', REDIS_URL: 'redis://127.0.0.1:6379/9' }, 30000);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n').filter((l) => !l.startsWith('(node:') && !l.includes('--trace-warnings'))).toEqual([
        `Port ${port} on 127.0.0.1 is already in use: stop the other process or set PORT`,
      ]);
    } finally {
      server.close();
    }
  });

  test('NODE_ENV and HOST unset (development, emulator on): listens on 127.0.0.1 only, and says so', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH!, DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-start-')), PORT: String(port), REDIS_URL: 'redis://127.0.0.1:6379/9' },
      cwd: mkdtempSync(join(tmpdir(), 'comments-cwd-')),
    });
    let stdout = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line: ${stdout}`)), 30000);
        child.stdout.on('data', (d) => {
          stdout += d;
          if (stdout.includes('listening on 127.0.0.1 only')) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.on('exit', () => reject(new Error(`exited: ${stdout}`)));
      });
      expect(stdout).toMatch(/listening on 127\.0\.0\.1 only \(development\); set HOST=0\.0\.0\.0/);
      expect(JSON.parse(stdout.split('\n').find((l) => l.includes('comments service listening'))!)).toMatchObject({ host: '127.0.0.1', port });
      const reachable = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
        socket.on('connect', () => socket.destroy());
      });
      expect(reachable).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});

describe('what a start prints', () => {
  /** Starts an entrypoint, waits for `readyText` on stdout, stops it, and hands back both streams. */
  async function startAndStop(entry: string, env: Record<string, string>, readyText: string): Promise<{ stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH!, REDIS_URL: 'redis://127.0.0.1:6379/9', ...env }, cwd: mkdtempSync(join(tmpdir(), 'comments-cwd-')) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const closed = new Promise((resolve) => child.once('close', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!stdout.includes(readyText)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${readyText}": ${stdout}${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      child.kill('SIGTERM');
      await closed;
    }
    return { stdout, stderr };
  }

  const jsonLines = (stdout: string) => stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; context?: string });

  test('a first start: a handful of info lines, and the generated admin password as a plain block on stderr; the next start: no block', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'comments-start-'));
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()) };
    const first = await startAndStop(main, env, 'comments service listening');

    const lines = jsonLines(first.stdout);
    const info = lines.filter((l) => l.level === 30);
    expect(info.length).toBeLessThanOrEqual(10);
    expect(lines.some((l) => ['RouterExplorer', 'RoutesResolver', 'InstanceLoader'].includes(l.context ?? ''))).toBe(false); // debug is off
    expect(info.map((l) => l.msg)).toEqual(expect.arrayContaining([expect.stringMatching(/^mapped \d{2,} routes in \d+ controllers/)]));

    const logged = lines.find((l) => l.msg.startsWith('No admin existed'))!;
    const password = /generated password (\S+)/.exec(logged.msg)![1]!;
    const block = first.stderr.split('\n');
    const at = block.findIndex((l) => l.includes('No admin existed: created admin@localhost'));
    expect(block[at - 1]).toMatch(/^={60,}$/);
    expect(block[at + 1]!.startsWith(` Password: ${password} `)).toBe(true);

    const again = await startAndStop(main, env, 'comments service listening');
    expect(again.stderr).not.toContain('No admin existed');
    expect(again.stderr).not.toContain(password);
  }, 60_000);

  test('an admin password from MODERATOR_ADMIN_PASSWORD is never echoed; the worker prints no admin block', async () => {
    const password = 'set-by-the-operator-0123';
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-start-')), PORT: String(await freePort()), MODERATOR_ADMIN_PASSWORD: password };
    const api = await startAndStop(main, env, 'comments service listening');
    expect(api.stdout).toContain('admin created from MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD');
    expect(api.stdout + api.stderr).not.toContain(password);
    expect(api.stderr).not.toContain('No admin existed');

    const worker = await startAndStop(join(process.cwd(), 'dist/worker.js'), { DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-start-')) }, 'worker started');
    expect(worker.stdout + worker.stderr).not.toContain('No admin existed');
    expect(jsonLines(worker.stdout).filter((l) => l.level === 30).length).toBeLessThanOrEqual(6);
  }, 60_000);
});
