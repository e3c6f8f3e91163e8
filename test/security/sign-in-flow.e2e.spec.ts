import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { TwitterStrategy } from '../../src/auth/twitter.strategy.js';
import { REDIS } from '../../src/redis/redis.module.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Browser, location } from '../support/browser.js';
import { signIn, twitterAt } from '../support/sign-in.js';
import { HOSTILE_ON_SITE, HOSTILE_RETURN_TO, SITE } from './return-to.cases.js';

/** Percent-decodes until nothing changes, the way a lenient proxy or browser might read a path. */
function fullyDecoded(value: string): string {
  let current = value;
  for (let i = 0; i < 10; i++) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  return current;
}

/** A value that leaves the service towards the browser must be a path on the service's own site. */
function expectOnSite(value: string, t: TestApp): void {
  for (const form of [value, fullyDecoded(value)]) {
    expect(form).toMatch(/^\/(?![/\\])/);
    // eslint-disable-next-line no-control-regex
    expect(form).not.toMatch(/[\u0000-\u001f\u007f\\]/);
    const resolved = new URL(form, t.url);
    expect(resolved.origin).toBe(t.config.publicOrigin);
    expect(resolved.pathname).not.toMatch(/^\/\//);
  }
}

function unescapeHtml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function popupData(html: string): { returnTo: string; message: { ok: boolean } } {
  return JSON.parse(/<script type="application\/json" id="auth-result">([^<]*)<\/script>/.exec(html)![1]!);
}

function failureLink(html: string): string {
  return unescapeHtml(/<a href="([^"]*)"/.exec(html)![1]!);
}

/** The Redis key of the session behind a signed `cs_session` cookie. */
function sessionKey(cookie: string): string {
  const value = decodeURIComponent(cookie);
  return `cs:sess:${value.slice(0, value.lastIndexOf('.'))}`;
}

/** Seconds the browser keeps the session cookie set by this response. */
function cookieLifetime(response: Response): number {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('cs_session=')) ?? '';
  const maxAge = /Max-Age=(\d+)/i.exec(cookie)?.[1];
  if (maxAge) return Number(maxAge);
  const expires = /Expires=([^;]+)/i.exec(cookie)?.[1];
  return expires ? (Date.parse(expires) - Date.now()) / 1000 : NaN;
}

describe('after sign-in a reader is only ever sent to a page on this site (or an allowed one)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  const forms = [...HOSTILE_RETURN_TO.map((v) => [v] as const), ...HOSTILE_ON_SITE.map((path) => [`{PUBLIC_URL}${path}`] as const)];
  const resolve = (form: string) => form.replace('{PUBLIC_URL}', t.url).replaceAll(SITE, t.url);

  test.each(forms)('returnTo=%j: the redirect, the failure link and the popup all stay on the site', async (form) => {
    const returnTo = resolve(form);

    const redirected = await signIn(new Browser(t.url), 'twitter', { query: { returnTo } });
    expect(redirected.status).toBe(302);
    expectOnSite(location(redirected), t);

    const refused = await signIn(new Browser(t.url), 'facebook', { query: { returnTo }, action: 'deny' });
    expect(refused.status).toBe(401);
    expectOnSite(failureLink(await refused.text()), t);

    const popup = await signIn(new Browser(t.url), 'twitter', { query: { returnTo, popup: '1' } });
    expect(popup.status).toBe(200);
    const data = popupData(await popup.text());
    expect(data.message.ok).toBe(true);
    expectOnSite(data.returnTo, t);

    const popupRefused = await signIn(new Browser(t.url), 'facebook', { query: { returnTo, popup: '1' }, action: 'deny' });
    expectOnSite(popupData(await popupRefused.text()).returnTo, t);
  });

  test('an article path, with its query and fragment, is where the reader comes back to', async () => {
    const returnTo = '/articles/2018-10-30-pompeo-talks?x=1#comments';
    expect(location(await signIn(new Browser(t.url), 'twitter', { query: { returnTo } }))).toBe(returnTo);
    expect(location(await signIn(new Browser(t.url), 'facebook', { query: { returnTo: `${t.url}${returnTo}` } }))).toBe(returnTo);
  });

  test('a returnTo longer than 1,000 characters is refused before any session is made', async () => {
    const b = new Browser(t.url);
    const tooLong = await b.get(`/auth/twitter?returnTo=${encodeURIComponent('/' + 'a'.repeat(1000))}`);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String), field: 'returnTo' });
    expect(b.cookie('cs_session')).toBeUndefined();

    const longest = await new Browser(t.url).get(`/auth/facebook?returnTo=${encodeURIComponent('/' + 'a'.repeat(999))}`);
    expect(longest.status).toBe(302);
  });
});

