import { connect, type Socket } from 'node:net';
import type { Redis } from 'ioredis';
import { CommentListCache } from '../../src/comments/comment-list.cache.js';
import { streamSlotsKey } from '../../src/common/stream-slots.js';
import { REDIS } from '../../src/redis/redis.module.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { EventStream } from '../support/event-stream.js';
import { moderator } from '../support/moderators.js';
import { decided, post, reader, waitFor } from '../support/readers.js';
import { PrivateRedis } from '../support/redis-server.js';

/** A client that writes raw bytes when it likes (slowly, or never finishing) and keeps what comes back. */
class RawClient {
  private received = '';
  closedAt: number | undefined;
  readonly openedAt = Date.now();
  private readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.on('close', () => resolve(void (this.closedAt = Date.now()))));
  }

  static async open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = connect({ host: hostname, port: Number(port) });
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  write(text: string): void {
    if (!this.socket.destroyed) this.socket.write(text);
  }

  /** Sends `text` one byte every `everyMs` until the server closes the connection (or `maxMs` passes). */
  async trickle(text: string, everyMs: number, maxMs: number): Promise<void> {
    for (let i = 0; this.closedAt === undefined && Date.now() - this.openedAt < maxMs; i = (i + 1) % text.length) {
      this.write(text[i]!);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** The status and JSON body of the first answer, once it has fully arrived. */
  async answer(timeoutMs: number): Promise<{ status: number; headers: string; body: Record<string, unknown> }> {
    const answer = await waitFor(
      async () => {
        const end = this.received.indexOf('\r\n\r\n');
        if (end === -1) return undefined;
        const headers = this.received.slice(0, end);
        const length = Number(/content-length: *(\d+)/i.exec(headers)?.[1] ?? NaN);
        const body = this.received.slice(end + 4);
        if (Buffer.byteLength(body, 'latin1') < length) return undefined;
        return { status: Number(headers.split(' ')[1]), headers, body: JSON.parse(Buffer.from(body, 'latin1').toString('utf8')) };
      },
      timeoutMs,
      'an answer',
    );
    return answer;
  }

  /** Resolves true once the server has closed the connection, false if it is still open after `timeoutMs`. */
  async closesWithin(timeoutMs: number): Promise<boolean> {
    return Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
  }

  get isOpen(): boolean {
    return this.closedAt === undefined;
  }

  get text(): string {
    return this.received;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('rule-set routes refuse strangers before reading a 10 MB body', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  /** Headers announcing 10 MB of JSON, then only its first bytes: the answer must come without the rest. */
  const halfSent = async (method: string, path: string, headers: Record<string, string> = {}) => {
    const client = await RawClient.open(t.url);
    const lines = Object.entries({ host: 'localhost', 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024), ...headers }).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    client.write(`${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n{"ruleSet":{"bannedWords":["${'a'.repeat(1000)}`);
    return client;
  };

  test.each([
    ['PUT', '/api/moderation/rules'],
    ['POST', '/api/moderation/rules/dry-run'],
  ])('anonymous %s %s: 401 at once, the connection closed, the body never read', async (method, path) => {
    const client = await halfSent(method, path);
    const answer = await client.answer(2000);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ statusCode: 401, error: 'UNAUTHENTICATED' });
    expect(answer.headers).toMatch(/content-security-policy/i); // the usual headers, as on any answer
    expect(await client.closesWithin(2000)).toBe(true);
  });

  test('a reader, a moderator who is not an admin, and a cookie without its CSRF token are refused (403) the same way; an admin is served', async () => {
    const r = await reader(t);
    const m = await moderator(t);
    const cases: Array<[Record<string, string>, string]> = [
      [{ authorization: `Bearer ${r.token}` }, 'FORBIDDEN'],
      [{ authorization: `Bearer ${m.token}` }, 'FORBIDDEN'],
      [{ cookie: `cs_mod=${m.dashboard.cookie('cs_mod')}` }, 'CSRF_FAILED'],
    ];
    for (const [headers, code] of cases) {
      const client = await halfSent('PUT', '/api/moderation/rules', headers);
      const answer = await client.answer(2000);
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe(code);
      client.destroy();
    }

    const admin = await moderator(t, 'admin');
    const { ruleSet, version } = await (await m.api.get('/api/moderation/rules')).json();
    expect((await admin.api.post('/api/moderation/rules/dry-run', { ruleSet })).status).toBe(200);
    const saved = await admin.api.put('/api/moderation/rules', { ruleSet: { ...ruleSet, bannedWords: [...ruleSet.bannedWords, 'zorglub'] }, expectedVersion: version });
    expect(saved.status).toBe(200);
    expect((await m.api.get('/api/moderation/rules/versions')).status).toBe(200);
  });
});

