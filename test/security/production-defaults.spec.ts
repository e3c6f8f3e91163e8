import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'comments-defaults-'));
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir(), ...env });
const SECRET = randomBytes(48).toString('base64');
const PRODUCTION = { NODE_ENV: 'production', PUBLIC_URL: 'https://comments.example.com', AUTH_SECRET: SECRET };
const TOKEN = randomBytes(24).toString('hex');

function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`${JSON.stringify(env)} was accepted`);
}

describe('production defaults', () => {
  test('production refuses to start without METRICS_TOKEN, in one line, unless METRICS_PUBLIC=true', () => {
    const message = refusal(PRODUCTION);
    expect(message).toMatch(/^Invalid configuration: METRICS_TOKEN is required in production.*METRICS_PUBLIC=true/);
    expect(message).not.toContain('\n');
    expect(load({ ...PRODUCTION, METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
    expect(load({ ...PRODUCTION, METRICS_PUBLIC: 'true' }).metricsToken).toBeUndefined();
    expect(refusal({ ...PRODUCTION, METRICS_PUBLIC: 'sometimes' })).toMatch(/METRICS_PUBLIC must be true or false/);
    // Outside production /metrics may stay open; the worker and the command line serve no /metrics.
    expect(load({}).metricsToken).toBeUndefined();
    expect(loadConfig({ DATA_DIR: dataDir(), ...PRODUCTION }, { servesHttp: false }).nodeEnv).toBe('production');
  });

  test('the API docs and the demo article are off in production unless API_DOCS / DEMO_PAGE say otherwise', () => {
    const production = { ...PRODUCTION, METRICS_TOKEN: TOKEN };
    expect(load(production)).toMatchObject({ apiDocs: false, demoPage: false });
    expect(load({ ...production, API_DOCS: 'true', DEMO_PAGE: 'true' })).toMatchObject({ apiDocs: true, demoPage: true });
    expect(load({})).toMatchObject({ apiDocs: true, demoPage: true });
    expect(load({ NODE_ENV: 'test', API_DOCS: 'false', DEMO_PAGE: 'no' })).toMatchObject({ apiDocs: false, demoPage: false });
    expect(refusal({ API_DOCS: 'maybe' })).toMatch(/API_DOCS must be true or false/);
  });

  test.each([
    ['one repeated character', 'x'.repeat(40)],
    ['one repeated character, long', 'a'.repeat(200)],
    ['a short repeated unit', 'abc'.repeat(20)],
    ['a repeated word', 'secret'.repeat(8)],
    ['a repeated password', 'Password123!'.repeat(4)],
    ['sequential runs', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'],
    ['digits in order, repeated', '0123456789'.repeat(4)],
    ['two characters', 'ab'.repeat(10) + 'ba'.repeat(10) + 'abba'],
    ['a hyphenated phrase', 'test-secret-that-is-long-enough-for-32-bytes'],
    ['24 random bytes in base64 (192 bits)', randomBytes(24).toString('base64')],
    ['20 random bytes in hex (160 bits)', randomBytes(20).toString('hex')],
  ])('AUTH_SECRET that is guessable (%s) is refused in production', (_what, secret) => {
    const message = refusal({ ...PRODUCTION, METRICS_TOKEN: TOKEN, AUTH_SECRET: secret });
    expect(message).toMatch(/^Invalid configuration: AUTH_SECRET (is guessable|must be at least 32 bytes)/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('\n');
  });

  test('outside production a long enough AUTH_SECRET is taken as it is (a development or test secret guards nothing)', () => {
    expect(load({ AUTH_SECRET: 'test-secret-that-is-long-enough-for-32-bytes' }).authSecret).toBe('test-secret-that-is-long-enough-for-32-bytes');
    expect(refusal({ AUTH_SECRET: 'too-short' })).toMatch(/AUTH_SECRET must be at least 32 bytes/);
  });

  // A random hex secret is refused about 1 in 70,000 times (a run such as "abcdefg" in it): 10 rounds.
  test('random secrets pass in production: openssl rand -base64 48, openssl rand -hex 32, 32 random bytes in base64 or base64url', () => {
    for (let i = 0; i < 10; i++) {
      for (const secret of [
        randomBytes(48).toString('base64'),
        randomBytes(32).toString('hex'),
        randomBytes(32).toString('base64'),
        randomBytes(32).toString('base64url'),
        randomBytes(64).toString('base64url'),
      ]) {
        expect([secret, load({ ...PRODUCTION, METRICS_TOKEN: TOKEN, AUTH_SECRET: secret }).authSecret]).toEqual([secret, secret]);
      }
    }
  });

  test('NODE_ENV unset is development: only this machine can connect unless HOST is set', () => {
    expect(load({})).toMatchObject({ nodeEnv: 'development', emulator: true, host: '127.0.0.1', localOnly: true });
    expect(load({ NODE_ENV: 'development' })).toMatchObject({ host: '127.0.0.1', localOnly: true });
    expect(load({ HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', localOnly: false });
    expect(load({ NODE_ENV: 'production', PUBLIC_URL: 'https://c.example.com', AUTH_SECRET: SECRET, METRICS_TOKEN: TOKEN })).toMatchObject({
      host: '0.0.0.0',
      localOnly: false,
    });
    expect(load({ NODE_ENV: 'test' })).toMatchObject({ host: '0.0.0.0', localOnly: false });
  });
});
