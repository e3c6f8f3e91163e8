// BENCH_ONLY=classifier (comments.bench.mjs): what an outside classifier answering in 50 ms costs
// the POST -> published time. The same steady 200 comments/s twice over: first with the worker as
// it is (no EXTERNAL_MODERATION_URL), then with a worker that asks a local fake classifier which
// answers every request after BENCH_CLASSIFIER_MS (50). Latency from the database's
// created_at / published_at, as phase 6.
import { createServer } from 'node:http';

/** A classifier that answers `publish` after `delayMs`, counting what it was asked. */
async function fakeClassifier(delayMs) {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"verdict":"publish","score":0.01}'), delayMs);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/classify`,
    calls: () => calls,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Evenly paced POSTs at 200/s for `seconds`, then the POST -> published percentiles of exactly those comments. */
async function steady({ base, pool, tokens, seconds, sleep, percentile, body }) {
  const articleId = `bench-classifier-${Date.now()}`;
  const since = new Date();
  let accepted = 0;
  const sends = [];
  const startedAt = performance.now();
  for (let i = 0; i < 200 * seconds; i++) {
    const wait = startedAt + i * 5 - performance.now();
    if (wait > 0) await sleep(wait);
    sends.push(
      fetch(`${base}/api/articles/${articleId}/comments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % tokens.length]}` },
        body: JSON.stringify({ body: body(i) }),
      }).then((r) => r.ok && accepted++, () => undefined),
    );
  }
  await Promise.all(sends);
  const decided = async () => (await pool.query(`SELECT COUNT(*)::int AS n FROM comments WHERE article_id = $1 AND status <> 'pending'`, [articleId])).rows[0].n;
  for (let i = 0; i < 300 && (await decided()) < accepted; i++) await sleep(100);
  const { rows } = await pool.query(
    `SELECT EXTRACT(EPOCH FROM (published_at - created_at)) * 1000 AS ms FROM comments
      WHERE article_id = $1 AND status = 'published' AND created_at >= $2 ORDER BY ms`,
    [articleId, since],
  );
  const ms = rows.map((r) => Number(r.ms));
  return {
    sent: accepted,
    published: ms.length,
    p50Ms: +percentile(ms, 50).toFixed(1),
    p99Ms: +percentile(ms, 99).toFixed(1),
    maxMs: +(ms[ms.length - 1] ?? 0).toFixed(1),
  };
}

export async function classifierCost({ base, pool, tokens, seconds, sleep, percentile, tag, restartWorker }) {
  const delayMs = Number(process.env.BENCH_CLASSIFIER_MS ?? 50);
  const classifier = await fakeClassifier(delayMs);
  const run = (label) => steady({ base, pool, tokens, seconds, sleep, percentile, body: (i) => `Steady ${label} comment ${tag(i)}, clean and short.` });
  try {
    // Warm-up (not measured): the worker's JIT and pools, then the same on the classifier's worker.
    await run('warm');
    const without = await run('plain');
    await restartWorker({ EXTERNAL_MODERATION_URL: classifier.url, EXTERNAL_MODERATION_SECRET: 'bench-classifier-secret-0123456789' });
    await run('warmer');
    const before = classifier.calls();
    const withClassifier = await run('classified');
    // The calls as the workers timed them (comments_external_moderation_seconds, all runs with the classifier).
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const figure = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    const meanCallMs = (figure('comments_external_moderation_seconds_sum') / figure('comments_external_moderation_seconds_count')) * 1000;
    return {
      rate: '200/s',
      seconds,
      classifierAnswersAfterMs: delayMs,
      withoutClassifier: without,
      withClassifier: { ...withClassifier, classifierCalls: classifier.calls() - before, meanCallMsAsTheWorkerTimedIt: +meanCallMs.toFixed(1) },
      addedMs: { p50: +(withClassifier.p50Ms - without.p50Ms).toFixed(1), p99: +(withClassifier.p99Ms - without.p99Ms).toFixed(1) },
    };
  } finally {
    await classifier.close();
  }
}