describe('the public list: tamper-evident cursors and a cache bounded in bytes', () => {
  let t: TestApp;
  const article = `cursors-${Date.now()}`;
  const published = new Set<string>();
  beforeAll(async () => {
    t = await startTestApp('sqlite', { LIST_CACHE_MAX_BYTES: '12000', COMMENT_RATE_LIMIT: '100' });
    const r = await reader(t);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await (await post(r, article, { body: `${i} ${'가나다라마바사 '.repeat(25)}`.slice(0, 240) })).json()).id);
    for (const id of ids) if ((await decided(r, id)).status === 'published') published.add(id);
  });
  afterAll(() => t.close());

  const list = (articleId: string, query: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/articles/${encodeURIComponent(articleId)}/comments?${query}`, { headers });

  test('a nextCursor pages through the whole list; a forged, altered or borrowed one is 400 VALIDATION_FAILED and caches nothing', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await list(article, `limit=5${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await response.json();
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(published.size).toBeGreaterThan(10);
    expect(seen).toHaveLength(published.size);
    expect(new Set(seen)).toEqual(published);

    const { nextCursor, items } = await (await list(article, 'limit=2')).json();
    const last = items[1];
    const cache = t.app.get(CommentListCache);
    const entries = cache.entries;
    const flipped = nextCursor.slice(0, 10) + (nextCursor[10] === 'A' ? 'B' : 'A') + nextCursor.slice(11);
    const forged = [
      Buffer.from(`${last.publishedAt}|${last.id}`).toString('base64url'), // the old, unsigned format
      Buffer.from(`2020-01-01T00:00:00.000Z|${crypto.randomUUID()}`).toString('base64url'),
      flipped,
      nextCursor.slice(0, -1),
      `${nextCursor}A`,
      `${nextCursor.slice(0, -1)}${nextCursor.endsWith('A') ? 'B' : 'A'}`,
    ];
    for (const cursor of forged) {
      const response = await list(article, `limit=2&cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', field: 'cursor' });
    }
    // A real cursor of one article is not one for another.
    expect((await list(`${article}-other`, `limit=2&cursor=${nextCursor}`)).status).toBe(400);
    expect(cache.entries).toBe(entries);
    expect((await list(article, `limit=2&cursor=${nextCursor}`)).status).toBe(200);
  });

  test('the cache holds no more than LIST_CACHE_MAX_BYTES, gzip forms included', async () => {
    const cache = t.app.get(CommentListCache);
    let biggest = 0;
    for (let limit = 5; limit <= 30; limit++) {
      for (const encoding of ['gzip', 'identity']) {
        const response = await list(article, `limit=${limit}`, { 'accept-encoding': encoding });
        expect(response.status).toBe(200);
        biggest = Math.max(biggest, (await response.arrayBuffer()).byteLength);
      }
      expect(cache.bytes).toBeGreaterThan(0);
      expect(cache.bytes).toBeLessThanOrEqual(12000);
    }
    expect(biggest).toBeGreaterThan(4000); // pages big enough that only a few fit
    for (let i = 0; i < 200; i++) await list(`${article}-${i}`, 'limit=20');
    expect(cache.bytes).toBeLessThanOrEqual(12000);
    expect(cache.entries).toBeGreaterThan(10);
  });
});

describe('list cache entries expire without being read', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Long enough for 20 pages to be made on a loaded machine (the suites run two at a time), short enough to wait for.
    t = await startTestApp('sqlite', { LIST_CACHE_TTL: '3000' });
  });
  afterAll(() => t.close());

  test('pages are dropped when their time is up, not when next asked for', async () => {
    const cache = t.app.get(CommentListCache);
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${t.url}/api/articles/expiry-${i}/comments`)));
    expect(cache.entries).toBe(20);
    await waitFor(async () => cache.entries === 0 && cache.bytes === 0, 10_000, 'expired pages to be dropped');
  });
});

