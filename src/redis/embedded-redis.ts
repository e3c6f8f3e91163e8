import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { link, mkdir, readFile, realpath, rename, unlink, writeFile } from 'node:fs/promises';
import { uptime } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { freePort } from '../common/free-port.js';

/**
 * A private redis-server for development: loopback only, a free port, append-only data in a
 * directory of its own (DATA_DIR/redis). No framework here: the entrypoints call it before Nest.
 *
 * One per directory. `server.json` there is both the lock (created atomically, so two starts never
 * run two servers over one append-only file) and the note the worker and `npm run moderators`
 * read to find the running one. Redis stops when the process that started it ends (see WRAPPER).
 */

/** What `server.json` says. */
export interface PrivateRedisNote {
  /** The process that started it: Redis lives as long as it does. */
  owner: number;
  /** When the machine booted (seconds since 1970): after a reboot the owner's pid may be anyone's. */
  boot: number;
  startedAt: number;
  /** Set once Redis answers. */
  url?: string;
  runId?: string;
  version?: string;
  pid?: number;
}

export interface PrivateRedis {
  url: string;
  port: number;
  /** redis-server's version, e.g. 7.0.15. */
  version: string;
  /** redis-server's process id. */
  pid: number;
  /** The process that started it (this one, unless `reused`). */
  owner: number;
  /** Another process had already started it. */
  reused: boolean;
}

/** redis-server is not on the PATH. */
export class RedisServerMissing extends Error {}

const NOTE_FILE = 'server.json';
/** Loading a large append-only file takes a while; a development one, a moment. */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 1000;
/** Another program may take the free port between our choice and redis-server's bind. */
const PORT_ATTEMPTS = 3;
const OUTPUT_TAIL_CHARS = 4096;
const POLL_MS = 50;

/**
 * redis-server runs under a small shell that holds the read end of a pipe from this process. When
 * this process ends, by a signal or a SIGKILL alike, the pipe closes and the shell stops Redis with
 * SIGTERM, a clean shutdown that flushes the append-only file. The shell and Redis are a process
 * group of their own, so a Ctrl-C in the terminal reaches only the service, and Redis stops after
 * the service has closed its connections.
 */
const WRAPPER = [
  'exec 3<&0',
  '"$0" "$@" 3<&- </dev/null &',
  'redis=$!',
  '{ while read -r _ <&3; do :; done; kill -TERM "$redis" 2>/dev/null; } &',
  'watcher=$!',
  'wait "$redis"',
  'status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

function serverArgs(dir: string, port: number): string[] {
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--dir', dir,
    '--appendonly', 'yes',
    '--save', '',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
    '--loglevel', 'warning',
  ];
}

/** The one line telling a developer how to get Redis. */
export const REDIS_INSTALL_HINT =
  'install redis-server (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) ' +
  'or run Redis in Docker (docker compose up -d redis, or docker run -p 127.0.0.1:6379:6379 redis:7-alpine)';

/** The installed redis-server's version, or RedisServerMissing. */
export function redisServerVersion(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-server', ['--version'], { timeout: 5000, maxBuffer: 64 * 1024 }, (err, stdout) => {
      if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new RedisServerMissing('redis-server is not on the PATH'));
      if (err) return reject(new Error(`redis-server --version failed: ${err.message}`));
      resolve(/v=(\S+)/.exec(stdout)?.[1] ?? 'unknown version');
    });
  });
}

/** The private Redis already running for `dir` (waiting for one being started), or undefined. */
export async function findPrivateRedis(dir: string): Promise<PrivateRedis | undefined> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const seen = await inspect(dir);
    if (!seen) return undefined;
    if (seen.state === 'running') return seen.redis;
    if (seen.state !== 'starting' || Date.now() > deadline) return undefined;
    await sleep(POLL_MS * 2);
  }
}

/**
 * The private Redis for `dir`: the one already running (another process started it), or a new one
 * owned by this process. A note left by a process that has gone is cleared, after stopping its
 * Redis if that is somehow still up.
 */
