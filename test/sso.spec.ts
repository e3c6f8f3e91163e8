import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, exportSPKI, generateKeyPair } from 'jose';
import type { Redis } from 'ioredis';
import type { AuthService } from '../src/auth/auth.service.js';
import { SsoService } from '../src/auth/sso.service.js';
import type { TokensService } from '../src/auth/tokens.service.js';
import { ConfigError, loadConfig, type AppConfig } from '../src/config.js';
import { AppError } from '../src/errors.js';

const SECRET = 'unit-sso-secret-8d2f6b1c9e4a7d3f0b5c8e1a6d9f2b4c';
const STRONG = 'Xq7Lr2Vn9Tb4Wc8Mz1Kp6Hd3Jf5Gs0Ya7Ue2Ri9Oo4Pl';
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-sso-')), ...env });

/** Only the token check: Redis, the reader record and our tokens are not reached by a refused token. */
function service(sso: AppConfig['sso']): SsoService {
  const config = { sso, providerTimeoutMs: 1000, queuePrefix: 'unit' } as AppConfig;
  return new SsoService(config, {} as Redis, {} as AuthService, {} as TokensService);
}

async function reason(sso: SsoService, token: string): Promise<string> {
  const err = await sso.exchange(token).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('SSO_TOKEN_INVALID');
  return (err as AppError).message;
}

const claims = () => ({ sub: 'u1', name: 'Reader', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300 });
const base = { jwksMaxAgeSeconds: 600, jwksCooldownSeconds: 1, name: 'News' };

describe('which algorithms the configured keys allow', () => {
  test('only SSO_JWKS_URL: an HS256 token is refused, also one signed with the published public key', async () => {
    const sso = service({ ...base, jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    const pem = await exportSPKI((await generateKeyPair('RS256', { extractable: true })).publicKey);
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(pem));
    expect(await reason(sso, token)).toMatch(/algorithm HS256 is not allowed here \(allowed: RS256, ES256\)/);
  });

  test('only SSO_SECRET: RS256 and ES256 tokens are refused', async () => {
    const sso = service({ ...base, secret: SECRET });
    for (const alg of ['RS256', 'ES256']) {
      const { privateKey } = await generateKeyPair(alg);
      const token = await new SignJWT(claims()).setProtectedHeader({ alg }).sign(privateKey);
      expect(await reason(sso, token)).toMatch(new RegExp(`algorithm ${alg} is not allowed here \\(allowed: HS256\\)`));
    }
  });

  test('a header without alg is refused like alg none', async () => {
    const token = `${Buffer.from('{"typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}.`;
    expect(await reason(service({ ...base, secret: SECRET }), token)).toMatch(/alg "none" is not allowed/);
  });
});

describe('SSO configuration', () => {
  test('off without SSO_SECRET and SSO_JWKS_URL; the name defaults to the site’s host', () => {
    expect(load({}).sso).toBeNull();
    expect(load({ SSO_SECRET: SECRET, ALLOWED_ORIGINS: 'https://www.news.example.com' }).sso).toEqual({
      secret: SECRET,
      jwksUrl: undefined,
      jwksMaxAgeSeconds: 600,
      jwksCooldownSeconds: 1,
      name: 'news.example.com',
      loginUrl: undefined,
    });
    expect(load({ SSO_JWKS_URL: 'https://id.example.com/jwks.json', SSO_NAME: '데일리 뉴스', SSO_LOGIN_URL: 'https://news.example.com/login' }).sso).toMatchObject({
      name: '데일리 뉴스',
      loginUrl: 'https://news.example.com/login',
    });
  });

  test('a short SSO_SECRET is taken outside production (a test site signs with what it likes)', () => {
    expect(load({ SSO_SECRET: 'short-secret' }).sso).toMatchObject({ secret: 'short-secret' });
  });

  test.each([
    [
      { NODE_ENV: 'production', PUBLIC_URL: 'https://c.example.com', AUTH_SECRET: STRONG + STRONG, METRICS_PUBLIC: 'true', SSO_SECRET: 'short-secret' },
      /^Invalid configuration: SSO_SECRET must be at least 32 bytes in production/,
    ],
    [{ SSO_JWKS_URL: 'id.example.com/jwks' }, /SSO_JWKS_URL must be an absolute http\(s\) URL/],
    [{ SSO_LOGIN_URL: 'https://news.example.com/login' }, /SSO_NAME and SSO_LOGIN_URL need SSO_SECRET or SSO_JWKS_URL/],
    [{ SSO_SECRET: SECRET, SSO_NAME: 'x'.repeat(41) }, /SSO_NAME must be at most 40 characters/],
    [{ SSO_SECRET: SECRET, SSO_JWKS_COOLDOWN: '-1' }, /SSO_JWKS_COOLDOWN must be a whole number/],
    [{ SSO_SECRET: STRONG, AUTH_SECRET: STRONG }, /SSO_SECRET must not be AUTH_SECRET/],
    [
      { NODE_ENV: 'production', PUBLIC_URL: 'https://c.example.com', AUTH_SECRET: STRONG + STRONG, METRICS_PUBLIC: 'true', SSO_SECRET: 'a'.repeat(48) },
      /SSO_SECRET is guessable/,
    ],
  ])('%j is refused with one line', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
  });
});
