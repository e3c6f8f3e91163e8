// npm run bench — the comment path under load, against a live service on PostgreSQL and Redis.
//
// Starts the built API (dist/main.js) and a separate worker (dist/worker.js) on a fresh PostgreSQL
// database, signs readers in through the emulator, then drives it with autocannon from this process:
//   1. hello-world ceiling: GET /health/live on the same server
//   2. GET list: a cached page of 20 published comments, as it is and gzipped (as browsers ask),
//      and GET /api/counts for an index page of 50 articles (11 with comments)
//   3. POST accepted/s: comments from many readers, as fast as the API accepts them, while no
//      worker consumes the queue (the queue absorbs the burst) ...
//   4. ... then the worker is started and drains that backlog (moderated/s) ...
//   5. ... and POST again, with the worker moderating alongside on the same two cores
//   6. POST -> published latency at a steady 200/s (from created_at/published_at)
// Prints one JSON document. Settings: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (50),
// BENCH_READERS (400), TEST_POSTGRES_URL, TEST_REDIS_URL; BENCH_ONLY=post skips 1-2, BENCH_ONLY=read runs only 1-2 (the counts included); BENCH_PROFILE=dir writes CPU profiles;
// BENCH_ONLY=reactions runs only the reaction phases (reactions.phases.mjs; BENCH_STREAMS, 10,000 live readers;
// BENCH_DATABASE=sqlite runs them on SQLite; BENCH_LOADGEN=wrk sends the reactions with wrk instead of autocannon);
// BENCH_NODE_FLAGS replaces the Node.js flags of `npm start` (e.g. "" for Node's defaults);
// BENCH_POST_CONNECTIONS (200) is the connections of the POST phases, BENCH_CONNECTIONS (50) of the reads;
// BENCH_ONLY=classifier runs only the outside classifier's cost (classifier.phase.mjs; BENCH_CLASSIFIER_MS, 50).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { reactionFanOut, reactionsAccepted } from './reactions.phases.mjs';
import { classifierCost } from './classifier.phase.mjs';
import { Redis } from 'ioredis';
import pg from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
// POSTs wait for their group commit: the more requests in flight, the bigger each batch and the
// cheaper each comment. Readers posting 3,000 comments a second over the internet keep hundreds of
// requests in flight (each takes their network's round trips too); 200 is on the low side.
const POST_CONNECTIONS = Number(process.env.BENCH_POST_CONNECTIONS ?? 200);
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/8';
const PORT = 3900 + Math.floor(Math.random() * 90);
const BASE = `http://127.0.0.1:${PORT}`;
// Readers posting: at the default flood limit (5 a minute each) 3,000 comments/s would take 36,000
// of them; 400 keeps each reader's row as busy as a very active reader's, not as a hot spot.
const READERS = Number(process.env.BENCH_READERS ?? 400);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function createDatabase() {
  const name = `comments_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** The Node.js flags `npm start` runs the service with (package.json), so the benchmark measures it as deployed. */
const START_NODE_FLAGS = /node ((?:--\S+ )*)dist\/main\.js/.exec(JSON.parse(readFileSync('package.json', 'utf8')).scripts.start)?.[1]?.trim() ?? '';

function start(entry, env, isReady) {
  const profile = process.env.BENCH_PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? START_NODE_FLAGS).split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, ...profile, `dist/${entry}.js`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setInterval(async () => {
      if (await isReady(output)) {
        clearInterval(timer);
        resolve(child);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`${entry} exited: ${output}`));
      }
    }, 50);
  });
}

/** Signs a reader in through the emulator, like a browser would, and returns a bearer token. */
async function signIn(name) {
  const cookies = new Map();
  const req = async (path, init = {}) => {
    const headers = { ...(init.headers ?? {}), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
    const res = await fetch(new URL(path, BASE), { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return res;
  };
  const consent = new URL((await req('/auth/twitter')).headers.get('location'));
  const decision = await req('/_emulator/twitter/oauth/authorize', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ oauth_token: consent.searchParams.get('oauth_token'), name, action: 'allow' }).toString(),
  });
  await req(decision.headers.get('location'));
  const { token } = await (await req('/auth/token', { method: 'POST' })).json();
  return token;
}

function run(options) {
  return new Promise((resolve, reject) => {
    autocannon({ url: BASE, connections: CONNECTIONS, duration: SECONDS, ...options }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const summary = (result) => ({
  requestsPerSecond: Math.round(result.requests.average),
  ...(result.apiCpuMicrosecondsPerRequest ? { apiCpuMicrosecondsPerRequest: result.apiCpuMicrosecondsPerRequest } : {}),
  latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  non2xx: result.non2xx,
  errors: result.errors,
});

/** CPU time (ms) used so far by processes, by pid or by command name, from /proc (Linux). */
function cpuMs(match) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!match(Number(pid), comm)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/** CPU time (ms) of this process's ended children (cutime + cstime in /proc/self/stat). */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10; // clock ticks of 10 ms
}

function cpuSnapshot(api, worker) {
  return {
    api: cpuMs((pid) => pid === api.pid),
    worker: cpuMs((pid) => pid === worker.pid),
    postgres: cpuMs((_, comm) => comm === 'postgres'),
    redis: cpuMs((_, comm) => comm.startsWith('redis-server')),
    // This process, plus the children it has waited for (wrk, with BENCH_LOADGEN=wrk).
    loadGenerator: Math.round((process.cpuUsage().user + process.cpuUsage().system) / 1000) + childrenCpuMs(),
  };
}

function cpuPerRequest(before, after, requests) {
  const out = {};
  for (const key of Object.keys(before)) out[key] = +(((after[key] - before[key]) * 1000) / Math.max(1, requests)).toFixed(0);
  return out;
}

/** PostgreSQL transactions committed in the bench database, and commands Redis has run (all clients). */
async function roundTrips(pool) {
  const { rows } = await pool.query('SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()');
  const info = await new Promise((resolve) => {
    const child = spawn('redis-cli', ['-u', REDIS_URL, 'INFO', 'stats']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', () => resolve(out));
    child.on('error', () => resolve(''));
  });
  return { pg: Number(rows[0].n), redis: Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0) };
}

/**
 * A number written so that it survives the duplicate rules' normalisation, which folds runs of one
 * character (7730 and 7300 would read alike): each digit followed by a letter ("7a7b3c0d").
 */
const tag = (n) => [...String(n)].map((digit, i) => digit + 'abcdefghijklmnop'[i]).join('');

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The run's queue, counters and rate-limit keys (tens of thousands of jobs) leave Redis with it. */
async function dropRedisKeys(prefix) {
  const redis = new Redis(REDIS_URL);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 })) if (keys.length) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

async function main() {
  const db = await createDatabase();
  const prefix = `bench-${randomBytes(3).toString('hex')}`;
  const env = {
    NODE_ENV: 'development',
    PORT: String(PORT),
    HOST: '127.0.0.1',
    PUBLIC_URL: BASE,
    // BENCH_DATABASE=sqlite (with BENCH_ONLY=reactions): the service on its embedded SQLite file instead.
    ...(process.env.BENCH_DATABASE === 'sqlite' ? {} : { DATABASE_URL: db.url }),
    DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-bench-')),
    REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'warn',
    RUN_WORKER: 'false',
    // The benchmark measures throughput; the per-reader flood limit would cap it at 5/min each.
    COMMENT_RATE_LIMIT: '100000000',
    // Every bench reader signs in from 127.0.0.1.
    SIGNIN_RATE_LIMIT: '100000000',
    // The reaction phases: 200 readers reacting thousands of times a second, 10,000 streams from one address.
    REACTION_RATE_LIMIT: '100000000',
    SSE_MAX_PER_CLIENT: '100000',
  };
  const api = await start('main', env, () => fetch(`${BASE}/health/ready`).then((r) => r.ok, () => false));
  const startWorker = (extra = {}) => start('worker', { ...env, LOG_LEVEL: 'info', ...extra }, (output) => output.includes('moderation worker started'));
  let worker = await startWorker();
  const children = [api];
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  const pending = async () => (await pool.query(`SELECT COUNT(*)::int AS n FROM comments WHERE status = 'pending'`)).rows[0].n;
  try {
    const tokens = [];
    for (let i = 0; i < READERS; i += 20) {
      tokens.push(...(await Promise.all(Array.from({ length: Math.min(20, READERS - i) }, (_, j) => signIn(`Bench Reader ${i + j}`)))));
    }

    // 20 published comments on the article whose page is read.
    const article = 'bench-2018-10-30-pompeo-talks';
    for (let i = 0; i < 20; i++) {
      await fetch(`${BASE}/api/articles/${article}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % READERS]}` },
        body: JSON.stringify({ body: `기사 잘 읽었습니다. Comment number ${i} on the summit.` }),
      });
    }
    for (let i = 0; i < 100; i++) {
      const page = await (await fetch(`${BASE}/api/articles/${article}/comments`)).json();
      if (page.total === 20) break;
      await sleep(100);
    }

    // An index page of 50 stories: that article, 10 more with 1–3 comments each, 39 without any.
    const indexIds = [article, ...Array.from({ length: 49 }, (_, i) => `bench-2018-10-30-story-${i + 1}`)];
    let commented = 0;
    for (let i = 1; i <= 10; i++) {
      for (let j = 0; j < (i % 3) + 1; j++, commented++) {
        await fetch(`${BASE}/api/articles/${indexIds[i]}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[(20 + commented) % READERS]}` },
          body: JSON.stringify({ body: `Index comment ${tag(commented)} on story ${tag(i)}: 잘 읽었습니다.` }),
        });
      }
    }
    const countsUrl = `${BASE}/api/counts?articleIds=${indexIds.map(encodeURIComponent).join(',')}`;
    let withComments = 0;
    for (let i = 0; i < 100; i++) {
      const { counts } = await (await fetch(countsUrl)).json();
      withComments = Object.values(counts).filter((n) => n > 0).length;
      if (Object.values(counts).reduce((a, b) => a + b, 0) === 20 + commented) break;
      await sleep(100);
    }

    const only = process.env.BENCH_ONLY;
    if (only === 'classifier') {
      const restartWorker = async (extra) => {
        worker.kill('SIGTERM');
        await new Promise((resolve) => worker.once('exit', resolve));
        worker = await startWorker(extra);
      };
      const cost = await classifierCost({ base: BASE, pool, tokens, seconds: SECONDS, sleep, percentile, tag, restartWorker });
      const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
      console.log(JSON.stringify({ machine, database: 'postgres', worker: 'separate process', classifier: cost }, null, 2));
      return;
    }
    // Warm-up (not measured): the server's JIT, caches and connection pools settle first.
    if (only !== 'post' && only !== 'reactions') {
      await run({ url: `${BASE}/health/live`, duration: 3 });
      await run({ url: `${BASE}/api/articles/${article}/comments`, duration: 3 });
      await run({ url: countsUrl, duration: 3 });
      await run({ url: `${BASE}/api/articles/${article}/comments?sort=likes`, duration: 2 });
    }
    /** A read phase, with the API's CPU time per request (steadier than req/s on a shared machine). */
    const read = async (options) => {
      if (only === 'post' || only === 'reactions') return { requests: { average: 1 }, latency: {}, apiCpuMicrosecondsPerRequest: 0 };
      const before = cpuMs((pid) => pid === api.pid);
      const result = await run(options);
      const micros = ((cpuMs((pid) => pid === api.pid) - before) * 1000) / Math.max(1, result.requests.total);
      return Object.assign(result, { apiCpuMicrosecondsPerRequest: Math.round(micros) });
    };
    const hello = await read({ url: `${BASE}/health/live` });
    const list = await read({ url: `${BASE}/api/articles/${article}/comments` });
    // The same page asked for as browsers ask (gzip accepted): fewer bytes through the network stack.
    const listGzip = await read({ url: `${BASE}/api/articles/${article}/comments`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    // The list sorted by likes (issue 12): a ranking snapshot behind the cached first page.
    const listByLikes = await read({ url: `${BASE}/api/articles/${article}/comments?sort=likes`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    const getListByLikes = () => ({ ...summary(listByLikes), ratioToHelloWorld: +(listByLikes.requests.average / hello.requests.average).toFixed(2), acceptEncoding: 'gzip, deflate, br' });
    // Counts for an index page of 50 articles, as count.js asks (browsers accept gzip).
    const counts = await read({ url: countsUrl, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    const getCounts = () => ({ ...summary(counts), ratioToHelloWorld: +(counts.requests.average / hello.requests.average).toFixed(2), articles: indexIds.length, withComments });

    if (only === 'read') {
      console.log(
        JSON.stringify({
          helloWorld: summary(hello),
          getList: { ...summary(list), ratioToHelloWorld: +(list.requests.average / hello.requests.average).toFixed(2) },
          getListGzip: { ...summary(listGzip), ratioToHelloWorld: +(listGzip.requests.average / hello.requests.average).toFixed(2) },
          getListByLikes: getListByLikes(),
          getCounts50: getCounts(),
        }),
      );
      return;
    }

    let n = 0;
    const postRun = () =>
      run({
        connections: POST_CONNECTIONS,
        url: `${BASE}/api/articles/bench-post/comments`,
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              n++;
              return {
                ...request,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % READERS]}` },
                body: JSON.stringify({ body: `Load comment ${tag(n)}: 좋은 기사 감사합니다. Thoughtful reporting on the summit.` }),
              };
            },
          },
        ],
      });
    const measured = async (work) => {
      const before = { cpu: cpuSnapshot(api, worker), round: await roundTrips(pool) };
      const result = await work();
      await sleep(1200); // PostgreSQL publishes its statistics at most once a second
      return { result, before, after: { cpu: cpuSnapshot(api, worker), round: await roundTrips(pool) } };
    };
    const perAccepted = ({ before, after, result }) => ({
      cpuMicroseconds: cpuPerRequest(before.cpu, after.cpu, result['2xx']),
      postgresTransactions: +((after.round.pg - before.round.pg) / Math.max(1, result['2xx'])).toFixed(2),
      redisCommands: +((after.round.redis - before.round.redis) / Math.max(1, result['2xx'])).toFixed(2),
    });

    // Reactions (issue 12): accepted/s, then one reaction reaching 10,000 live readers.
    let reactions;
    if (only === undefined || only === 'reactions') {
      const commentIds = (await (await fetch(`${BASE}/api/articles/${article}/comments?limit=20`)).json()).items.map((item) => item.id);
      // Readers 0–19 wrote those comments: the reactions come from the others.
      const reactors = tokens.slice(20);
      await run({ url: `${BASE}/health/live`, duration: 2 });
      const accepted = await reactionsAccepted({ run, base: BASE, connections: POST_CONNECTIONS, tokens: reactors, commentIds, measured, perAccepted, summary, seconds: SECONDS });
      process.stderr.write(`reactions accepted: ${JSON.stringify(accepted)}\n`);
      // A comment nobody has reacted to yet (so each round's likes count is new), on an article of its own.
      const liveArticle = 'bench-live-reactions';
      const posted = await (
        await fetch(`${BASE}/api/articles/${liveArticle}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
          body: JSON.stringify({ body: '실시간 공감 측정용 댓글입니다. A comment for the live reactions.' }),
        })
      ).json();
      for (let i = 0; i < 100 && !(await (await fetch(`${BASE}/api/comments/${posted.id}`)).ok); i++) await sleep(100);
      const fanOut = await reactionFanOut({
        port: PORT,
        base: BASE,
        articleId: liveArticle,
        commentId: posted.id,
        tokens: reactors,
        streams: Number(process.env.BENCH_STREAMS ?? 10_000),
        rounds: 10,
      });
      process.stderr.write(`reaction to streams: ${JSON.stringify(fanOut)}\n`);
      reactions = { reactionsAccepted: accepted, reactionToStreams: fanOut };
      if (only === 'reactions') {
        const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version };
        console.log(JSON.stringify({ machine, database: process.env.BENCH_DATABASE ?? 'postgres', postConnections: POST_CONNECTIONS, ...reactions }, null, 2));
        return;
      }
    }

    // 3. Intake: the worker is stopped, the queue absorbs the burst.
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    const intake = await measured(postRun);
    process.stderr.write(`post (no worker consuming): ${JSON.stringify({ ...summary(intake.result), perAccepted: perAccepted(intake) })}\n`);

    // 4. The worker drains the backlog.
    const backlog = await pending();
    const drainStarted = performance.now();
    worker = await startWorker();
    while ((await pending()) > 0) await sleep(100);
    const drainSeconds = (performance.now() - drainStarted) / 1000;
    process.stderr.write(`drain: ${backlog} comments in ${drainSeconds.toFixed(1)} s (worker start-up included)\n`);

    // 5. POST with the worker moderating alongside.
    const alongside = await measured(postRun);
    process.stderr.write(`post (worker alongside): ${JSON.stringify({ ...summary(alongside.result), perAccepted: perAccepted(alongside) })}\n`);
    if (process.env.BENCH_ONLY === 'post') return;
    while ((await pending()) > 0) await sleep(200);
    const drainedAt = new Date();

    // Steady 200 comments/s for SECONDS (evenly paced, one every 5 ms), then publication latency
    // from the database's created_at / published_at.
    const steady = { '2xx': 0 };
    const sends = [];
    const startedAt = performance.now();
    for (let i = 0; i < 200 * SECONDS; i++) {
      const due = startedAt + i * 5;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      n++;
      sends.push(
        fetch(`${BASE}/api/articles/bench-latency/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[n % READERS]}` },
          body: JSON.stringify({ body: `Steady comment ${tag(n)}, clean and short.` }),
        }).then((r) => r.ok && steady['2xx']++, () => undefined),
      );
    }
    await Promise.all(sends);
    await sleep(2000);
    const { rows } = await pool.query(
      `SELECT EXTRACT(EPOCH FROM (published_at - created_at)) * 1000 AS ms FROM comments
       WHERE article_id = 'bench-latency' AND status = 'published' AND created_at >= $1 ORDER BY ms`,
      [drainedAt],
    );
    const latencies = rows.map((r) => Number(r.ms));

    const result = {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings: {
        seconds: SECONDS,
        connections: CONNECTIONS,
        postConnections: POST_CONNECTIONS,
        database: 'postgres',
        worker: 'separate process',
        nodeFlags: process.env.BENCH_NODE_FLAGS ?? START_NODE_FLAGS,
      },
      helloWorld: summary(hello),
      getList: { ...summary(list), ratioToHelloWorld: +(list.requests.average / hello.requests.average).toFixed(2) },
      getListGzip: { ...summary(listGzip), ratioToHelloWorld: +(listGzip.requests.average / hello.requests.average).toFixed(2), acceptEncoding: 'gzip, deflate, br' },
      getListByLikes: getListByLikes(),
      getCounts50: { ...getCounts(), acceptEncoding: 'gzip, deflate, br' },
      ...reactions,
      postAccepted: {
        ...summary(intake.result),
        acceptedPerSecond: Math.round(intake.result['2xx'] / SECONDS),
        ratioToHelloWorld: +(intake.result.requests.average / hello.requests.average).toFixed(2),
        worker: 'stopped: the queue absorbs the burst',
        perAccepted: perAccepted(intake),
      },
      backlogDrained: { comments: backlog, seconds: +drainSeconds.toFixed(1), moderatedPerSecond: Math.round(backlog / drainSeconds), note: 'worker start-up included' },
      postAcceptedWhileModerating: {
        ...summary(alongside.result),
        acceptedPerSecond: Math.round(alongside.result['2xx'] / SECONDS),
        worker: 'moderating alongside, same two cores',
        perAccepted: perAccepted(alongside),
      },
      postToPublished: {
        rate: '200/s',
        sent: steady['2xx'],
        published: latencies.length,
        p50Ms: +percentile(latencies, 50).toFixed(1),
        p99Ms: +percentile(latencies, 99).toFixed(1),
        maxMs: +latencies[latencies.length - 1].toFixed(1),
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await pool.end();
    for (const child of [...children, worker]) child.kill('SIGTERM');
    await sleep(1500);
    if (process.env.BENCH_KEEP_DB) process.stderr.write(`database kept: ${db.url}\n`);
    else await Promise.all([db.drop().catch(() => undefined), dropRedisKeys(prefix).catch(() => undefined)]);
  }
}

await main();
