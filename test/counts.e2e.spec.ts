import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/** Reads the wire bytes (fetch would decode gzip). */
function raw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe.each(DATABASES)('GET /api/counts on %s', (kind) => {
  let t: TestApp;
  let r: Reader;
  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000' });
    r = await reader(t);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-counts-${name}-${Date.now()}`;
  const counts = (ids: string[], headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/counts?articleIds=${ids.map(encodeURIComponent).join(',')}`, { headers });
  const countOf = async (id: string, app = t) => (await (await fetch(`${app.url}/api/counts?articleIds=${encodeURIComponent(id)}`)).json()).counts[id];

  const topics = ['the summit', 'the budget', 'the election', 'the weather', 'the markets', 'the league', 'the museum', 'the bridge', 'the harvest', 'the census'];
  let published = 0;
  /** A clean comment, each one different (the rules hold repeats back). */
  async function publish(articleId: string): Promise<string> {
    const body = `좋은 기사 감사합니다. A fair account of ${topics[published++ % topics.length]}, part ${'abcdefghijklmnopqrstuvwxyz'[published % 26]}.`;
    const { id } = await (await post(r, articleId, { body })).json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }

  test('published comments per article, in the order asked; unknown articles count 0; ids with commas, Hangul and emoji', async () => {
    const plain = article('plain');
    const comma = `${article('기사')},속보`;
    const emoji = `${article('emoji')}-🇰🇷👨‍👩‍👧`;
    await publish(plain);
    await publish(plain);
    await publish(comma);
    await publish(emoji);
    const { id: held } = await (await post(r, plain, { body: 'The minister is an idiot' })).json();
    expect((await decided(r, held)).status).toBe('in_review'); // not published: not counted

    const unknown = article('never-seen');
    const response = await counts([emoji, unknown, plain, comma]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ counts: { [emoji]: 1, [unknown]: 0, [plain]: 2, [comma]: 1 } });
    // The JSON's keys come in the order asked.
    expect(text).toBe(JSON.stringify({ counts: { [emoji]: 1, [unknown]: 0, [plain]: 2, [comma]: 1 } }));
    // The list says the same.
    expect((await (await fetch(`${t.url}/api/articles/${encodeURIComponent(plain)}/comments`)).json()).total).toBe(2);
  });

  test('an id asked for twice is answered once', async () => {
    const id = article('twice');
    await publish(id);
    const other = article('other');
    const body = await (await counts([id, other, id, id])).text();
    expect(body).toBe(JSON.stringify({ counts: { [id]: 1, [other]: 0 } }));
  });

  test('a count follows publication and a moderator’s rejection at once (the cache drops)', async () => {
    const desk = await moderator(t);
    const id = article('follows');
    expect(await countOf(id)).toBe(0); // now in the cache

    const first = await publish(id);
    expect(await countOf(id)).toBe(1);
    const { id: held } = await (await post(r, id, { body: 'The minister is an idiot' })).json();
    expect((await decided(r, held)).status).toBe('in_review');
    expect(await countOf(id)).toBe(1);

    expect((await desk.api.post(`/api/moderation/comments/${held}/approve`, {})).status).toBe(200);
    expect(await countOf(id)).toBe(2);
    expect((await desk.api.post(`/api/moderation/comments/${first}/reject`, { reason: 'abuse', expectedStatus: 'published' })).status).toBe(200);
    expect(await countOf(id)).toBe(1);
  });

  test('a change made by another API process reaches this one’s counts (Redis pub/sub)', async () => {
    const id = article('elsewhere');
    const second = await startTestApp(kind, { QUEUE_PREFIX: t.config.queuePrefix, RUN_WORKER: 'false' }, t.database);
    try {
      expect(await countOf(id, second)).toBe(0); // cached by the second process
      await publish(id); // through the first
      // Well inside the cache's 10-second lifetime: only the announcement can explain it.
      await waitFor(async () => (await countOf(id, second)) === 1, 3000, 'the second process to see the new count');
    } finally {
      await second.close();
    }
  });

  test('cacheable by browsers and CDNs: Cache-Control, a weak ETag (304 on If-None-Match), gzip on request', async () => {
    const id = article('etag');
    await publish(id);
    const first = await counts([id, 'x']);
    expect(first.headers.get('cache-control')).toBe('public, max-age=30, stale-while-revalidate=60');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get('vary')).toMatch(/accept-encoding/i);

    const unchanged = await counts([id, 'x'], { 'if-none-match': etag });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(await unchanged.text()).toBe('');
    // Another set of ids, or the same in another order, is another answer.
    expect((await counts(['x', id], { 'if-none-match': etag })).status).toBe(200);

    await publish(id);
    const changed = await counts([id, 'x'], { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.json()).toEqual({ counts: { [id]: 2, x: 0 } });

    const url = `${t.url}/api/counts?articleIds=${encodeURIComponent(id)},x`;
    const zipped = await raw(url, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const plainAnswer = await raw(url);
    expect(plainAnswer.headers['content-encoding']).toBeUndefined();
    expect(gunzipSync(zipped.body).toString('utf8')).toBe(plainAnswer.body.toString('utf8'));
    expect(zipped.headers.etag).toBe(plainAnswer.headers.etag);
  });

  test('readable by scripts on any site (CORS), without credentials', async () => {
    const response = await counts(['a-1'], { origin: 'https://news.example.com' });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  test('1 to 100 ids: 100 pass; none, 101 or an invalid id answer 400 VALIDATION_FAILED with field articleIds', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `many-${i}`);
    const ok = await counts(hundred);
    expect(ok.status).toBe(200);
    expect(Object.keys((await ok.json()).counts)).toEqual(hundred);
    // Repeats are not counted against the limit.
    expect((await counts([...hundred, 'many-0'])).status).toBe(200);

    const refused = [
      `${t.url}/api/counts`,
      `${t.url}/api/counts?articleIds=`,
      `${t.url}/api/counts?articleIds=${[...hundred, 'many-100'].join(',')}`,
      `${t.url}/api/counts?articleIds=a,,b`,
      `${t.url}/api/counts?articleIds=a,${'x'.repeat(201)}`,
      `${t.url}/api/counts?articleIds=a,b%0Ac`,
      `${t.url}/api/counts?articleIds=many-0,many-1,b%0Ac`, // beside ids already in memory too
      `${t.url}/api/counts?articleIds=a,%E0%A4%A`,
      `${t.url}/api/counts?articleIds=a&articleIds=b`,
    ];
    for (const url of refused) {
      const response = await fetch(url);
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(await response.json()).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: 'articleIds' });
    }
    // 200 characters pass, whether ASCII or emoji (one each, as the database counts them).
    expect((await counts(['y'.repeat(200), '😀'.repeat(200)])).status).toBe(200);
  });
});

describe('GET /count.js', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('JavaScript, cached, gzipped on request, loadable by other sites, at most 2 KB gzipped', async () => {
    const plain = await fetch(`${t.url}/count.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(plain.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const source = await plain.text();
    expect(source).toContain('/api/counts?articleIds=');
    expect(source).toContain('data-comment-count');
    const etag = plain.headers.get('etag')!;
    expect((await fetch(`${t.url}/count.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const zipped = await raw(`${t.url}/count.js`, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThanOrEqual(2 * 1024);
    expect(gunzipSync(zipped.body).toString()).toBe(source);
  });
});