export async function startPrivateRedis(dir: string): Promise<PrivateRedis> {
  const version = await redisServerVersion();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const real = await realpath(dir);
  const file = join(dir, NOTE_FILE);
  const deadline = Date.now() + START_TIMEOUT_MS + STOP_TIMEOUT_MS;
  const mine: PrivateRedisNote = { owner: process.pid, boot: bootTime(), startedAt: Date.now() };
  while (!(await createExclusive(file, JSON.stringify(mine)))) {
    const seen = await inspect(dir);
    if (seen?.state === 'running') return seen.redis;
    if (Date.now() > deadline) throw new Error(`The private Redis in ${dir} did not become free within ${(deadline - mine.startedAt) / 1000} s`);
    if (seen?.state === 'starting') {
      await sleep(POLL_MS * 2);
    } else if (seen?.state === 'unanswering') {
      throw new Error(`The private Redis in ${dir} (started by process ${seen.note.owner}, still running) does not answer on ${seen.note.url}: stop that process, or set REDIS_URL`);
    } else if (seen) {
      await stopLeftover(seen.note, real);
      await removeIfUnchanged(file, seen.text);
    }
  }
  try {
    // The note names the port before Redis starts, so whoever finds it left behind knows where to look.
    const started = await launch(real, version, (url) => replace(file, JSON.stringify({ ...mine, url } satisfies PrivateRedisNote)));
    await replace(file, JSON.stringify({ ...mine, url: started.url, runId: started.runId, version, pid: started.pid } satisfies PrivateRedisNote));
    return { url: started.url, port: started.port, version, pid: started.pid, owner: process.pid, reused: false };
  } catch (err) {
    await unlink(file).catch(() => undefined);
    throw err;
  }
}

type Seen =
  | { state: 'running'; redis: PrivateRedis }
  /** Its owner is alive and it is not up yet. */
  | { state: 'starting'; note: PrivateRedisNote; text: string }
  /** Its owner is alive but it stopped answering. */
  | { state: 'unanswering'; note: PrivateRedisNote; text: string }
  /** Its owner has gone (Redis may still be stopping). */
  | { state: 'left'; note: PrivateRedisNote; text: string };

async function inspect(dir: string): Promise<Seen | undefined> {
  const text = await readFile(join(dir, NOTE_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const note = parseNote(text);
  if (!note || !ownerAlive(note)) return { state: 'left', note: note ?? { owner: 0, boot: 0, startedAt: 0 }, text };
  if (note.url) {
    const probe = await probeRedis(note.url);
    if (probe.answer === 'info' && probe.runId === note.runId) {
      const port = Number(new URL(note.url).port);
      return { state: 'running', redis: { url: note.url, port, version: probe.version, pid: probe.pid, owner: note.owner, reused: true } };
    }
  }
  return Date.now() - note.startedAt < START_TIMEOUT_MS ? { state: 'starting', note, text } : { state: 'unanswering', note, text };
}

function parseNote(text: string): PrivateRedisNote | undefined {
  try {
    const note = JSON.parse(text) as PrivateRedisNote;
    return Number.isInteger(note.owner) && typeof note.boot === 'number' && typeof note.startedAt === 'number' ? note : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Waits until the Redis a gone owner left on `dir` has stopped (the wrapper stops it as the owner
 * ends), shutting it down cleanly if it is somehow still serving.
 */
async function stopLeftover(note: PrivateRedisNote, dir: string): Promise<void> {
  if (!note.url) return;
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  for (;;) {
    const probe = await probeRedis(note.url);
    if (probe.answer === 'refused' || (probe.answer === 'info' && probe.dir !== dir)) return;
    if (Date.now() > deadline) {
      throw new Error(`A private Redis left by process ${note.owner} on ${note.url} does not stop${note.pid ? ` (redis-server pid ${note.pid})` : ''}: stop it, then start again`);
    }
    if (probe.answer === 'info') await ask(note.url, (redis) => redis.call('SHUTDOWN'));
    await sleep(POLL_MS);
  }
}

interface Launched {
  url: string;
  port: number;
  runId: string;
  pid: number;
}

async function launch(dir: string, version: string, announce: (url: string) => Promise<void>): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    await announce(url);
    const child = spawn('/bin/sh', ['-c', WRAPPER, 'redis-server', ...serverArgs(dir, port)], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const output = outputTail(child);
    let exited = false;
    const gone = new Promise<void>((resolve) => {
      child.once('exit', resolve);
      child.once('error', resolve);
    }).then(() => (exited = true));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      const probe = await probeRedis(url);
      // The same directory, resolved by Redis itself: not another server that took the port.
      if (probe.answer === 'info' && probe.dir === dir && !probe.loading) {
        release(child);
        return { url, port, runId: probe.runId, pid: probe.pid };
      }
      await sleep(POLL_MS);
    }
    child.stdin!.end();
    await Promise.race([gone, sleep(STOP_TIMEOUT_MS)]);
    if (/address already in use/i.test(output()) && attempt < PORT_ATTEMPTS) continue;
    const reason = lastLogLine(output()) || (exited ? `redis-server ${version} exited` : `no answer within ${START_TIMEOUT_MS / 1000} s`);
    throw new Error(`The private Redis did not start: ${reason} (data in ${dir})`);
  }
}

/** Lets this process exit without waiting for Redis; the pipe to it stays open until it does. */
function release(child: ChildProcess): void {
  child.unref();
  for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
}

function outputTail(child: ChildProcess): () => string {
  let tail = '';
  // Always read: a full pipe would block Redis on its next log line.
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-OUTPUT_TAIL_CHARS));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return () => tail;
}