describe('request timeouts', () => {
  let t: TestApp;
  const streams: RawClient[] = [];
  beforeAll(async () => {
    t = await startTestApp('sqlite', { REQUEST_TIMEOUT: '2000', HEADERS_TIMEOUT: '1000', CONNECTION_TIMEOUT: '1500' });
  });
  afterEach(() => streams.splice(0).forEach((s) => s.destroy()));
  afterAll(() => t.close());

  const openStream = async (path: string, headers: Record<string, string> = {}) => {
    const client = await RawClient.open(t.url);
    streams.push(client);
    const lines = Object.entries({ host: 'localhost', accept: 'text/event-stream', ...headers }).map(([n, v]) => `${n}: ${v}\r\n`);
    client.write(`GET ${path} HTTP/1.1\r\n${lines.join('')}\r\n`);
    await waitFor(async () => client.text.includes(': connected'), 2000, 'the stream to start');
    return client;
  };

  test('a body sent a byte at a time is cut at REQUEST_TIMEOUT (408), while live streams opened with it stay open', async () => {
    const m = await moderator(t);
    const live = await openStream('/api/articles/timeouts/events');
    const dashboard = await openStream('/api/moderation/events', { authorization: `Bearer ${m.token}` });

    const slow = await RawClient.open(t.url);
    slow.write('POST /api/articles/timeouts/comments HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n');
    await slow.trickle('{"body":"hello"}', 300, 8000);
    const took = slow.closedAt! - slow.openedAt;
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(4000);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408/);
    expect(await slow.answer(100)).toMatchObject({ body: { statusCode: 408, error: 'REQUEST_TIMEOUT' } });

    // Idle between heartbeats far longer than CONNECTION_TIMEOUT, and open longer than REQUEST_TIMEOUT.
    expect(live.isOpen).toBe(true);
    expect(dashboard.isOpen).toBe(true);
    expect(live.text).toMatch(/^HTTP\/1\.1 200/);
    expect(dashboard.text).toMatch(/^HTTP\/1\.1 200/);
  });

  test('headers sent a byte at a time are cut at HEADERS_TIMEOUT', async () => {
    const slow = await RawClient.open(t.url);
    slow.write('GET /health/live HTTP/1.1\r\n');
    await slow.trickle('x-padding: aaaaaaaaaaaaaaaaaaaa\r\n', 200, 8000);
    const took = slow.closedAt! - slow.openedAt;
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(3500); // checked every second
  });

  test('a connection that goes quiet mid-request is closed after CONNECTION_TIMEOUT', async () => {
    const quiet = await RawClient.open(t.url);
    quiet.write('POST /api/articles/timeouts/comments HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{');
    expect(await quiet.closesWithin(3500)).toBe(true);
    expect(quiet.closedAt! - quiet.openedAt).toBeLessThan(1950); // before REQUEST_TIMEOUT would have ended it
  });

  test('what Node refuses before any route is answered in the service’s error shape too', async () => {
    const garbled = await RawClient.open(t.url);
    garbled.write('GET /health/live HTTP/1.1\r\nhost localhost\r\n\r\n');
    expect(await garbled.answer(2000)).toMatchObject({ status: 400, body: { statusCode: 400, error: 'BAD_REQUEST' } });

    const huge = await RawClient.open(t.url);
    huge.write(`GET /health/live HTTP/1.1\r\nhost: localhost\r\nx-padding: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(await huge.answer(2000)).toMatchObject({ status: 431, body: { statusCode: 431, error: 'HEADERS_TOO_LARGE' } });

    for (let i = 0; i < 3; i++) expect((await fetch(`${t.url}/health/live`)).status).toBe(200); // the rest unaffected
  });
});

describe('server defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('request 30 s, headers 10 s, keep-alive 72 s (longer than a proxy’s 60 s)', () => {
    const server = t.app.getHttpServer();
    expect(server.requestTimeout).toBe(30_000);
    expect(server.headersTimeout).toBe(10_000);
    expect(server.keepAliveTimeout).toBe(72_000);
    expect(server.timeout).toBeGreaterThan(0);
  });
});

describe('live streams per client address (SSE_MAX_PER_CLIENT)', () => {
  let t: TestApp;
  let second: TestApp;
  const streams: EventStream[] = [];
  const open = async (app: TestApp, path: string, headers: Record<string, string> = {}) => {
    const stream = await EventStream.open(`${app.url}${path}`, headers);
    streams.push(stream);
    return stream;
  };
  beforeAll(async () => {
    t = await startTestApp('sqlite', { SSE_MAX_PER_CLIENT: '3', TRUST_PROXY: 'loopback' });
    // A second API process on the same Redis and database.
    second = await startTestApp('sqlite', { SSE_MAX_PER_CLIENT: '3', TRUST_PROXY: 'loopback', QUEUE_PREFIX: t.config.queuePrefix }, t.database);
  });
  afterEach(async () => {
    streams.splice(0).forEach((s) => s.close());
    await t.app.get<Redis>(REDIS).del(streamSlotsKey(t.config.queuePrefix, '203.0.113.7'), streamSlotsKey(t.config.queuePrefix, '127.0.0.1'));
  });
  afterAll(async () => {
    await second.app.close();
    await t.close();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });

  test('the 4th stream from one address is 429 RATE_LIMITED, across processes and both kinds of stream; closing one frees a slot', async () => {
    const m = await moderator(t);
    const client = from('203.0.113.7');
    expect((await open(t, '/api/articles/a1/events', client)).response.status).toBe(200);
    expect((await open(second, '/api/articles/a2/events', client)).response.status).toBe(200);
    const third = await open(t, '/api/moderation/events', { ...client, authorization: `Bearer ${m.token}` });
    expect(third.response.status).toBe(200);

    for (const [app, path, headers] of [
      [second, '/api/articles/a3/events', client],
      [t, '/api/moderation/events', { ...client, authorization: `Bearer ${m.token}` }],
    ] as const) {
      const refused = await open(app, path, headers);
      expect(refused.response.status).toBe(429);
      expect(refused.response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await refused.response.json()).toMatchObject({ statusCode: 429, error: 'RATE_LIMITED' });
    }

    // Another client is not affected.
    expect((await open(t, '/api/articles/a1/events', from('198.51.100.4'))).response.status).toBe(200);

    third.close();
    await waitFor(async () => (await open(second, '/api/articles/a3/events', client)).response.status === 200, 3000, 'a freed slot');
  });

  test('slots left by a process that died stop counting once their lease has run out', async () => {
    const key = streamSlotsKey(t.config.queuePrefix, '203.0.113.7');
    const redis = t.app.get<Redis>(REDIS);
    await redis.zadd(key, Date.now() - 1000, 'dead-1', Date.now() - 1000, 'dead-2', Date.now() - 1000, 'dead-3');
    for (let i = 0; i < 3; i++) expect((await open(t, `/api/articles/d${i}/events`, from('203.0.113.7'))).response.status).toBe(200);
    expect(await redis.zcard(key)).toBe(3);
    expect((await open(t, '/api/articles/d4/events', from('203.0.113.7'))).response.status).toBe(429);
  });
});

describe('live streams while Redis is down', () => {
  let t: TestApp;
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    t = await startTestApp('sqlite', { SSE_MAX_PER_CLIENT: '2', REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.down();
  });

  test('only the per-process cap applies (streams are not worth refusing readers over); once Redis is back, the per-client cap again', async () => {
    const streams: EventStream[] = [];
    const open = async (name: string) => {
      const stream = await EventStream.open(`${t.url}/api/articles/${name}/events`);
      streams.push(stream);
      return stream.response.status;
    };
    try {
      await redis.down();
      expect([await open('down-1'), await open('down-2'), await open('down-3')]).toEqual([200, 200, 200]);
      await redis.up();
      await waitFor(async () => t.app.get<Redis>(REDIS).status === 'ready', 5000, 'Redis to be back');
      expect([await open('up-1'), await open('up-2'), await open('up-3')]).toEqual([200, 200, 429]);
    } finally {
      streams.forEach((s) => s.close());
    }
  });
});
