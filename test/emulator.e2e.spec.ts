import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import oauth from 'oauth';
import passportFacebook from 'passport-facebook';
import passportTwitter from 'passport-twitter';
import request from 'supertest';
import { EMULATOR_FACEBOOK, EMULATOR_TWITTER, emulatorEndpoints, type EmulatorEndpoints } from '../src/auth/emulator/emulator.credentials.js';
import { EmulatorModule } from '../src/auth/emulator/emulator.module.js';
import { pickLanguage } from '../src/auth/emulator/emulator.pages.js';
import { EmulatorStore } from '../src/auth/emulator/emulator.store.js';
import { checkUserName, makeUser } from '../src/auth/emulator/emulator.users.js';
import {
  collectOAuth1Params,
  hmacSha1Signature,
  parseFormEncoded,
  parseAuthorizationHeader,
  percentEncode,
  signatureBaseString,
  verifyOAuth1Request,
  type Param,
} from '../src/auth/emulator/oauth1-signature.js';

type OAuthClient = InstanceType<typeof oauth.OAuth>;
type OAuth2Client = InstanceType<typeof oauth.OAuth2>;
interface HttpResult { status: number; body: string; headers: Record<string, unknown> }

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function twitterClient(ep: EmulatorEndpoints, callback: string, secret: string = EMULATOR_TWITTER.consumerSecret): OAuthClient {
  return new oauth.OAuth(ep.twitter.requestTokenUrl, ep.twitter.accessTokenUrl, EMULATOR_TWITTER.consumerKey, secret, '1.0', callback, 'HMAC-SHA1');
}

function requestToken(client: OAuthClient): Promise<{ token: string; secret: string; params: Record<string, unknown> }> {
  return new Promise((resolve, reject) =>
    client.getOAuthRequestToken((err, token, secret, params) => (err ? reject(err) : resolve({ token, secret, params }))),
  );
}

function accessToken(client: OAuthClient, token: string, secret: string, verifier: string) {
  return new Promise<{ token: string; secret: string; params: Record<string, unknown> }>((resolve, reject) =>
    client.getOAuthAccessToken(token, secret, verifier, (err, t, s, params) => (err ? reject(err) : resolve({ token: t, secret: s, params }))),
  );
}

function signedGet(client: OAuthClient, url: string, token: string, secret: string): Promise<HttpResult> {
  return new Promise((resolve) =>
    client.get(url, token, secret, (err, data, res) => {
      if (err) return resolve({ status: (err as { statusCode: number }).statusCode, body: String((err as { data?: unknown }).data), headers: {} });
      resolve({ status: res!.statusCode!, body: String(data), headers: res!.headers });
    }),
  );
}

function oauth2Token(client: OAuth2Client, code: string, redirectUri: string): Promise<{ token: string; results: Record<string, unknown> }> {
  return new Promise((resolve, reject) =>
    client.getOAuthAccessToken(code, { grant_type: 'authorization_code', redirect_uri: redirectUri }, (err, token, _refresh, results) =>
      err || !token ? reject(err ?? new Error('no access token')) : resolve({ token, results }),
    ),
  );
}

function oauth2Get(client: OAuth2Client, url: string, token: string): Promise<HttpResult> {
  return new Promise((resolve) =>
    client.get(url, token, (err, data, res) => {
      if (err) return resolve({ status: err.statusCode, body: String(err.data), headers: {} });
      resolve({ status: res!.statusCode!, body: String(data), headers: res!.headers });
    }),
  );
}

function pathOf(url: string): string {
  const u = new URL(url);
  return u.pathname + u.search;
}

function queryOf(location: string | undefined): URLSearchParams {
  expect(location).toBeDefined();
  return new URL(location!).searchParams;
}

