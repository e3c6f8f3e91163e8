import { createServer, type Server } from 'node:http';
import { Redis } from 'ioredis';
import type { CommentEvents } from '../src/comments/comment-events.js';
import { MAX_TAG_HEADER_BYTES, articleTag } from '../src/integrations/cdn/cache-headers.js';
import { CdnPurgeQueue, PURGE_GRACE_MS, REACTION_WINDOW_SECONDS } from '../src/integrations/cdn/purge.queue.js';
import { startTestApp, type TestApp } from './support/app.js';
import { TEST_REDIS_URL } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/** A CDN's purge API on a free port: records every request; can refuse a tag's first requests. */
interface Received {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  tag: string;
  at: number;
}

async function purgeReceiver(): Promise<{ server: Server; port: number; received: Received[]; failFirst: Map<string, number> }> {
  const received: Received[] = [];
  const failFirst = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      // Cloudflare-like: the tag is in the body; Fastly-like: the last path segment.
      const tag = body ? (JSON.parse(body) as { tags: string[] }).tags[0]! : decodeURIComponent(request.url!.split('/').pop()!);
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body, tag, at: Date.now() });
      const failures = failFirst.get(tag) ?? 0;
      if (failures > 0) {
        failFirst.set(tag, failures - 1);
        response.writeHead(503, { 'content-type': 'application/json' }).end('{"success":false,"errors":[{"message":"busy"}]}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true,"result":{"id":"x"}}');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, received, failFirst };
}

const stamp = Date.now().toString(36);
let topic = 0;
/** A clean comment, each one different (the rules hold repeats back). */
const clean = () => ({ body: `좋은 기사 감사합니다. A fair account of part ${++topic} of the ${stamp} story.` });

const get = (t: TestApp, path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });
const list = (articleId: string) => `/api/articles/${encodeURIComponent(articleId)}/comments`;

async function publish(r: Reader, articleId: string): Promise<string> {
  const { id } = await (await post(r, articleId, clean())).json();
  expect((await decided(r, id)).status).toBe('published');
  return id;
}

/** Waits for the start of the next second, so that a burst of changes falls within one, after what came before. */
async function nextSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 10));
}

