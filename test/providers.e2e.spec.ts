import { EMULATOR_FACEBOOK, EMULATOR_TWITTER, emulatorEndpoints } from '../src/auth/emulator/emulator.credentials.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { signIn } from './support/sign-in.js';

/** Real credentials configured (here: the emulator's, at explicit URLs), as a site would in production. */
function facebookOnly(url: string): Record<string, string> {
  const endpoints = emulatorEndpoints(url).facebook;
  return {
    SIGNIN_EMULATOR: 'on',
    FACEBOOK_APP_ID: EMULATOR_FACEBOOK.appId,
    FACEBOOK_APP_SECRET: EMULATOR_FACEBOOK.appSecret,
    FACEBOOK_AUTHORIZE_URL: endpoints.authorizeUrl,
    FACEBOOK_TOKEN_URL: endpoints.tokenUrl,
    FACEBOOK_PROFILE_URL: endpoints.profileUrl,
  };
}

function twitterWith(url: string, overrides: Record<string, string>): Record<string, string> {
  const endpoints = emulatorEndpoints(url).twitter;
  return {
    SIGNIN_EMULATOR: 'on',
    TWITTER_CONSUMER_KEY: EMULATOR_TWITTER.consumerKey,
    TWITTER_CONSUMER_SECRET: EMULATOR_TWITTER.consumerSecret,
    TWITTER_REQUEST_TOKEN_URL: endpoints.requestTokenUrl,
    TWITTER_ACCESS_TOKEN_URL: endpoints.accessTokenUrl,
    TWITTER_AUTHORIZE_URL: endpoints.authorizeUrl,
    TWITTER_PROFILE_URL: endpoints.profileUrl,
    ...overrides,
  };
}

describe('a provider without credentials is disabled', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', (url) => ({ ...facebookOnly(url), SIGNIN_EMULATOR: 'off' }));
  });
  afterAll(() => t.close());

  test.each(['/auth/twitter', '/auth/twitter/callback?oauth_token=a&oauth_verifier=b'])('%s answers 404 PROVIDER_DISABLED', async (path) => {
    const response = await fetch(t.url + path, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'PROVIDER_DISABLED', message: expect.any(String) });
  });

  test('only the enabled provider is listed', async () => {
    const body = await (await fetch(`${t.url}/auth/providers`)).json();
    expect(body.providers).toEqual(['facebook']);
    expect(body.emulator).toBe(false);
  });

  test('the emulator is not mounted when it is off', async () => {
    expect((await fetch(`${t.url}/_emulator/facebook/dialog/oauth?client_id=x`)).status).toBe(404);
  });
});

describe('twitter with the X API v2 profile endpoint', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', (url) => twitterWith(url, { TWITTER_PROFILE_URL: emulatorEndpoints(url).twitter.profileUrlV2 }));
  });
  afterAll(() => t.close());

  test('sign-in completes and reads name, username and avatar from {data: …}', async () => {
    const b = new Browser(t.url);
    const callback = await signIn(b, 'twitter', { name: 'John Smith' });
    expect(callback.status).toBe(302);
    const me = await (await b.get('/api/me')).json();
    expect(me).toMatchObject({ provider: 'twitter', displayName: 'John Smith', avatarUrl: expect.stringContaining('/_emulator/avatar/') });
  });
});

describe('twitter with a wrong consumer secret (bad signature)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', (url) => twitterWith(url, { TWITTER_CONSUMER_SECRET: 'not-the-secret' }));
  });
  afterAll(() => t.close());

  test('the provider refuses the request token: a 4xx page, never a 500', async () => {
    const response = await new Browser(t.url, { 'accept-language': 'ko' }).get('/auth/twitter');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('lang="ko"');
  });
});

describe('twitter when the request token has expired at the provider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('the callback ends on the "took too long" page with a 4xx status', async () => {
    const b = new Browser(t.url);
    const { EmulatorStore } = await import('../src/auth/emulator/emulator.store.js');
    const store = t.app.get(EmulatorStore);
    const start = await b.get('/auth/twitter');
    const consent = new URL(start.headers.get('location')!);
    const token = consent.searchParams.get('oauth_token')!;
    const decision = await b.postForm(`/_emulator/twitter/oauth/authorize`, { oauth_token: token, name: 'Jane Doe', action: 'allow' });
    store.expireRequestTokenForTest?.(token);
    const response = await b.get(decision.headers.get('location')!);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/took too long/);
  });
});