describe('oauth1-signature', () => {
  // Twitter's "Creating a signature" example; the expected value was checked
  // against an independent HMAC computation and the `oauth` package.
  const twitterExample: Param[] = [
    ['include_entities', 'true'],
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1318622958'],
    ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
    ['oauth_version', '1.0'],
  ];
  const consumerSecret = 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw';
  const tokenSecret = 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE';

  it('percent-encodes per RFC 3986', () => {
    expect(percentEncode("Ladies + Gentlemen!*'()~-._")).toBe('Ladies%20%2B%20Gentlemen%21%2A%27%28%29~-._');
    expect(percentEncode('☃')).toBe('%E2%98%83');
  });

  it('builds the base string and signature of the Twitter documentation example', () => {
    const base = signatureBaseString('post', 'https://api.twitter.com/1.1/statuses/update.json', twitterExample);
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
    expect(hmacSha1Signature(base, consumerSecret, tokenSecret)).toBe('hCtSmYh+iHYCEqBWrE7C7hYmtUk=');
  });

  const exampleHeader = (signature: string) =>
    'OAuth ' +
    [...twitterExample.filter(([n]) => n.startsWith('oauth_')), ['oauth_signature', signature]]
      .map(([n, v]) => `${percentEncode(n)}="${percentEncode(v)}"`)
      .join(', ');
  const exampleRequest = (signature = 'hCtSmYh+iHYCEqBWrE7C7hYmtUk=') => ({
    method: 'POST',
    url: 'https://API.twitter.com:443/1.1/statuses/update.json?include_entities=true',
    authorization: exampleHeader(signature),
    formBody: { status: 'Hello Ladies + Gentlemen, a signed OAuth request!' },
  });

  it('verifies the example request carried by header, query and form body', () => {
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret, nowSeconds: 1318622958 + 299 })).toEqual({
      ok: true,
      oauth: expect.objectContaining({ oauth_token: '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb' }),
    });
  });

  it('rejects a wrong signature, wrong secrets, an old timestamp and a repeated nonce', () => {
    const now = 1318622958;
    expect(verifyOAuth1Request(exampleRequest('hCtSmYh+iHYCEqBWrE7C7hYmtUs='), { consumerSecret, tokenSecret, nowSeconds: now })).toEqual({ ok: false, reason: 'signature' });
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret: 'x', nowSeconds: now })).toEqual({ ok: false, reason: 'signature' });
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret, nowSeconds: now + 301 })).toEqual({ ok: false, reason: 'timestamp' });
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret, nowSeconds: now - 301 })).toEqual({ ok: false, reason: 'timestamp' });
    const seen = new Set<string>();
    const rememberNonce = (key: string, nonce: string) => !seen.has(key + nonce) && !!seen.add(key + nonce);
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret, nowSeconds: now, rememberNonce }).ok).toBe(true);
    expect(verifyOAuth1Request(exampleRequest(), { consumerSecret, tokenSecret, nowSeconds: now, rememberNonce })).toEqual({ ok: false, reason: 'nonce' });
  });

  it('verifies the RFC 5849 section 1.2 example (parameters in the query)', () => {
    const header =
      'OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", ' +
      'oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"';
    const result = verifyOAuth1Request(
      { method: 'GET', url: 'http://photos.example.net/photos?file=vacation.jpg&size=original', authorization: header },
      { consumerSecret: 'kd94hf93k423kf44', tokenSecret: 'pfkkdhi9sl3r4s00', nowSeconds: 137131202 },
    );
    expect(result.ok).toBe(true);
  });

  it('collects header, query and body parameters as in the RFC 5849 section 3.4.1.1 example', () => {
    const collected = collectOAuth1Params({
      method: 'POST',
      url: 'http://EXAMPLE.com:80/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b',
      authorization:
        'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", ' +
        'oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"',
      formBody: Object.fromEntries(parseFormEncoded('c2&a3=2+q')),
    })!;
    expect(signatureBaseString('POST', collected.baseUrl, collected.signed)).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('rejects malformed headers and duplicated protocol parameters', () => {
    expect(parseAuthorizationHeader('OAuth oauth_nonce="%E0%A4%A"')).toBeUndefined();
    expect(parseAuthorizationHeader('OAuth oauth_nonce=abc')).toBeUndefined();
    expect(parseAuthorizationHeader('Bearer abc')).toBeUndefined();
    const twice = { ...exampleRequest(), url: exampleRequest().url + '&oauth_nonce=x' };
    expect(verifyOAuth1Request(twice, { consumerSecret, tokenSecret, nowSeconds: 1318622958 })).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('emulator users and pages', () => {
  it('checks names and derives stable users', () => {
    expect(checkUserName('  Jane Doe ')).toEqual({ ok: true, name: 'Jane Doe' });
    expect(checkUserName('김민지')).toEqual({ ok: true, name: '김민지' });
    expect(checkUserName('Kim Min-ji').ok).toBe(true);
    expect(checkUserName('   ')).toEqual({ ok: false, reason: 'empty' });
    expect(checkUserName('a'.repeat(51))).toEqual({ ok: false, reason: 'too_long' });
    expect(checkUserName('<b>x</b>')).toEqual({ ok: false, reason: 'characters' });
    const a = makeUser('twitter', 'Jane Doe', 'http://h');
    expect(a).toMatchObject({ screenName: 'jane_doe', name: 'Jane Doe', avatarUrl: 'http://h/_emulator/avatar/jane_doe.svg', email: 'jane_doe@example.test' });
    expect(a.id).toMatch(/^[1-9]\d{14}$/);
    expect(makeUser('twitter', 'Jane Doe', 'http://other').id).toBe(a.id);
    expect(makeUser('twitter', 'Jane Roe', 'http://h').id).not.toBe(a.id);
  });

  it('picks Korean only when it is the preferred language', () => {
    expect(pickLanguage('ko-KR,ko;q=0.9,en;q=0.8')).toBe('ko');
    expect(pickLanguage('en-US,ko;q=0.9')).toBe('en');
    expect(pickLanguage('en;q=0.5,ko;q=0.8')).toBe('ko');
    expect(pickLanguage(undefined)).toBe('en');
  });
});

describe('sign-in emulator over HTTP', () => {
  let app: NestFastifyApplication;
  let base: string;
  let ep: EmulatorEndpoints;
  let store: EmulatorStore;
  let callback: string;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(EmulatorModule, new FastifyAdapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    ep = emulatorEndpoints(base);
    store = app.get(EmulatorStore);
    callback = `${base}/auth/twitter/callback?next=%2Fa%20b`;
  });

  afterAll(async () => {
    await app.close();
  });

  async function allowTwitter(token: string, name = 'Kim Min-ji'): Promise<URLSearchParams> {
    const res = await request(base).post('/_emulator/twitter/oauth/authorize').type('form').send({ oauth_token: token, name, action: 'allow' });
    expect(res.status).toBe(302);
    return queryOf(res.headers.location);
  }

  describe('Twitter (OAuth 1.0a)', () => {
    it('completes request token → authorize → access token → profile', async () => {
      const client = twitterClient(ep, callback);
      const rt = await requestToken(client);
      expect(rt.params).toEqual({ oauth_callback_confirmed: 'true' });

      const page = await request(base).get(pathOf(`${ep.twitter.authorizeUrl}?oauth_token=${rt.token}`));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('Sign in to Twitter (emulator)');
      expect(page.text).toContain('Local sign-in emulator — not the real Twitter/Facebook');
      expect(page.text).toContain('value="Kim Min-ji"');
      expect(page.text).toContain(`name="oauth_token" value="${rt.token}"`);
      expect(page.text).not.toMatch(/<script/i);

      const res = await request(base).post('/_emulator/twitter/oauth/authorize').type('form').send({ oauth_token: rt.token, name: 'Kim Min-ji', action: 'allow' });
      expect(res.status).toBe(302);
      const location = res.headers.location as string;
      expect(location.startsWith(`${base}/auth/twitter/callback?next=%2Fa%20b&oauth_token=`)).toBe(true);
      const back = queryOf(location);
      expect(back.get('next')).toBe('/a b');
      expect(back.get('oauth_token')).toBe(rt.token);
      const verifier = back.get('oauth_verifier')!;
      expect(verifier).toBeTruthy();

      const at = await accessToken(client, rt.token, rt.secret, verifier);
      expect(at.params).toEqual({ user_id: expect.stringMatching(/^\d{15}$/), screen_name: 'kim_min-ji' });
      expect(at.token.startsWith(`${at.params.user_id}-`)).toBe(true);

      const v1 = await signedGet(client, `${ep.twitter.profileUrl}?include_email=true`, at.token, at.secret);
      expect(v1.status).toBe(200);
      expect(v1.headers['x-access-level']).toBe('read');
      const profile = JSON.parse(v1.body);
      expect(profile).toMatchObject({
        id: Number(at.params.user_id),
        id_str: at.params.user_id,
        name: 'Kim Min-ji',
        screen_name: 'kim_min-ji',
        profile_image_url_https: `${base}/_emulator/avatar/kim_min-ji.svg`,
        profile_image_url: `${base}/_emulator/avatar/kim_min-ji.svg`,
        location: '',
        description: '',
        email: 'kim_min-ji@example.test',
      });
      expect(profile.created_at).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \+0000 20[01]\d$/);

      const v2 = await signedGet(client, ep.twitter.profileUrlV2, at.token, at.secret);
      expect(v2.status).toBe(200);
      expect(JSON.parse(v2.body)).toEqual({ data: { id: at.params.user_id, name: 'Kim Min-ji', username: 'kim_min-ji' } });
      const v2Fields = await signedGet(client, `${ep.twitter.profileUrlV2}?user.fields=profile_image_url`, at.token, at.secret);
      expect(JSON.parse(v2Fields.body)).toEqual({
        data: { id: at.params.user_id, name: 'Kim Min-ji', username: 'kim_min-ji', profile_image_url: `${base}/_emulator/avatar/kim_min-ji.svg` },
      });

      const avatar = await request(base).get('/_emulator/avatar/kim_min-ji.svg');
      expect(avatar.status).toBe(200);
      expect(avatar.headers['content-type']).toBe('image/svg+xml');
      expect(avatar.headers['cache-control']).toContain('max-age');
      expect(String(avatar.body)).toContain('>KM</text>');
    });

    it('rejects a request token signed with the wrong consumer secret', async () => {
      const err = await requestToken(twitterClient(ep, callback, 'not-the-secret')).catch((e) => e);
      expect(err.statusCode).toBe(401);
      expect(JSON.parse(err.data)).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });
    });

    it('rejects an unknown consumer key and a callback on another host', async () => {
      const stranger = new oauth.OAuth(ep.twitter.requestTokenUrl, ep.twitter.accessTokenUrl, 'someone-else', EMULATOR_TWITTER.consumerSecret, '1.0', callback, 'HMAC-SHA1');
      expect((await requestToken(stranger).catch((e) => e)).statusCode).toBe(401);
      const elsewhere = await requestToken(twitterClient(ep, 'https://evil.example/cb')).catch((e) => e);
      expect(elsewhere.statusCode).toBe(403);
    });

    it('rejects a wrong token secret, then a reused request token', async () => {
      const client = twitterClient(ep, callback);
      const rt = await requestToken(client);
      const verifier = (await allowTwitter(rt.token)).get('oauth_verifier')!;

      const wrongSecret = await accessToken(client, rt.token, 'wrong-secret', verifier).catch((e) => e);
      expect(wrongSecret.statusCode).toBe(401);
      const wrongVerifier = await accessToken(client, rt.token, rt.secret, 'nope').catch((e) => e);
      expect(wrongVerifier.statusCode).toBe(401);

      // Failed attempts do not burn the token; a successful exchange does.
      await accessToken(client, rt.token, rt.secret, verifier);
      const reused = await accessToken(client, rt.token, rt.secret, verifier).catch((e) => e);
      expect(reused.statusCode).toBe(401);
      expect(JSON.parse(reused.data).errors[0].code).toBe(89);
    });

    it('rejects an expired request token', async () => {
      store.setRequestTokenTtl(300);
      try {
        const client = twitterClient(ep, callback);
        const rt = await requestToken(client);
        const verifier = (await allowTwitter(rt.token)).get('oauth_verifier')!;
        await sleep(400);
        const expired = await accessToken(client, rt.token, rt.secret, verifier).catch((e) => e);
        expect(expired.statusCode).toBe(401);
        const page = await request(base).get(`/_emulator/twitter/oauth/authorize?oauth_token=${rt.token}`);
        expect(page.status).toBe(400);
      } finally {
        store.setRequestTokenTtl(5 * 60_000);
      }
    });

    it('redirects with denied= when the user cancels', async () => {
      const rt = await requestToken(twitterClient(ep, callback));
      const res = await request(base).post('/_emulator/twitter/oauth/authorize').type('form').send({ oauth_token: rt.token, action: 'deny' });
      expect(res.status).toBe(302);
      const back = queryOf(res.headers.location);
      expect(back.get('denied')).toBe(rt.token);
      expect(back.get('oauth_verifier')).toBeNull();
      expect((await request(base).get(`/_emulator/twitter/oauth/authorize?oauth_token=${rt.token}`)).status).toBe(400);
    });

    it('rejects a replayed request and an unknown access token', async () => {
      const client = twitterClient(ep, callback);
      const rt = await requestToken(client);
      const at = await accessToken(client, rt.token, rt.secret, (await allowTwitter(rt.token, 'Jane Doe')).get('oauth_verifier')!);
      const header = client.authHeader(ep.twitter.profileUrl, at.token, at.secret, 'GET');
      const path = pathOf(ep.twitter.profileUrl);
      expect((await request(base).get(path).set('Authorization', header)).status).toBe(200);
      const replay = await request(base).get(path).set('Authorization', header);
      expect(replay.status).toBe(401);
      expect(replay.body).toEqual({ errors: [{ code: 32, message: 'Could not authenticate you.' }] });

      const unknown = await signedGet(client, ep.twitter.profileUrl, 'nobody', 'nothing');
      expect(unknown.status).toBe(401);
      expect(JSON.parse(unknown.body).errors[0].code).toBe(89);
      const v2 = await signedGet(client, ep.twitter.profileUrlV2, 'nobody', 'nothing');
      expect(v2.status).toBe(401);
      expect(JSON.parse(v2.body)).toMatchObject({ title: 'Unauthorized', status: 401 });
    });

    it('answers bad input with 4xx, never 500', async () => {
      const rt = await requestToken(twitterClient(ep, callback));
      const bad = await request(base).post('/_emulator/twitter/oauth/authorize').type('form').send({ oauth_token: rt.token, name: '<script>alert(1)</script>', action: 'allow' });
      expect(bad.status).toBe(400);
      expect(bad.text).not.toContain('<script>');
      expect(bad.text).toContain('&lt;script&gt;');
      const empty = await request(base).post('/_emulator/twitter/oauth/authorize').type('form').send({ oauth_token: rt.token, name: '  ', action: 'allow' });
      expect(empty.status).toBe(400);
      expect((await request(base).get('/_emulator/twitter/oauth/authorize')).status).toBe(400);
      expect((await request(base).get('/_emulator/twitter/oauth/authenticate?oauth_token=nope')).status).toBe(400);
      expect((await request(base).get('/_emulator/twitter/oauth/authorize?oauth_token=a&oauth_token=b')).status).toBe(400);
      expect((await request(base).post('/_emulator/twitter/oauth/authorize')).status).toBe(400);
      expect((await request(base).post('/_emulator/twitter/oauth/request_token')).status).toBe(401);
      expect((await request(base).post('/_emulator/twitter/oauth/request_token').set('Authorization', 'OAuth oauth_consumer_key="%E0%A4%A"')).status).toBe(401);
      expect((await request(base).post('/_emulator/twitter/oauth/access_token').type('form').send('oauth_token=a&oauth_token=b')).status).toBe(401);
      expect((await request(base).get('/_emulator/twitter/1.1/account/verify_credentials.json').set('Authorization', 'OAuth garbage')).status).toBe(401);
      expect((await request(base).get('/_emulator/twitter/2/users/me').set('Host', 'bad host')).status).toBe(401);
      expect((await request(base).get('/_emulator/avatar/x.png')).status).toBe(404);
    });

    it('speaks Korean when asked to', async () => {
      const rt = await requestToken(twitterClient(ep, callback));
      const page = await request(base).get(`/_emulator/twitter/oauth/authorize?oauth_token=${rt.token}`).set('Accept-Language', 'ko-KR,ko;q=0.9,en;q=0.5');
      expect(page.text).toContain('<html lang="ko">');
      expect(page.text).toContain('로컬 로그인 에뮬레이터');
    });
  });

  describe('Facebook (OAuth 2)', () => {
    let client: OAuth2Client;
    let redirectUri: string;

    beforeAll(() => {
      client = new oauth.OAuth2(EMULATOR_FACEBOOK.appId, EMULATOR_FACEBOOK.appSecret, '', ep.facebook.authorizeUrl, ep.facebook.tokenUrl);
      redirectUri = `${base}/auth/facebook/callback`;
    });

    const dialogForm = (extra: Record<string, string>) => ({
      client_id: EMULATOR_FACEBOOK.appId,
      redirect_uri: redirectUri,
      response_type: 'code',
      ...extra,
    });

    async function code(extra: Record<string, string> = { state: 's' }, name = 'Jane Doe'): Promise<string> {
      const res = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm(extra), name, action: 'allow' });
      expect(res.status).toBe(302);
      return queryOf(res.headers.location).get('code')!;
    }

    it('completes dialog → code → token → /me', async () => {
      const state = 'st/ate +&=';
      const authorize = client.getAuthorizeUrl({ redirect_uri: redirectUri, scope: 'email', state, response_type: 'code' });
      const page = await request(base).get(pathOf(authorize));
      expect(page.status).toBe(200);
      expect(page.text).toContain('Facebook (emulator)');
      expect(page.text).toContain('name="state" value="st/ate +&amp;="');
      expect(page.text).toContain('value="Jane Doe"');
      expect(page.text).not.toMatch(/<script/i);

      const res = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm({ state, scope: 'email' }), name: 'Jane Doe', action: 'allow' });
      expect(res.status).toBe(302);
      expect((res.headers.location as string).startsWith(`${redirectUri}?code=`)).toBe(true);
      const back = queryOf(res.headers.location);
      expect(back.get('state')).toBe(state);

      const { token, results } = await oauth2Token(client, back.get('code')!, redirectUri);
      expect(results).toEqual({ access_token: token, token_type: 'bearer', expires_in: 5183944 });

      const me = await oauth2Get(client, `${ep.facebook.profileUrl}?fields=id,name,picture.type(large)`, token);
      expect(me.status).toBe(200);
      const json = JSON.parse(me.body);
      expect(json).toEqual({
        id: expect.stringMatching(/^\d{15}$/),
        name: 'Jane Doe',
        picture: { data: { height: 200, is_silhouette: false, url: `${base}/_emulator/avatar/jane_doe.svg`, width: 200 } },
      });

      const proof = createHmac('sha256', EMULATOR_FACEBOOK.appSecret).update(token).digest('hex');
      const full = await oauth2Get(client, `${ep.facebook.profileUrl}?appsecret_proof=${proof}&fields=first_name,last_name,email`, token);
      expect(JSON.parse(full.body)).toEqual({ id: json.id, first_name: 'Jane', last_name: 'Doe', email: 'jane_doe@example.test' });
      expect((await oauth2Get(client, `${ep.facebook.profileUrl}?appsecret_proof=${'0'.repeat(64)}`, token)).status).toBe(400);

      const byHeader = await request(base).get('/_emulator/facebook/me').set('Authorization', `Bearer ${token}`);
      expect(byHeader.body).toEqual({ id: json.id, name: 'Jane Doe' });
      const unknown = await request(base).get('/_emulator/facebook/me?access_token=nope');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ type: 'OAuthException', code: 190 });
    });

    it('accepts the token request as GET too', async () => {
      const c = await code();
      const query = new URLSearchParams({ client_id: EMULATOR_FACEBOOK.appId, client_secret: EMULATOR_FACEBOOK.appSecret, redirect_uri: redirectUri, code: c });
      const res = await request(base).get(`/_emulator/facebook/oauth/access_token?${query}`);
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('bearer');
    });

    it('rejects a wrong client secret, a reused code and a different redirect_uri', async () => {
      const wrong = new oauth.OAuth2(EMULATOR_FACEBOOK.appId, 'wrong', '', ep.facebook.authorizeUrl, ep.facebook.tokenUrl);
      const bad = await oauth2Token(wrong, await code(), redirectUri).catch((e) => e);
      expect(bad.statusCode).toBe(400);
      expect(JSON.parse(bad.data).error).toMatchObject({ type: 'OAuthException', code: 100 });

      const c = await code();
      await oauth2Token(client, c, redirectUri);
      const reused = await oauth2Token(client, c, redirectUri).catch((e) => e);
      expect(reused.statusCode).toBe(400);
      expect(JSON.parse(reused.data).error).toMatchObject({ type: 'OAuthException', code: 100 });

      const mismatch = await oauth2Token(client, await code(), `${redirectUri}/other`).catch((e) => e);
      expect(mismatch.statusCode).toBe(400);
      expect(JSON.parse(mismatch.data).error).toMatchObject({ type: 'OAuthException', code: 100 });
    });

    it('redirects with error=access_denied and the state when the user cancels', async () => {
      const res = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm({ state: 'xyz' }), action: 'deny' });
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe(
        `${redirectUri}?error=access_denied&error_code=200&error_description=Permissions+error&error_reason=user_denied&state=xyz`,
      );
      const noState = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm({}), action: 'deny' });
      expect(queryOf(noState.headers.location).has('state')).toBe(false);
      const allowNoState = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm({}), name: 'John Smith' });
      expect(queryOf(allowNoState.headers.location).has('state')).toBe(false);
    });

    it('shows an error page instead of redirecting for an unknown app or redirect_uri', async () => {
      const unknownApp = await request(base).get(`/_emulator/facebook/dialog/oauth?${new URLSearchParams({ client_id: 'nope', redirect_uri: redirectUri })}`);
      expect(unknownApp.status).toBe(400);
      expect(unknownApp.headers.location).toBeUndefined();
      expect(unknownApp.text).toContain('Invalid App ID');
      const elsewhere = await request(base).get(`/_emulator/facebook/dialog/oauth?${new URLSearchParams({ client_id: EMULATOR_FACEBOOK.appId, redirect_uri: 'https://evil.example/cb' })}`);
      expect(elsewhere.status).toBe(400);
      expect(elsewhere.headers.location).toBeUndefined();
      const missing = await request(base).get(`/_emulator/facebook/dialog/oauth?client_id=${EMULATOR_FACEBOOK.appId}`);
      expect(missing.status).toBe(400);
      const posted = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ client_id: EMULATOR_FACEBOOK.appId, redirect_uri: 'javascript:alert(1)', action: 'deny' });
      expect(posted.status).toBe(400);
      expect(posted.headers.location).toBeUndefined();
    });

    it('answers bad input with 4xx, never 500', async () => {
      const bad = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...dialogForm({}), name: 'x"><img src=x>' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('x&quot;&gt;&lt;img src=x&gt;');
      expect((await request(base).post('/_emulator/facebook/oauth/access_token')).status).toBe(400);
      expect((await request(base).post('/_emulator/facebook/oauth/access_token').send({ client_id: ['a'] })).status).toBe(400);
      const token = (await oauth2Token(client, await code(), redirectUri)).token;
      expect((await request(base).get(`/_emulator/facebook/me?access_token=${token}&fields=foo`)).status).toBe(400);
      expect((await request(base).get(`/_emulator/facebook/me?access_token=${token}&fields=,,`)).body).toEqual({ id: expect.any(String) });
      expect((await request(base).get(`/_emulator/facebook/me?access_token=${token}&fields={`)).status).toBe(400);
      expect((await request(base).get('/_emulator/facebook/me')).body.error.code).toBe(2500);
    });
  });

  describe('with the real passport strategies', () => {
    type Outcome =
      | { type: 'redirect'; url: string }
      | { type: 'success'; user: unknown; info: unknown }
      | { type: 'fail'; challenge: unknown; status?: number }
      | { type: 'error'; err: unknown };

    function run(strategy: object, req: object): Promise<Outcome> {
      return new Promise((resolve) => {
        const s = Object.create(strategy);
        s.redirect = (url: string) => resolve({ type: 'redirect', url });
        s.success = (user: unknown, info: unknown) => resolve({ type: 'success', user, info });
        s.fail = (challenge: unknown, status?: number) => resolve({ type: 'fail', challenge, status });
        s.error = (err: unknown) => resolve({ type: 'error', err });
        s.authenticate(req, {});
      });
    }

    it('passport-twitter signs in, keeping the request token in req.session["oauth:twitter"]', async () => {
      const strategy = new passportTwitter.Strategy(
        {
          consumerKey: EMULATOR_TWITTER.consumerKey,
          consumerSecret: EMULATOR_TWITTER.consumerSecret,
          callbackURL: `${base}/auth/twitter/callback`,
          requestTokenURL: ep.twitter.requestTokenUrl,
          accessTokenURL: ep.twitter.accessTokenUrl,
          userAuthorizationURL: ep.twitter.authorizeUrl,
          userProfileURL: ep.twitter.profileUrl,
          includeEmail: true,
        },
        (_token: string, _secret: string, profile: passportTwitter.Profile, done: (err: unknown, user?: unknown) => void) => done(null, profile),
      );
      const session: Record<string, any> = {};
      const start = await run(strategy, { query: {}, session, headers: { host: '127.0.0.1' }, url: '/auth/twitter' });
      expect(start.type).toBe('redirect');
      const token = new URL((start as { url: string }).url).searchParams.get('oauth_token')!;
      expect(session['oauth:twitter']).toEqual({ oauth_token: token, oauth_token_secret: expect.any(String) });

      const back = await allowTwitter(token, 'John Smith');
      const done = await run(strategy, { query: Object.fromEntries(back), session, headers: {}, url: '/auth/twitter/callback' });
      expect(done).toMatchObject({
        type: 'success',
        user: {
          provider: 'twitter',
          id: expect.stringMatching(/^\d{15}$/),
          username: 'john_smith',
          displayName: 'John Smith',
          emails: [{ value: 'john_smith@example.test' }],
          photos: [{ value: `${base}/_emulator/avatar/john_smith.svg` }],
          _accessLevel: 'read',
        },
      });
      expect(session['oauth:twitter']).toBeUndefined();

      const denied = await run(strategy, { query: { denied: 'x' }, session, headers: {}, url: '/auth/twitter/callback?denied=x' });
      expect(denied.type).toBe('fail');
    });

    it('passport-facebook signs in with state, appsecret_proof and profileFields', async () => {
      const strategy = new passportFacebook.Strategy(
        {
          clientID: EMULATOR_FACEBOOK.appId,
          clientSecret: EMULATOR_FACEBOOK.appSecret,
          callbackURL: `${base}/auth/facebook/callback`,
          authorizationURL: ep.facebook.authorizeUrl,
          tokenURL: ep.facebook.tokenUrl,
          profileURL: ep.facebook.profileUrl,
          profileFields: ['id', 'displayName', 'name', 'emails', 'photos'],
          enableProof: true,
          scope: ['email'],
          state: true,
        } as passportFacebook.StrategyOptions,
        (_token: string, _refresh: string, profile: passportFacebook.Profile, done: (err: unknown, user?: unknown) => void) => done(null, profile),
      );
      const session: Record<string, any> = {};
      const start = await run(strategy, { query: {}, session, headers: { host: '127.0.0.1' }, url: '/auth/facebook' });
      expect(start.type).toBe('redirect');
      const dialog = new URL((start as { url: string }).url);
      expect(session['oauth2:127.0.0.1']).toEqual({ state: dialog.searchParams.get('state') });

      expect((await request(base).get(pathOf(dialog.href))).status).toBe(200);
      const res = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...Object.fromEntries(dialog.searchParams), name: '김민지', action: 'allow' });
      expect(res.status).toBe(302);
      const done = await run(strategy, { query: Object.fromEntries(queryOf(res.headers.location)), session, headers: {}, url: '/auth/facebook/callback' });
      expect(done).toMatchObject({
        type: 'success',
        user: {
          provider: 'facebook',
          id: expect.stringMatching(/^\d{15}$/),
          displayName: '김민지',
          name: { givenName: '김민지' },
          emails: [{ value: expect.stringMatching(/^user\d{15}@example\.test$/) }],
          photos: [{ value: `${base}/_emulator/avatar/${encodeURIComponent('김민지')}.svg` }],
        },
      });

      const denied = await request(base).post('/_emulator/facebook/dialog/oauth').type('form').send({ ...Object.fromEntries(dialog.searchParams), action: 'deny' });
      const cancelled = await run(strategy, { query: Object.fromEntries(queryOf(denied.headers.location)), session, headers: {}, url: '/auth/facebook/callback' });
      expect(cancelled).toMatchObject({ type: 'fail', challenge: { message: 'Permissions error' } });
    });
  });
});
