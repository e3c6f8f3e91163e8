import { Browser, location } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { startTestApp, type TestApp } from './support/app.js';
import { consentRedirect, signIn } from './support/sign-in.js';

describe.each(DATABASES)('social sign-in on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  const browser = (headers?: Record<string, string>) => new Browser(t.url, headers);

  test('lists both providers, served by the emulator', async () => {
    const body = await (await browser().get('/auth/providers')).json();
    expect(body.providers).toEqual(['twitter', 'facebook']);
    expect(body.emulator).toBe(true);
  });

  test.each(['twitter', 'facebook'] as const)('%s: sign in, then /api/me with the cookie and with a bearer token', async (provider) => {
    const b = browser();
    const callback = await signIn(b, provider, { name: 'Kim Min-ji' });
    expect(callback.status).toBe(302);
    expect(location(callback)).toBe('/');
    const setCookie = callback.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/cs_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/); // plain http here

    const me = await (await b.get('/api/me')).json();
    expect(me).toEqual({
      id: expect.any(String),
      provider,
      displayName: 'Kim Min-ji',
      avatarUrl: expect.stringMatching(/^http/),
      status: 'active',
      deletionAt: null,
    });

    const tokenResponse = await b.post('/auth/token');
    expect(tokenResponse.status).toBe(200);
    const { token, expiresAt } = await tokenResponse.json();
    expect(typeof token).toBe('string');
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());

    const withToken = await browser({ authorization: `Bearer ${token}` }).get('/api/me');
    expect(withToken.status).toBe(200);
    expect((await withToken.json()).id).toBe(me.id);
  });

  test('signing in again is the same commenter, with the name refreshed', async () => {
    await signIn(browser(), 'twitter', { name: 'Lee Jun-ho' });
    const b = browser();
    await signIn(b, 'twitter', { name: 'Lee Jun-ho' });
    const first = await (await b.get('/api/me')).json();
    const again = browser();
    await signIn(again, 'twitter', { name: 'Lee Jun-ho' });
    expect((await (await again.get('/api/me')).json()).id).toBe(first.id);
    const other = browser();
    await signIn(other, 'facebook', { name: 'Lee Jun-ho' });
    expect((await (await other.get('/api/me')).json()).id).not.toBe(first.id);
  });

  test('logout ends the session and the bearer token', async () => {
    const b = browser();
    await signIn(b, 'facebook');
    const { token } = await (await b.post('/auth/token')).json();
    expect((await b.post('/auth/logout')).status).toBe(204);
    const afterCookie = await b.get('/api/me');
    expect(afterCookie.status).toBe(401);
    expect(await afterCookie.json()).toEqual({ statusCode: 401, error: 'UNAUTHENTICATED', message: expect.any(String) });

    const api = browser({ authorization: `Bearer ${token}` });
    expect((await api.get('/api/me')).status).toBe(200);
    expect((await api.post('/auth/logout')).status).toBe(204);
    expect((await api.get('/api/me')).status).toBe(401);
  });

  test('without a session there is no token, and a bad bearer token is refused', async () => {
    const noSession = await browser().post('/auth/token');
    expect(noSession.status).toBe(401);
    expect((await noSession.json()).error).toBe('UNAUTHENTICATED');
    const forged = await browser({ authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' }).get('/api/me');
    expect(forged.status).toBe(401);
    expect((await forged.json()).error).toBe('UNAUTHENTICATED');
    const malformed = await browser({ authorization: 'Basic abc' }).get('/api/me');
    expect(malformed.status).toBe(401);
  });

  test('a token cannot be had from another site with the cookie', async () => {
    const b = browser();
    await signIn(b, 'twitter');
    const response = await b.post('/auth/token', undefined, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await response.json()).error).toBe('FORBIDDEN_ORIGIN');
  });

  test.each([
    ['twitter', 'en-US,en;q=0.9', /cancelled/],
    ['facebook', 'ko-KR,ko;q=0.9,en;q=0.5', /취소/],
  ] as const)('%s: the reader says no: a page in their language, 401, not signed in', async (provider, lang, text) => {
    const b = browser({ 'accept-language': lang });
    const response = await signIn(b, provider, { action: 'deny' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toMatch(text);
    expect((await b.get('/api/me')).status).toBe(401);
  });

  test('facebook: a callback with a wrong, missing or foreign state is refused', async () => {
    const b = browser();
    const callback = new URL(await consentRedirect(b, 'facebook'));
    expect(callback.searchParams.get('state')).toBeTruthy();

    const wrong = new URL(callback);
    wrong.searchParams.set('state', 'forged-state');
    expect((await b.get(wrong.pathname + wrong.search)).status).toBe(403);

    const missing = new URL(callback);
    missing.searchParams.delete('state');
    expect((await b.get(missing.pathname + missing.search)).status).toBe(403);

    // the same callback in another browser (an attacker's link): no matching session
    const stranger = await browser().get(callback.pathname + callback.search);
    expect(stranger.status).toBe(403);
    expect((await browser().get('/api/me')).status).toBe(401);
  });

  test('facebook and twitter: a callback replayed after sign-in is refused', async () => {
    for (const provider of ['facebook', 'twitter'] as const) {
      const b = browser();
      const callback = new URL(await consentRedirect(b, provider));
      const first = await b.get(callback.pathname + callback.search);
      expect(first.status).toBe(302);
      const replay = await b.get(callback.pathname + callback.search);
      expect(replay.status).toBeGreaterThanOrEqual(400);
      expect(replay.status).toBeLessThan(500);
    }
  });

  test('twitter: a forged callback (unknown token, or no parameters) is refused', async () => {
    const b = browser();
    await consentRedirect(b, 'twitter');
    const forged = await b.get('/auth/twitter/callback?oauth_token=forged&oauth_verifier=forged');
    expect(forged.status).toBe(403);
    const bare = await b.get('/auth/twitter/callback');
    expect(bare.status).toBe(403);
    const bareFacebook = await b.get('/auth/facebook/callback');
    expect(bareFacebook.status).toBe(403);
    expect((await b.get('/api/me')).status).toBe(401);
  });

  test.each([
    ['https://evil.example/steal', '/'],
    ['//evil.example', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['http://127.0.0.1.evil.example/', '/'],
    ['/articles/2018-10-30-pompeo-talks?x=1#comments', '/articles/2018-10-30-pompeo-talks?x=1#comments'],
  ])('returnTo=%s lands on %s', async (returnTo, expected) => {
    const response = await signIn(browser(), 'twitter', { query: { returnTo } });
    expect(response.status).toBe(302);
    expect(location(response)).toBe(expected);
  });

  test('popup sign-in hands commenter and token to the opener on our own origin only', async () => {
    const b = browser();
    const response = await signIn(b, 'facebook', { query: { popup: '1' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    const data = JSON.parse(/<script type="application\/json" id="auth-result">([^<]*)<\/script>/.exec(html)![1]!);
    expect(data.targetOrigin).toBe(t.config.publicOrigin);
    expect(data.message).toMatchObject({ type: 'comments:auth', ok: true, commenter: { provider: 'facebook' }, token: expect.any(String) });
    const script = await (await b.get('/auth/popup.js')).text();
    expect(script).toContain('postMessage(data.message, data.targetOrigin)');
    expect(script).not.toContain("'*'");
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });

  test('the session lives in Redis: a second API process on the same Redis knows the reader', async () => {
    const b = browser();
    await signIn(b, 'twitter', { name: 'Jane Doe' });
    const replica = await startTestApp(kind, {}, t.database);
    try {
      const me = await fetch(`${replica.url}/api/me`, { headers: { cookie: `cs_session=${b.cookie('cs_session')}` } });
      expect(me.status).toBe(200);
      expect((await me.json()).displayName).toBe('Jane Doe');
    } finally {
      await replica.close();
    }
  });
});