describe('a sign-in that is started but not completed does not hold Redis for long', () => {
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    redis = t.app.get<Redis>(REDIS);
  });
  afterAll(() => t.close());

  test.each(['twitter', 'facebook'] as const)('%s: a bare start keeps its session at most 10 minutes, in Redis and in the cookie', async (provider) => {
    const b = new Browser(t.url);
    const start = await b.get(`/auth/${provider}`);
    expect(start.status).toBe(302);
    const ttl = await redis.pttl(sessionKey(b.cookie('cs_session')!));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(600_000);
    expect(cookieLifetime(start)).toBeGreaterThan(0);
    expect(cookieLifetime(start)).toBeLessThanOrEqual(600);
  });

  test('completing sign-in gives the session the full SESSION_TTL', async () => {
    const b = new Browser(t.url);
    const callback = await signIn(b, 'twitter');
    expect(callback.status).toBe(302);
    const ttl = await redis.pttl(sessionKey(b.cookie('cs_session')!));
    expect(ttl).toBeGreaterThan((t.config.sessionTtlSeconds - 60) * 1000);
    expect(cookieLifetime(callback)).toBeGreaterThan(t.config.sessionTtlSeconds - 60);
    expect((await b.get('/api/me')).status).toBe(200);
  });

  test('a signed-in reader who starts another sign-in keeps the long session', async () => {
    const b = new Browser(t.url);
    await signIn(b, 'facebook');
    expect((await b.get('/auth/twitter')).status).toBe(302);
    const ttl = await redis.pttl(sessionKey(b.cookie('cs_session')!));
    expect(ttl).toBeGreaterThan((t.config.sessionTtlSeconds - 60) * 1000);
    expect((await b.get('/api/me')).status).toBe(200);
  });

  test('a sign-in with a 10-minute start session still completes into a full session', async () => {
    const b = new Browser(t.url);
    const callback = await signIn(b, 'facebook', { query: { returnTo: '/articles/7' } });
    expect(location(callback)).toBe('/articles/7');
    expect(await redis.pttl(sessionKey(b.cookie('cs_session')!))).toBeGreaterThan(600_000);
  });
});

describe('sign-in starts are rate limited per client address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { SIGNIN_RATE_LIMIT: '3', TRUST_PROXY: '1' });
  });
  afterAll(() => t.close());

  const from = (address: string) => new Browser(t.url, { 'x-forwarded-for': address });

  test('the 4th start in a minute (any provider) is 429 RATE_LIMITED with Retry-After, and stores nothing', async () => {
    const b = from('203.0.113.7');
    expect((await b.get('/auth/twitter')).status).toBe(302);
    expect((await from('203.0.113.7').get('/auth/facebook')).status).toBe(302);
    expect((await from('203.0.113.7').get('/auth/twitter?popup=1')).status).toBe(302);

    const limited = await from('203.0.113.7').get('/auth/facebook');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ statusCode: 429, error: 'RATE_LIMITED', message: expect.any(String) });
    expect(limited.headers.getSetCookie().filter((c) => c.startsWith('cs_session='))).toEqual([]);

    // Another address is counted on its own.
    expect((await from('203.0.113.8').get('/auth/twitter')).status).toBe(302);
  });

  test('parallel starts from one address cannot slip past the limit', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => from('198.51.100.20').get('/auth/twitter')));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 302)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });

  test('an IPv6 client is counted by its /64', async () => {
    for (const suffix of ['1', '2', '3']) expect((await from(`2001:db8:5:6::${suffix}`).get('/auth/twitter')).status).toBe(302);
    expect((await from('2001:db8:5:6:ffff::9').get('/auth/facebook')).status).toBe(429);
    expect((await from('2001:db8:5:7::1').get('/auth/facebook')).status).toBe(302);
  });
});

describe("Twitter's XML error answers", () => {
  const XML_ERROR = `<?xml version="1.0" encoding="UTF-8"?>
<hash>
  <error>Desktop applications only support the oauth_callback value 'oob'</error>
  <request>/oauth/request_token</request>
</hash>`;
  let twitter: Server;
  let answer: { status: number; type: string; body: string };
  let t: TestApp;

  beforeAll(async () => {
    twitter = createServer((_request, response) => {
      response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
    await new Promise<void>((r) => twitter.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(twitter.address() as AddressInfo).port}`;
    t = await startTestApp('sqlite', {
      SIGNIN_EMULATOR: 'off',
      ...twitterAt(base),
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((r) => twitter.close(r));
  });

  test('are read with the maintained @xmldom/xmldom, not the unmaintained xmldom 0.1', () => {
    const fromHere = createRequire(import.meta.url);
    const fromPassportTwitter = createRequire(fromHere.resolve('passport-twitter'));
    const fromXtraverse = createRequire(fromPassportTwitter.resolve('xtraverse'));
    const xmldom = fromXtraverse('xmldom/package.json') as { name: string; version: string };
    expect(xmldom.name).toBe('@xmldom/xmldom');
    expect(Number(xmldom.version.split('.')[1])).toBeGreaterThanOrEqual(8);

    const strategy = t.app.get(TwitterStrategy) as unknown as { parseErrorResponse(body: string, status: number): Error };
    expect(strategy.parseErrorResponse(XML_ERROR, 401).message).toBe("Desktop applications only support the oauth_callback value 'oob'");
  });

  test.each([
    ['an XML error', 401, 'application/xml', XML_ERROR],
    ['a malformed XML error', 401, 'application/xml', '<hash><error>Could not authenticate you.</hash'],
    ['a plain-text error', 503, 'text/plain', 'Over capacity'],
  ])('the request token is refused with %s: the "reported a problem" page, 400, never a 500', async (_what, status, type, body) => {
    answer = { status, type, body };
    const response = await new Browser(t.url).get('/auth/twitter?returnTo=/articles/7');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toMatch(/reported a problem/);
    expect(failureLink(html)).toBe('/articles/7');
  });
});
