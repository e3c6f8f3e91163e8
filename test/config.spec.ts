import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'comments-config-'));
const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: dataDir(), ...env });

describe('configuration', () => {
  test('defaults: port 3000, local Redis, SQLite under DATA_DIR, emulator on in development', () => {
    const config = load({});
    expect(config.port).toBe(3000);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.sqlitePath).toMatch(/comments\.sqlite$/);
    expect(config.emulator).toBe(true);
    expect(config.twitter?.requestTokenUrl).toBe('http://localhost:3000/_emulator/twitter/oauth/request_token');
    expect(config.facebook?.authorizeUrl).toBe('http://localhost:3000/_emulator/facebook/dialog/oauth');
  });

  test.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a port number \(got "abc"\)$/],
    [{ PUBLIC_URL: 'localhost:3000' }, /PUBLIC_URL must be an absolute http\(s\) URL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ REDIS_URL: 'localhost' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be development, production or test/],
    [{ AUTH_TOKEN_TTL: '-5' }, /AUTH_TOKEN_TTL must be a whole number/],
    [{ ALLOWED_ORIGINS: 'news.example.com' }, /ALLOWED_ORIGINS must be a comma-separated list of origins/],
    [{ TWITTER_CONSUMER_KEY: 'k' }, /TWITTER_CONSUMER_SECRET is required when TWITTER_CONSUMER_KEY is set/],
    [{ FACEBOOK_APP_SECRET: 's' }, /FACEBOOK_APP_ID is required when FACEBOOK_APP_SECRET is set/],
    [{ TWITTER_PROFILE_URL: 'not a url' }, /TWITTER_PROFILE_URL must be an absolute http\(s\) URL/],
    [{ AUTH_SECRET: 'short' }, /AUTH_SECRET must be at least 32 bytes/],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://c.example.com' }, /AUTH_SECRET is required in production/],
    [{ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40) }, /PUBLIC_URL is required in production/],
    [{ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(40), SIGNIN_EMULATOR: 'on' }, /SIGNIN_EMULATOR=on is refused when NODE_ENV=production/],
    [{ DATABASE_URL: 'mysql://user:hunter2@db/x' }, /got "mysql:\/\/user:\*\*\*@db\/x"/],
    [{ AUTH_TOKEN_TTL: 'hunter2' }, /AUTH_TOKEN_TTL must be a whole number/],
  ])('%j is refused with one line naming the variable', (env, message) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(message);
    try {
      load(env);
    } catch (err) {
      expect((err as Error).message).not.toContain('\n');
    }
  });

  test('real credentials switch the emulator off; a provider without them is disabled', () => {
    const config = load({ TWITTER_CONSUMER_KEY: 'k', TWITTER_CONSUMER_SECRET: 's' });
    expect(config.emulator).toBe(false);
    expect(config.twitter).toMatchObject({ consumerKey: 'k', requestTokenUrl: 'https://api.twitter.com/oauth/request_token' });
    expect(config.facebook).toBeNull();
  });

  test('production never runs the emulator, even without credentials', () => {
    const config = load({ NODE_ENV: 'production', AUTH_SECRET: randomBytes(48).toString('base64'), PUBLIC_URL: 'https://comments.example.com', METRICS_TOKEN: 'a-metrics-token-for-tests' });
    expect(config.emulator).toBe(false);
    expect(config.twitter).toBeNull();
    expect(config.facebook).toBeNull();
  });

  test('provider endpoints come from env', () => {
    const config = load({
      FACEBOOK_APP_ID: 'a',
      FACEBOOK_APP_SECRET: 'b',
      FACEBOOK_AUTHORIZE_URL: 'http://proxy.local/dialog',
      FACEBOOK_TOKEN_URL: 'http://proxy.local/token',
      FACEBOOK_PROFILE_URL: 'http://proxy.local/me',
    });
    expect(config.facebook).toEqual({
      appId: 'a',
      appSecret: 'b',
      authorizeUrl: 'http://proxy.local/dialog',
      tokenUrl: 'http://proxy.local/token',
      profileUrl: 'http://proxy.local/me',
    });
  });

  test('in development a generated AUTH_SECRET is kept under DATA_DIR so restarts keep sessions', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    const second = loadConfig({ DATA_DIR: dir });
    expect(first.authSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.authSecret).toBe(first.authSecret);
    expect(readFileSync(join(dir, 'auth-secret'), 'utf8').trim()).toBe(first.authSecret);
  });

  test('https PUBLIC_URL makes cookies Secure', () => {
    expect(load({ PUBLIC_URL: 'https://comments.example.com/' }).secureCookies).toBe(true);
    expect(load({ PUBLIC_URL: 'https://comments.example.com/' }).publicUrl).toBe('https://comments.example.com');
  });
});

describe('RULES_FILE', () => {
  test('a broken rule file stops the start with one line naming the file and field', async () => {
    const { writeFileSync } = await import('node:fs');
    const dir = dataDir();
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ mode: 'sometimes' }));
    expect(() => loadConfig({ DATA_DIR: dir, RULES_FILE: file })).toThrow(/^Invalid configuration: RULES_FILE .*rules\.json: mode/);
    expect(() => loadConfig({ DATA_DIR: dir, RULES_FILE: join(dir, 'missing.json') })).toThrow(/RULES_FILE .*cannot be read/);
  });
});