/** "123:M 01 Jan 2026 10:00:00.000 # Bad file format reading the append only file" → the message. */
function lastLogLine(output: string): string {
  const lines = output.split('\n').map((l) => l.replace(/^\d+:[A-Z] .*? \d\d:\d\d:\d\d\.\d+ [.\-*#] /, '').trim());
  return lines.filter(Boolean).pop() ?? '';
}

type Probe =
  | { answer: 'info'; runId: string; version: string; pid: number; dir: string; loading: boolean }
  | { answer: 'refused' }
  | { answer: 'silent' };

/** What answers at `url`: our kind of Redis, nothing (connection refused), or something that does not reply. */
async function probeRedis(url: string): Promise<Probe> {
  let refused = false;
  const answer = await ask(
    url,
    async (redis) => {
      // INFO and CONFIG answer while the data is still loading: `loading` says when it is done.
      const [info, dir] = await Promise.all([redis.info(), redis.config('GET', 'dir') as Promise<string[]>]);
      const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
      return { runId: field('run_id'), version: field('redis_version'), pid: Number(field('process_id')), dir: dir[1] ?? '', loading: field('loading') === '1' };
    },
    (err) => (refused ||= err.code === 'ECONNREFUSED'),
  );
  if (answer) return { answer: 'info', ...answer };
  return refused ? { answer: 'refused' } : { answer: 'silent' };
}

async function ask<T>(url: string, question: (redis: Redis) => Promise<T>, onError?: (err: NodeJS.ErrnoException) => void): Promise<T | undefined> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    commandTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableReadyCheck: false,
    retryStrategy: () => null,
  });
  redis.on('error', (err: NodeJS.ErrnoException) => onError?.(err));
  try {
    await redis.connect();
    return await question(redis);
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

function ownerAlive(note: PrivateRedisNote): boolean {
  // Our own pid in a note we did not write: an earlier process that had it (containers reuse pids).
  if (note.owner === process.pid || Math.abs(note.boot - bootTime()) > 60) return false;
  try {
    process.kill(note.owner, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function bootTime(): number {
  return Math.round(Date.now() / 1000 - uptime());
}

/** Creates `file` with its whole content at once, or returns false if it exists. */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, content, { mode: 0o600 });
  try {
    await link(draft, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function replace(file: string, content: string): Promise<void> {
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, content, { mode: 0o600 });
  await rename(draft, file);
}

/** Removes a note judged stale, unless another process replaced it meanwhile. */
async function removeIfUnchanged(file: string, seen: string): Promise<void> {
  const now = await readFile(file, 'utf8').catch(() => undefined);
  if (now === seen) await unlink(file).catch(() => undefined);
}
