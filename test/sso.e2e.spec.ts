import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { CommenterCache } from '../src/auth/commenter-cache.js';
import { Sql } from '../src/db/sql.js';
import { AccountEraser } from '../src/readers/account/account-eraser.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { freePort } from './support/ports.js';
import { post, waitFor } from './support/readers.js';

const SECRET = 'sso-test-secret-3f9c1a7e5b2d4c6e8a0f1b3d5e7c9a2b';
const secretKey = new TextEncoder().encode(SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A key set the test changes at will, served as a site would serve its JWKS; `mode` breaks it. */
interface KeyServer {
  url: string;
  keys: JWK[];
  mode: 'up' | '503' | 'reset';
  fetches: number;
  close(): Promise<void>;
}

async function keyServer(): Promise<KeyServer> {
  const port = await freePort();
  const state = { keys: [] as JWK[], mode: 'up' as KeyServer['mode'], fetches: 0 };
  const server: Server = createServer((req, res) => {
    state.fetches++;
    if (state.mode === 'reset') return void req.socket.destroy();
    if (state.mode === '503') return void res.writeHead(503).end('down for maintenance');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

interface SigningKey {
  kid: string;
  alg: 'ES256' | 'RS256';
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signingKey(alg: SigningKey['alg'] = 'ES256'): Promise<SigningKey> {
  const kid = randomUUID();
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A reader's claims as a site would sign them: good for 5 minutes, a fresh jti. */
function claims(overrides: Record<string, unknown> = {}): JWTPayload {
  const iat = now();
  return { sub: `user-${randomUUID()}`, name: 'Kim Min-ji', picture: 'https://news.example.com/avatars/1.png', iat, exp: iat + 300, jti: randomUUID(), ...overrides };
}

/** Signs exactly the given claims (undefined ones left out), HS256 with the site's secret unless told otherwise. */
function hs256(payload: JWTPayload, key: Uint8Array = secretKey, alg = 'HS256'): Promise<string> {
  const clean = Object.fromEntries(Object.entries(payload).filter(([, v]) => v !== undefined));
  return new SignJWT(clean).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

function signedWith(key: SigningKey, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe.each(DATABASES)('sign-in with the site’s own accounts (SSO) on %s', (kind) => {
  let t: TestApp;
  let jwks: KeyServer;
  let first: SigningKey;

  beforeAll(async () => {
    jwks = await keyServer();
    first = await signingKey();
    jwks.keys = [first.publicJwk];
    t = await startTestApp(kind, {
      SSO_SECRET: SECRET,
      SSO_JWKS_URL: jwks.url,
      // Keys are fetched again after a second, and an unknown kid may fetch at once: rotation is seen quickly.
      SSO_JWKS_MAX_AGE: '1',
      SSO_JWKS_COOLDOWN: '0',
      SSO_NAME: 'Daily News',
      SSO_LOGIN_URL: 'https://news.example.com/login?popup=1',
      SIGNIN_RATE_LIMIT: '150',
      TRUST_PROXY: 'loopback',
      COMMENT_RATE_LIMIT: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });

  const exchange = (body: unknown, headers: Record<string, string> = {}) => new Browser(t.url).post('/auth/sso', body, headers);
  async function signedIn(token: string): Promise<{ token: string; expiresAt: string; api: Browser }> {
    const response = await exchange({ token });
    expect(response.status).toBe(200);
    const issued = await response.json();
    return { ...issued, api: new Browser(t.url, { authorization: `Bearer ${issued.token}` }) };
  }
  async function refusal(token: string): Promise<string> {
    const response = await exchange({ token });
    const body = await response.json();
    expect({ status: response.status, error: body.error }).toEqual({ status: 401, error: 'SSO_TOKEN_INVALID' });
    return body.message;
  }
  const me = async (api: Browser) => (await api.get('/api/me')).json();

  test('/auth/providers lists sso with SSO_NAME and the site’s sign-in page', async () => {
    const body = await (await new Browser(t.url).get('/auth/providers')).json();
    expect(body.providers).toContain('sso');
    expect(body.details).toContainEqual({ id: 'sso', name: 'Daily News', signInUrl: 'https://news.example.com/login?popup=1' });
  });

  test('HS256: the token becomes a reader and a bearer token that can comment', async () => {
    const payload = claims({ name: '  Kim\u202e Min-ji  ' });
    const response = await exchange({ token: await hs256(payload) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const issued = await response.json();
    expect(issued).toEqual({ token: expect.any(String), expiresAt: expect.any(String) });
    const api = new Browser(t.url, { authorization: `Bearer ${issued.token}` });
    expect(await me(api)).toMatchObject({ provider: 'sso', displayName: 'Kim Min-ji', avatarUrl: 'https://news.example.com/avatars/1.png', status: 'active' });
    const [row] = await t.app.get(Sql).rows<{ provider_user_id: string }>("SELECT provider_user_id FROM commenters WHERE provider = 'sso' AND display_name = 'Kim Min-ji' AND provider_user_id = $1", [payload.sub]);
    expect(row?.provider_user_id).toBe(payload.sub);
    const posted = await post({ id: '', token: issued.token, api }, `sso-${kind}-${Date.now()}`, { body: 'A fair report on the city budget, thank you.' });
    expect(posted.status).toBe(202);
  });

  test.each([
    ['a bad signature', () => hs256(claims(), new TextEncoder().encode('another-secret-of-at-least-32-bytes!!')), /signature does not match/],
    ['an expired token', () => hs256(claims({ iat: now() - 700, exp: now() - 100 })), /expired/],
    ['exp more than 10 minutes after iat', () => hs256(claims({ iat: now(), exp: now() + 660 })), /more than 10 minutes after iat/],
    ['iat in the future', () => hs256(claims({ iat: now() + 120, exp: now() + 300 })), /iat is in the future/],
    ['alg none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, /alg "none" is not allowed/],
    ['HS384 (not allowed)', () => hs256(claims(), secretKey, 'HS384'), /algorithm HS384 is not allowed/],
    ['not a JWT', async () => 'hello.world', /not a JWT/],
    ['no sub', () => hs256(claims({ sub: undefined })), /claim sub is missing/],
    ['a sub over 64 characters', () => hs256(claims({ sub: 'x'.repeat(65) })), /sub must be/],
    ['a sub that is a number', () => hs256(claims({ sub: 42 })), /sub must be/],
    ['no name', () => hs256(claims({ name: undefined })), /claim name is missing/],
    ['a name of only invisible characters', () => hs256(claims({ name: ' \u200b\u202e ' })), /name is empty/],
    ['a javascript: picture', () => hs256(claims({ picture: 'javascript:alert(1)' })), /picture must be an http\(s\) URL/],
    ['no iat', () => hs256(claims({ iat: undefined })), /claim iat is missing/],
    ['no exp', () => hs256(claims({ exp: undefined })), /claim exp is missing/],
    ['a jti that is not a string', () => hs256(claims({ jti: 7 })), /jti must be/],
  ])('refused with 401 SSO_TOKEN_INVALID: %s', async (_what, make, reason) => {
    expect(await refusal(await make())).toMatch(reason);
  });

  test('a public key used as the HS256 secret is refused (the signature does not match)', async () => {
    const pem = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
    expect(await refusal(await hs256(claims(), new TextEncoder().encode(pem)))).toMatch(/signature does not match/);
  });

  test('a jti signs in once; of two requests at once with it, exactly one succeeds', async () => {
    const token = await hs256(claims());
    expect((await exchange({ token })).status).toBe(200);
    expect(await refusal(token)).toMatch(/jti was already used/);

    const twin = await hs256(claims());
    const statuses = (await Promise.all([exchange({ token: twin }), exchange({ token: twin })])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401]);
  });

  test('a token without jti may be exchanged again while it lives', async () => {
    const token = await hs256(claims({ jti: undefined }));
    expect((await exchange({ token })).status).toBe(200);
    expect((await exchange({ token })).status).toBe(200);
  });

  test('a newer iat updates name and picture; an older one changes nothing', async () => {
    const sub = `user-${randomUUID()}`;
    const t0 = now() - 100;
    const a = await signedIn(await hs256(claims({ sub, iat: t0, exp: t0 + 500, name: 'Old Name' })));
    const b = await signedIn(await hs256(claims({ sub, iat: t0 + 50, exp: t0 + 500, name: 'New Name', picture: 'https://news.example.com/avatars/2.png' })));
    expect(await me(b.api)).toMatchObject({ displayName: 'New Name', avatarUrl: 'https://news.example.com/avatars/2.png' });
    const c = await signedIn(await hs256(claims({ sub, iat: t0 + 10, exp: t0 + 500, name: 'Late Name', picture: undefined })));
    const meC = await me(c.api);
    expect(meC).toMatchObject({ displayName: 'New Name', avatarUrl: 'https://news.example.com/avatars/2.png' });
    expect((await me(a.api)).id).toBe(meC.id);
  });

  test('a banned reader signs in but may not comment; a deleted one comes back as a new, empty reader', async () => {
    const sub = `user-${randomUUID()}`;
    const firstTime = await signedIn(await hs256(claims({ sub })));
    const { id } = await me(firstTime.api);
    await t.app.get(Sql).run("UPDATE commenters SET status = 'banned' WHERE id = $1", [id]);
    await t.app.get(CommenterCache).changed([id]);
    const banned = await signedIn(await hs256(claims({ sub })));
    expect(await me(banned.api)).toMatchObject({ id, status: 'banned' });
    const posted = await post({ id, token: banned.token, api: banned.api }, `sso-ban-${kind}`, { body: 'Let me say something about the bridge.' });
    expect(posted.status).toBe(403);
    expect((await posted.json()).error).toBe('COMMENTER_BANNED');

    await t.app.get(Sql).run("UPDATE commenters SET status = 'active', deletion_at = $1 WHERE id = $2", [new Date(Date.now() - 1000), id]);
    await t.app.get(AccountEraser).run(id);
    const again = await signedIn(await hs256(claims({ sub, name: 'Back Again' })));
    expect(await me(again.api)).toMatchObject({ displayName: 'Back Again', status: 'active' });
    expect((await me(again.api)).id).not.toBe(id);
  });

  test('ES256 through the JWKS: rotation to a new kid works, a removed key is refused', async () => {
    expect((await exchange({ token: await signedWith(first, claims()) })).status).toBe(200);

    const second = await signingKey();
    jwks.keys = [first.publicJwk, second.publicJwk];
    expect((await exchange({ token: await signedWith(second, claims()) })).status).toBe(200);

    const rsa = await signingKey('RS256');
    jwks.keys = [second.publicJwk, rsa.publicJwk];
    expect((await exchange({ token: await signedWith(rsa, claims()) })).status).toBe(200);
    // The key set is fetched again within SSO_JWKS_MAX_AGE (1 s here): the old key then no longer signs anyone in.
    const message = await waitFor(async () => {
      const response = await exchange({ token: await signedWith(first, claims()) });
      return response.status === 401 ? ((await response.json()).message as string) : undefined;
    }, 10_000, 'the removed key to be refused');
    expect(message).toMatch(/no key at SSO_JWKS_URL matches/);
    expect((await exchange({ token: await signedWith(second, claims()) })).status).toBe(200);
  });

  test('an ES256 token with a kid the site never published is refused', async () => {
    const stranger = await signingKey();
    expect(await refusal(await signedWith(stranger, claims()))).toMatch(/no key at SSO_JWKS_URL matches/);
  });

  test('the JWKS endpoint down: 401 with the reason, never a 500', async () => {
    const unknown = await signingKey();
    try {
      jwks.mode = '503';
      expect(await refusal(await signedWith(unknown, claims()))).toMatch(/signing keys could not be fetched: SSO_JWKS_URL answered 503/);
      jwks.mode = 'reset';
      expect(await refusal(await signedWith(unknown, claims()))).toMatch(/signing keys could not be fetched/);
    } finally {
      jwks.mode = 'up';
    }
    // HS256 does not need the key set.
    expect((await exchange({ token: await hs256(claims()) })).status).toBe(200);
  });

  test.each([
    ['no token', {}],
    ['a token that is not a string', { token: 42 }],
    ['an empty token', { token: '' }],
    ['an unknown field', { token: 'a.b.c', remember: true }],
    ['a token over 8 KB', { token: 'a'.repeat(8193) }],
  ])('a bad body is 400 VALIDATION_FAILED: %s', async (_what, body) => {
    const response = await exchange(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String) });
  });

  test('attempts count against SIGNIN_RATE_LIMIT before the token is looked at', async () => {
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const statuses: number[] = [];
    for (let i = 0; i < 150; i++) statuses.push((await exchange({ token: 'not-a-token' }, from)).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    const over = await exchange({ token: await hs256(claims()) }, from);
    expect(over.status).toBe(429);
    expect((await over.json()).error).toBe('RATE_LIMITED');
  });
});

describe('without SSO_SECRET or SSO_JWKS_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  test('POST /auth/sso is 404 PROVIDER_DISABLED and /auth/providers does not list sso', async () => {
    const response = await new Browser(t.url).post('/auth/sso', { token: await hs256(claims()) });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ statusCode: 404, error: 'PROVIDER_DISABLED', message: expect.any(String) });
    const providers = await (await new Browser(t.url).get('/auth/providers')).json();
    expect(providers.providers).not.toContain('sso');
  });
});

describe('the key set with its default cache settings', () => {
  let t: TestApp;
  let jwks: KeyServer;
  let first: SigningKey;
  beforeAll(async () => {
    jwks = await keyServer();
    first = await signingKey();
    jwks.keys = [first.publicJwk];
    t = await startTestApp('sqlite', { SSO_JWKS_URL: jwks.url });
  });
  afterAll(async () => {
    await t?.close();
    await jwks?.close();
  });
  const exchange = (token: string) => new Browser(t.url).post('/auth/sso', { token });

  test('a key published and used at once, right after a fetch, is accepted; made-up kids cost one fetch per cooldown', async () => {
    expect((await exchange(await signedWith(first, claims()))).status).toBe(200);
    const second = await signingKey();
    jwks.keys = [first.publicJwk, second.publicJwk];
    expect((await exchange(await signedWith(second, claims()))).status).toBe(200);

    const fetched = jwks.fetches;
    const strangers = await Promise.all(Array.from({ length: 5 }, () => signingKey()));
    const statuses = await Promise.all(strangers.map(async (key) => (await exchange(await signedWith(key, claims()))).status));
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(jwks.fetches - fetched).toBeLessThanOrEqual(2);
  });
});
