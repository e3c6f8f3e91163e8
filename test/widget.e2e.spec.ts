import { gunzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader } from './support/readers.js';

const SITE = 'https://news.example.com';

/** Reads server-sent events from a live stream until `until` is satisfied. */
async function readEvents(url: string, until: (events: Array<{ event: string; data: unknown }>) => boolean, act: () => Promise<void>) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  const first = await reader.read(); // the stream is open and subscribed
  buffer += decoder.decode(first.value);
  await act();
  const deadline = Date.now() + 10_000;
  while (!until(events) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.+)$/m.exec(block)?.[1];
      const data = /^data: (.+)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  }
  abort.abort();
  return events;
}

describe.each(DATABASES)('widget routes on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { ALLOWED_ORIGINS: SITE, COMMENT_POLICY_URL: 'https://news.example.com/standards' });
  });
  afterAll(() => t.close());

  test('GET /embed.js: JavaScript, cached, gzipped on request, loadable by other sites, under 5 KB gzipped', async () => {
    const plain = await fetch(`${t.url}/embed.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect(plain.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const source = await plain.text();
    expect(source).toContain('comments:resize');
    const etag = plain.headers.get('etag')!;
    expect((await fetch(`${t.url}/embed.js`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const raw = await new Promise<Buffer>((resolve, reject) => {
      // fetch would decode it: read the wire bytes with node:http
      import('node:http').then(({ get }) =>
        get(`${t.url}/embed.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          expect(res.headers['content-encoding']).toBe('gzip');
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
        }),
      );
    });
    expect(raw.length).toBeLessThanOrEqual(5 * 1024);
    expect(gunzipSync(raw).toString()).toBe(source);
  });

  test('GET /widget: the comment box page, frameable only by ALLOWED_ORIGINS and the service', async () => {
    const response = await fetch(`${t.url}/widget?articleId=a-1&lang=ko&host=${encodeURIComponent(SITE)}&theme-accent=%23c00&theme-font=url(x)`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain(`frame-ancestors ${t.config.publicOrigin} ${SITE}`);
    expect(csp).not.toMatch(/frame-ancestors 'none'/);
    expect(response.headers.get('x-frame-options')).toBeNull();
    const html = await response.text();
    expect(html).toContain('<html lang="ko">');
    const settings = JSON.parse(/<script type="application\/json" id="widget-settings">(.*?)<\/script>/.exec(html)![1]!);
    expect(settings).toMatchObject({
      articleId: 'a-1',
      lang: 'ko',
      host: SITE,
      origin: t.config.publicOrigin,
      policyUrl: 'https://news.example.com/standards',
      providers: [{ id: 'twitter', name: 'Twitter' }, { id: 'facebook', name: 'Facebook' }],
      theme: { accent: '#c00' }, // url(x) is no font name: dropped
    });
    expect(html).toMatch(/<script src="\/widget\/widget\.js\?v=[\w-]+" defer><\/script>/);
    // Other pages keep helmet's policy.
    expect((await fetch(`${t.url}/`)).headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  test('GET /widget for a site not in ALLOWED_ORIGINS: 403 refusal page, still not frameable by it', async () => {
    const response = await fetch(`${t.url}/widget?articleId=a-1&host=${encodeURIComponent('https://evil.example')}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-security-policy')).not.toContain('evil.example');
    expect(await response.text()).toContain('Comments cannot be shown on this site.');
  });

  test('GET /widget without an article id: 400 in the one error shape', async () => {
    const response = await fetch(`${t.url}/widget?host=${encodeURIComponent(SITE)}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED' });
  });

  test('widget assets are versioned and cached for good', async () => {
    const html = await (await fetch(`${t.url}/widget?articleId=a-1`)).text();
    for (const path of [/src="(\/widget\/widget\.js\?v=[^"]+)"/.exec(html)![1]!, /href="(\/widget\/widget\.css\?v=[^"]+)"/.exec(html)![1]!]) {
      const response = await fetch(`${t.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    }
  });

  test('GET /api/articles/{id}/events: a published comment arrives with public fields only; an unpublished one is removed', async () => {
    const r = await reader(t, 'Live Reader');
    const articleId = `${kind}-live-${Date.now()}`;
    let commentId = '';
    const published = await readEvents(
      `${t.url}/api/articles/${articleId}/events`,
      (events) => events.some((e) => e.event === 'published'),
      async () => {
        const response = await post(r, articleId, { body: 'Live and clean' });
        commentId = (await response.json()).id;
      },
    );
    const event = published.find((e) => e.event === 'published')!.data as Record<string, unknown>;
    expect(event).toEqual({
      type: 'published',
      total: 1,
      comment: {
        id: commentId,
        parentId: null,
        body: 'Live and clean',
        author: { id: r.id, displayName: 'Live Reader', avatarUrl: expect.any(String), provider: 'twitter' },
        publishedAt: expect.any(String),
        replyCount: 0,
        likes: 0,
        dislikes: 0,
        editedAt: null,
        featured: false,
      },
    });
    expect(JSON.stringify(event)).not.toMatch(/status|findings|reason|idempotency/i);

    const removed = await readEvents(
      `${t.url}/api/articles/${articleId}/events`,
      (events) => events.some((e) => e.event === 'removed'),
      async () => {
        const desk = await moderator(t);
        expect((await desk.api.post(`/api/moderation/comments/${commentId}/reject`, { reason: 'off_topic', expectedStatus: 'published' })).status).toBe(200);
      },
    );
    expect(removed.find((e) => e.event === 'removed')!.data).toEqual({ type: 'removed', id: commentId, parentId: null, total: 0, placeholder: null });
  });

  test('GET /api/articles/{id}/events with a bad article id: 400', async () => {
    const response = await fetch(`${t.url}/api/articles/${'x'.repeat(201)}/events`);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe('VALIDATION_FAILED');
  });

  test("GET /api/me/comments?articleId= lists only that article's comments of the reader", async () => {
    const r = await reader(t);
    const a = `${kind}-mine-a-${Date.now()}`;
    const b = `${kind}-mine-b-${Date.now()}`;
    const first = await (await post(r, a, { body: 'on a' })).json();
    await post(r, b, { body: 'on b' });
    await decided(r, first.id);
    const mine = await (await r.api.get(`/api/me/comments?articleId=${encodeURIComponent(a)}`)).json();
    expect(mine.items.map((c: { articleId: string }) => c.articleId)).toEqual([a]);
    const all = await (await r.api.get('/api/me/comments')).json();
    expect(all.items).toHaveLength(2);
    expect((await r.api.get(`/api/me/comments?articleId=${'x'.repeat(201)}`)).status).toBe(400);
  });

  test('GET / is a news article embedding the widget like a news site; GET /standards exists', async () => {
    const html = await (await fetch(`${t.url}/`)).text();
    expect(html).toMatch(/<div data-comments data-article-id="[^"]+" data-article-url="[^"]+" data-article-title="[^"]+"><\/div>/);
    expect(html).toContain(`<script src="${t.config.publicUrl}/embed.js" async></script>`);
    expect(html).toContain('href="/moderation"');
    expect(html).toContain('<h1>');
    expect((await fetch(`${t.url}/?lang=ko`)).ok).toBe(true);
    expect(await (await fetch(`${t.url}/?lang=ko`)).text()).toContain('data-lang="ko"');
    expect((await fetch(`${t.url}/standards`)).status).toBe(200);
  });
});