describe('A CDN in front of the lists (PostgreSQL)', () => {
  let plain: TestApp;
  let cdn: TestApp;
  let receiver: Awaited<ReturnType<typeof purgeReceiver>>;
  let plainReader: Reader;
  let r: Reader;
  let desk: SignedInModerator;
  const purgesOf = (articleId: string) => receiver.received.filter((p) => p.tag === articleTag(articleId));
  /** The app's purge jobs for the article, whatever their state. */
  const purgeJobs = async (articleId: string) =>
    (await cdn.app.get(CdnPurgeQueue).queue!.getJobs(['completed', 'failed', 'delayed', 'waiting', 'active'])).filter((job) => job.data.articleId === articleId);

  beforeAll(async () => {
    receiver = await purgeReceiver();
    // Two apps on one database: their own queue prefixes keep their events and queues apart.
    plain = await startTestApp('postgres', { COMMENT_RATE_LIMIT: '1000' });
    // Signed in before the second app starts: the sign-in strategies are registered once per process, the last app's.
    plainReader = await reader(plain);
    cdn = await startTestApp(
      'postgres',
      {
        COMMENT_RATE_LIMIT: '1000',
        // Cloudflare's purge-by-tag shape.
        CDN_PURGE_URL: `http://127.0.0.1:${receiver.port}/client/v4/zones/ZONE123/purge_cache`,
        CDN_PURGE_HEADERS: 'Authorization: Bearer cf-secret-token',
        CDN_PURGE_BODY: '{"tags":["{tag}"]}',
        CDN_MAX_AGE: '600',
      },
      plain.database,
    );
    [r, desk] = await Promise.all([reader(cdn), moderator(cdn)]);
  });
  afterAll(async () => {
    await cdn?.close();
    await plain?.close();
    receiver?.server.close();
  });

  test('without CDN_PURGE_URL: tags on every public response, the short lifetimes as before, and no purge queued', async () => {
    const article = `cdn-plain-${stamp}`;
    const comment = await publish(plainReader, article);
    const { id: reply } = await (await post(plainReader, article, { ...clean(), parentId: comment })).json();
    expect((await decided(plainReader, reply)).status).toBe('published');

    for (const [path, browser] of [
      [list(article), 'public, max-age=5, stale-while-revalidate=30'],
      [`${list(article)}/highlights`, 'public, max-age=5, stale-while-revalidate=30'],
      [`/api/comments/${comment}/replies`, 'public, max-age=5, stale-while-revalidate=30'],
      [`/api/counts?articleIds=${article}`, 'public, max-age=30, stale-while-revalidate=60'],
    ] as const) {
      const response = await get(plain, path);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe(browser);
      expect(response.headers.get('surrogate-key')).toBe(`article-${article}`);
      expect(response.headers.get('cache-tag')).toBe(`article-${article}`);
    }
    expect(plain.app.get(CdnPurgeQueue).queue).toBeNull();
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${plain.config.queuePrefix}:cdn-purge*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    expect(receiver.received.filter((p) => p.tag.includes('cdn-plain'))).toEqual([]);
  });

  test('with it: s-maxage on public responses (ETag and 304 unchanged), never on personalised ones', async () => {
    const article = `cdn-headers-${stamp}`;
    const other = `cdn-headers-other-${stamp}`;
    const comment = await publish(r, article);

    const first = await get(cdn, list(article));
    expect(first.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=30, s-maxage=600');
    expect(first.headers.get('surrogate-key')).toBe(`article-${article}`);
    const etag = first.headers.get('etag')!;
    const again = await get(cdn, list(article), { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toContain('s-maxage=600');
    expect(again.headers.get('cache-tag')).toBe(`article-${article}`);
    // The list is the same for a signed-in reader: nothing in it is theirs alone.
    const signedIn = await r.api.get(list(article));
    expect(signedIn.headers.get('etag')).toBe(etag);
    expect(await signedIn.text()).toBe(await first.text());

    expect((await get(cdn, `${list(article)}/highlights`)).headers.get('cache-control')).toContain('s-maxage=600');
    expect((await get(cdn, `/api/comments/${comment}/replies`)).headers.get('cache-control')).toContain('s-maxage=600');
    const counts = await get(cdn, `/api/counts?articleIds=${article},${other}`);
    expect(counts.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60, s-maxage=600');
    expect(counts.headers.get('surrogate-key')).toBe(`article-${article} article-${other}`);
    expect(counts.headers.get('cache-tag')).toBe(`article-${article},article-${other}`);

    // Ids that need encoding, and a count for more articles than the tag headers hold: the tags that fit, no s-maxage.
    const odd = `${stamp} 속보,1`;
    expect((await get(cdn, `/api/counts?articleIds=${encodeURIComponent(odd)}`)).headers.get('surrogate-key')).toBe(articleTag(odd));
    expect(articleTag(odd)).toMatch(/^article-[A-Za-z0-9%._~-]+$/);
    const many = Array.from({ length: 100 }, (_, i) => `cdn-many-${stamp}-${i}-${'x'.repeat(50)}`);
    const big = await get(cdn, `/api/counts?articleIds=${many.join(',')}`);
    expect(big.status).toBe(200);
    expect(big.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
    expect(big.headers.get('surrogate-key')!.length).toBeLessThanOrEqual(MAX_TAG_HEADER_BYTES);
    // All its headers fit a proxy's default 4 KB header buffer.
    let headerBytes = 'HTTP/1.1 200 OK\r\n'.length;
    big.headers.forEach((value, name) => (headerBytes += name.length + value.length + 4));
    expect(headerBytes).toBeLessThan(4096);
    expect(big.headers.get('surrogate-key')!.split(' ')[0]).toBe(articleTag(many[0]!));

    // Personalised: the author's view of a comment, their own comments, their reactions.
    for (const response of [
      await r.api.get(`/api/comments/${comment}`),
      await r.api.get(`/api/me/comments?articleId=${encodeURIComponent(article)}`),
      await r.api.get(`${list(article).replace('/comments', '')}/my-reactions`),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('surrogate-key')).toBeNull();
    }
    // Anyone else's view of one comment stays short-lived (it is varied by Authorization and Cookie).
    const anonymous = await get(cdn, `/api/comments/${comment}`);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=5');
  });

  test('a burst of changes within a second is one purge, after the changes; a change a second later is one more', async () => {
    const article = `cdn-burst-${stamp}`;
    // Pre-moderation holds the comments for a moderator (the change of mode is itself a purge).
    expect((await desk.api.patch(`/api/moderation/articles/${article}`, { moderationMode: 'pre' })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await (await post(r, article, clean())).json()).id);
    for (const id of ids) expect((await decided(r, id)).status).toBe('in_review');

    await nextSecond();
    const burstAt = Date.now();
    const [bulk, closed] = await Promise.all([
      desk.api.post('/api/moderation/comments/bulk', { ids, action: 'approve' }),
      desk.api.patch(`/api/moderation/articles/${article}`, { commentsOpen: false }),
    ]);
    expect(bulk.status).toBe(200);
    expect(closed.status).toBe(200);
    const burstDone = Date.now();
    expect(burstDone - burstAt).toBeLessThan(900); // still one second: otherwise this run proves nothing
    await waitFor(async () => purgesOf(article).length === 2, 10_000, 'the burst purge');
    const [, burst] = purgesOf(article);
    expect(burst!.at).toBeGreaterThan(burstDone);
    // After the changes: the list the CDN fetches now has all four and says closed.
    const page = await (await get(cdn, list(article))).json();
    expect(page.items.map((c: { id: string }) => c.id).sort()).toEqual([...ids].sort());
    expect(page.commentsOpen).toBe(false);

    // Jobs are added when the changes happen: by now every one the burst made is there (kept an hour once done).
    expect(await purgeJobs(article)).toHaveLength(2);

    // A second later: one more.
    expect((await desk.api.post(`/api/moderation/comments/${ids[0]}/feature`, {})).status).toBe(200);
    await waitFor(async () => purgesOf(article).length === 3, 10_000, 'the purge after the next change');
    expect(await purgeJobs(article)).toHaveLength(3);
    // The request as configured: Cloudflare's method, headers and body.
    expect(burst).toMatchObject({ method: 'POST', url: '/client/v4/zones/ZONE123/purge_cache', body: `{"tags":["article-${article}"]}` });
    expect(burst!.headers.authorization).toBe('Bearer cf-secret-token');
    expect(burst!.headers['content-type']).toBe('application/json');
  });

  test('every process asks; one purge job per article per second, reactions over a longer window', async () => {
    const events = { on: () => undefined } as unknown as CommentEvents;
    // Two more "processes" beside the app's own producer, on the app's queue.
    const queues = [new CdnPurgeQueue(cdn.config, events), new CdnPurgeQueue(cdn.config, events)];
    try {
      await Promise.all(queues.map((q) => q.queue!.waitUntilReady()));
      const article = `cdn-coalesce-${stamp}`;
      const now = (Math.floor(Date.now() / 1000) + 60) * 1000 + 100; // early in a second no real event uses
      const second = Math.floor(now / 1000) + 1;
      await Promise.all([0, 1, 2, 3, 4, 5].map((i) => queues[i % 2]!.schedule(article, 1, now + (i % 3) * 10)));
      const queue = queues[0]!.queue!;
      const job = await queue.getJob(`purge-${article}-${second}`);
      expect(job?.data).toEqual({ articleId: article });
      // Run at the end of that second, plus the grace (whichever of the asks won).
      expect([0, 10, 20].map((d) => second * 1000 + PURGE_GRACE_MS - now - d)).toContain(job!.opts.delay);
      const jobs = (await queue.getDelayed()).filter((j) => j.data.articleId === article);
      expect(jobs).toHaveLength(1);
      // A reaction's purge waits for the end of its window.
      await queues[1]!.schedule(article, REACTION_WINDOW_SECONDS, now);
      const windowEnd = (Math.floor(now / 1000 / REACTION_WINDOW_SECONDS) + 1) * REACTION_WINDOW_SECONDS;
      expect(await queue.getJob(`purge-${article}-${windowEnd}`)).toBeDefined();
    } finally {
      await Promise.all(queues.map((q) => q.onModuleDestroy()));
    }
  });

  test('a CDN that refuses is asked again with backoff, counted and logged; the purge arrives', async () => {
    const article = `cdn-retry-${stamp}`;
    receiver.failFirst.set(articleTag(article), 1);
    expect((await desk.api.patch(`/api/moderation/articles/${article}`, { commentsOpen: false })).status).toBe(200);
    await waitFor(async () => purgesOf(article).length === 2, 15_000, 'the retried purge');
    const metrics = await (await get(cdn, '/metrics')).text();
    expect(Number(/comments_cdn_purges_total\{outcome="failed"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/comments_cdn_purges_total\{outcome="sent"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(await (await get(plain, '/metrics')).text()).not.toContain('comments_cdn_purges_total');
  });
});
