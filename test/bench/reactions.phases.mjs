// The reaction phases of `npm run bench` (issue 12), run by comments.bench.mjs after the read phases,
// or alone with BENCH_ONLY=reactions:
//   R1. reactions accepted/s: PUT /api/comments/{id}/reaction from 200 signed-in readers spread
//       over the article's 20 comments, as fast as the API answers; every request changes a
//       reaction (a new one, then like ↔ dislike switches), none is a repeat;
//   R2. fan-out: 10,000 readers stream the article (GET …/events, raw sockets), one reaction at a
//       time a second and a half apart (so none is coalesced); the time from the PUT's 200 to each
//       stream's `reactions` event.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** R1. `tokens`: readers who wrote none of `commentIds`. */
export async function reactionsAccepted({ run, base, connections, tokens, commentIds, measured, perAccepted, summary, seconds }) {
  const readers = tokens.slice(0, 200);
  const pairs = readers.length * commentIds.length;
  // Each (reader, comment) pair once per pass: the first pass likes, then each pass switches. The
  // 2 × pairs requests are made once, before the clock starts: the load generator shares the two
  // cores with the service, and building each request as it goes cost it ~10 µs a request.
  const prepared = Array.from({ length: 2 * pairs }, (_, i) => {
    const pair = i % pairs;
    return {
      method: 'PUT',
      path: `/api/comments/${commentIds[Math.floor(pair / readers.length)]}/reaction`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${readers[pair % readers.length]}` },
      body: Buffer.from(JSON.stringify({ type: i < pairs ? 'like' : 'dislike' })),
    };
  });
  let n = 0;
  const generator = process.env.BENCH_LOADGEN === 'wrk' ? 'wrk' : 'autocannon';
  const result = await measured(() =>
    generator === 'wrk'
      ? runWrk({ base, connections, seconds, prepared })
      : run({
          connections,
          requests: [{ method: 'PUT', setupRequest: (request) => Object.assign(request, prepared[n++ % prepared.length]) }],
        }),
  );
  return {
    loadGenerator: generator,
    ...summary(result.result),
    acceptedPerSecond: Math.round(result.result['2xx'] / seconds),
    readers: readers.length,
    comments: commentIds.length,
    perAccepted: perAccepted(result),
  };
}

/**
 * The same requests sent by wrk (BENCH_LOADGEN=wrk, Debian package `wrk`): a C load generator that
 * costs the two shared cores a fraction of autocannon's ~55 µs a request, so more of them is the
 * service's. One thread, so the prepared requests go out in order, each once per round. Returns
 * what `summary` and `perAccepted` read of an autocannon result.
 */
async function runWrk({ base, connections, seconds, prepared }) {
  const host = new URL(base).host;
  const raw = prepared.map(
    (r) =>
      `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\n` +
      Object.entries(r.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
      `Content-Length: ${r.body.length}\r\n\r\n${r.body.toString('latin1')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
  const script = join(dir, 'reactions.lua');
  // JSON string literals are Lua string literals too for this ASCII text.
  writeFileSync(
    script,
    `local requests = {${raw.map((text) => JSON.stringify(text)).join(',\n')}}
local i = 0
request = function()
  i = i + 1
  if i > #requests then i = 1 end
  return requests[i]
end
done = function(summary, latency)
  io.write(string.format('WRK {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
`,
  );
  try {
    const stdout = await new Promise((resolve, reject) =>
      execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, base], { maxBuffer: 1 << 20 }, (err, out, errOut) =>
        err ? reject(new Error(`wrk failed (apt-get install wrk): ${err.message}`)) : resolve(out + errOut),
      ),
    );
    const line = /^WRK (.*)$/m.exec(stdout);
    if (!line) throw new Error(`wrk printed no figures:\n${stdout}`);
    const figures = JSON.parse(line[1]);
    const elapsed = figures.durationUs / 1e6;
    const socketErrors = figures.connect + figures.read + figures.write + figures.timeout;
    return {
      '2xx': figures.requests - figures.status,
      non2xx: figures.status,
      errors: socketErrors,
      requests: { average: figures.requests / elapsed, total: figures.requests },
      latency: { p50: figures.p50 / 1000, p99: figures.p99 / 1000 },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opens one raw SSE connection; resolves once the stream has started. Records every `reactions` event's likes and arrival. */
function openStream(port, path, onReaction) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let started = false;
    let buffer = '';
    socket.setNoDelay(true);
    socket.on('error', (err) => (started ? undefined : reject(err)));
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`));
    socket.on('data', (chunk) => {
      const at = performance.now();
      buffer += chunk.toString('latin1');
      if (!started) {
        if (!buffer.includes('\r\n\r\n')) return;
        if (!buffer.startsWith('HTTP/1.1 200')) return reject(new Error(buffer.slice(0, buffer.indexOf('\r\n'))));
        started = true;
        resolve(socket);
      }
      let end;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.includes('event: reactions')) onReaction(Number(/"likes":(\d+)/.exec(frame)?.[1]), at);
      }
    });
  });
}

/** R2. `tokens`: readers who did not write `commentId` and have not reacted to it. */
export async function reactionFanOut({ port, base, articleId, commentId, tokens, streams, rounds }) {
  const path = `/api/articles/${encodeURIComponent(articleId)}/events`;
  // Arrivals by likes count (one reaction per round: each round's count is new).
  const arrivals = new Map();
  const sockets = [];
  const openedAt = performance.now();
  for (let i = 0; i < streams; i += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, streams - i) }, () =>
        openStream(port, path, (likes, at) => {
          let list = arrivals.get(likes);
          if (!list) arrivals.set(likes, (list = []));
          list.push(at);
        }),
      ),
    );
    sockets.push(...batch);
  }
  const openSeconds = (performance.now() - openedAt) / 1000;
  await sleep(1500);
  const latencies = [];
  const perRound = [];
  let missing = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const response = await fetch(`${base}/api/comments/${commentId}/reaction`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[round]}` },
        body: JSON.stringify({ type: 'like' }),
      });
      const answeredAt = performance.now();
      if (!response.ok) throw new Error(`reaction answered ${response.status}: ${await response.text()}`);
      const { likes } = await response.json();
      await sleep(1500);
      const times = arrivals.get(likes) ?? [];
      missing += streams - times.length;
      const round_ = times.map((at) => at - answeredAt).sort((a, b) => a - b);
      perRound.push(+percentile(round_, 99).toFixed(1));
      latencies.push(...round_);
    }
  } finally {
    for (const socket of sockets) socket.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    streams: sockets.length,
    openedInSeconds: +openSeconds.toFixed(1),
    rounds,
    eventsReceived: latencies.length,
    missing,
    latencyMsFromThe200: {
      p50: +percentile(latencies, 50).toFixed(1),
      p90: +percentile(latencies, 90).toFixed(1),
      p99: +percentile(latencies, 99).toFixed(1),
      max: +latencies[latencies.length - 1].toFixed(1),
      p99ByRound: perRound,
    },
  };
}
