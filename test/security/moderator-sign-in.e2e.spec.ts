import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import argon2 from 'argon2';
import { TEST_REDIS_URL } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { moderator, signInModerator, type SignedInModerator } from '../support/moderators.js';

const SESSION = '/api/moderation/session';

let addresses = 0;
/** A client address of its own (the service trusts 127.0.0.1 as its proxy), so tests never share an address count. */
function fromNewAddress(): Record<string, string> {
  addresses++;
  return { 'x-forwarded-for': `198.51.${addresses >> 8}.${addresses & 255}` };
}

interface AuditItem {
  action: string;
  moderator: { id: string } | null;
  targetModerator: { id: string } | null;
  detail: Record<string, unknown>;
}

async function errorOf(response: Response): Promise<string> {
  return (await response.json()).error;
}

// Lockouts are counted in Redis; the accounts and the audit under them are tested on both databases
// (moderators.e2e, moderation-api.e2e): the production database is enough here.
describe.each(['postgres'] as const)('moderator sign-in hardening on %s', (kind) => {
  let t: TestApp;
  let admin: SignedInModerator;
  beforeAll(async () => {
    t = await startTestApp(kind, {
      MODERATOR_LOCKOUT_ATTEMPTS: '3',
      MODERATOR_LOCKOUT_IP_ATTEMPTS: '5',
      TRUST_PROXY: '127.0.0.1',
    });
    admin = await moderator(t, 'admin');
  });
  afterAll(() => t.close());
  afterEach(() => jest.restoreAllMocks());

  /** A browser that never signed in, from an address of its own. */
  const stranger = () => new Browser(t.url, fromNewAddress());

  describe('parallel guesses', () => {
    test('50 parallel wrong passwords for one account check at most MODERATOR_LOCKOUT_ATTEMPTS of them; the rest 429 ACCOUNT_LOCKED', async () => {
      const m = await moderator(t);
      const verify = jest.spyOn(argon2, 'verify');
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => stranger().post(SESSION, { email: m.email, password: `guess number ${i}` })));
      const refused = answers.filter((r) => r.status === 429);
      expect(answers.filter((r) => r.status === 401).length).toBeLessThanOrEqual(3);
      expect(refused.length).toBeGreaterThanOrEqual(47);
      expect(refused.length + answers.filter((r) => r.status === 401).length).toBe(50);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(3);
      const body = await refused[0]!.json();
      expect(body).toEqual(expect.objectContaining({ statusCode: 429, error: 'ACCOUNT_LOCKED', retryAfter: expect.any(Number) }));
      expect(Number(refused[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    test('parallel guesses across accounts from one address check at most MODERATOR_LOCKOUT_IP_ATTEMPTS; the rest 429 TOO_MANY_ATTEMPTS', async () => {
      const address = fromNewAddress();
      // Successes give their slot back: a newsroom behind one address signs in as often as it likes.
      const m = await moderator(t);
      for (let i = 0; i < 7; i++) expect((await new Browser(t.url, address).post(SESSION, { email: m.email, password: m.password })).status).toBe(200);

      const verify = jest.spyOn(argon2, 'verify');
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => new Browser(t.url, address).post(SESSION, { email: `spray${i}@desk.test`, password: 'a guessed password' })),
      );
      expect(answers.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(25);
      expect(verify.mock.calls.length).toBeLessThanOrEqual(5);
      expect(await errorOf(refused[0]!)).toBe('TOO_MANY_ATTEMPTS');
      expect(refused[0]!.headers.get('retry-after')).toBeTruthy();
    });
  });

  describe('device cookies', () => {
    /** Fails for the account from strangers' browsers until the account is locked for them. */
    async function lockForStrangers(email: string): Promise<void> {
      for (let i = 0; i < 3; i++) expect((await stranger().post(SESSION, { email, password: `wrong ${i}` })).status).toBe(401);
      expect(await errorOf(await stranger().post(SESSION, { email, password: 'wrong again' }))).toBe('ACCOUNT_LOCKED');
    }

    test('a successful sign-in leaves a signed, httpOnly, strict, long-lived device cookie', async () => {
      const m = await moderator(t);
      const response = await new Browser(t.url).post(SESSION, { email: m.email, password: m.password });
      const device = response.headers.getSetCookie().find((c) => c.startsWith('cs_mod_device='));
      expect(device).toMatch(/HttpOnly/i);
      expect(device).toMatch(/SameSite=Strict/i);
      expect(Number(/Max-Age=(\d+)/i.exec(device ?? '')?.[1])).toBeGreaterThanOrEqual(30 * 24 * 3600);
      expect(device).not.toContain(m.password);
      expect(m.dashboard.cookie('cs_mod_device')).toBeTruthy();
    });

    test("strangers' failures never lock out a browser where the moderator signed in before", async () => {
      const m = await moderator(t);
      await lockForStrangers(m.email);
      expect(await errorOf(await stranger().post(SESSION, { email: m.email, password: m.password }))).toBe('ACCOUNT_LOCKED');
      const known = await m.dashboard.post(SESSION, { email: m.email, password: m.password });
      expect(known.status).toBe(200);
      // The known device's success does not open the account to strangers.
      expect(await errorOf(await stranger().post(SESSION, { email: m.email, password: m.password }))).toBe('ACCOUNT_LOCKED');
    });

    test('a device that fails too often is locked itself, without locking the account for other devices', async () => {
      const m = await moderator(t);
      const other = await signInModerator(t, m.email, m.password);
      for (let i = 0; i < 3; i++) expect((await m.dashboard.post(SESSION, { email: m.email, password: `typo ${i}` })).status).toBe(401);
      expect(await errorOf(await m.dashboard.post(SESSION, { email: m.email, password: m.password }))).toBe('ACCOUNT_LOCKED');
      expect((await other.dashboard.post(SESSION, { email: m.email, password: m.password })).status).toBe(200);
      expect((await stranger().post(SESSION, { email: m.email, password: m.password })).status).toBe(200);
    });

    test("a forged device cookie, or another moderator's, counts as anonymous", async () => {
      const m = await moderator(t);
      const someoneElse = await moderator(t);
      await lockForStrangers(m.email);
      const device = m.dashboard.cookie('cs_mod_device')!;
      const forged = device.slice(0, -2) + (device.endsWith('AA') ? 'BB' : 'AA');
      for (const cookie of [forged, someoneElse.dashboard.cookie('cs_mod_device')!]) {
        const answer = await stranger().post(SESSION, { email: m.email, password: m.password }, { cookie: `cs_mod_device=${cookie}` });
        expect(await errorOf(answer)).toBe('ACCOUNT_LOCKED');
      }
    });

    test('the lock is audited once; an admin unlocks over the API (moderator.unlock); a moderator may not', async () => {
      const m = await moderator(t);
      await lockForStrangers(m.email);
      await stranger().post(SESSION, { email: m.email, password: 'still guessing' });
      const colleague = await moderator(t);
      const forbidden = await colleague.api.post(`/api/moderation/moderators/${m.id}/unlock`);
      expect(forbidden.status).toBe(403);

      const unlocked = await admin.api.post(`/api/moderation/moderators/${m.id}/unlock`);
      expect(unlocked.status).toBe(200);
      expect((await unlocked.json()).moderator).toEqual(expect.objectContaining({ id: m.id, email: m.email }));
      expect((await stranger().post(SESSION, { email: m.email, password: m.password })).status).toBe(200);

      const log = await (await admin.api.get('/api/moderation/log?limit=100')).json();
      const about = log.items.filter((e: AuditItem) => e.targetModerator?.id === m.id);
      const actions = about.map((e: AuditItem) => e.action);
      expect(actions.filter((a: string) => a === 'moderator.locked')).toHaveLength(1);
      expect(actions.indexOf('moderator.unlock')).toBeLessThan(actions.indexOf('moderator.locked'));
      const unlock = about.find((e: AuditItem) => e.action === 'moderator.unlock');
      expect(unlock.moderator?.id).toBe(admin.id);

      const missing = await admin.api.post('/api/moderation/moderators/00000000-0000-4000-8000-000000000000/unlock');
      expect(missing.status).toBe(404);
    });

    test('a password reset clears the lock', async () => {
      const m = await moderator(t);
      await lockForStrangers(m.email);
      expect((await admin.api.post(`/api/moderation/moderators/${m.id}/reset-password`, { password: 'a-fresh-password-1' })).status).toBe(200);
      expect((await stranger().post(SESSION, { email: m.email, password: 'a-fresh-password-1' })).status).toBe(200);
    });

    test('npm run moderators -- unlock EMAIL clears the lock and writes moderator.unlock', async () => {
      const m = await moderator(t);
      await lockForStrangers(m.email);
      const result = spawnSync(process.execPath, [join(process.cwd(), 'dist/moderators/cli.js'), 'unlock', m.email.toUpperCase()], {
        env: { PATH: process.env.PATH!, NODE_ENV: 'test', ...t.database.env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: t.config.queuePrefix },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.stdout + result.stderr).toMatch(new RegExp(`${m.email} is unlocked`));
      expect(result.status).toBe(0);
      expect((await stranger().post(SESSION, { email: m.email, password: m.password })).status).toBe(200);
      const log = await (await admin.api.get('/api/moderation/log?limit=20')).json();
      const unlock = log.items.find((e: AuditItem) => e.action === 'moderator.unlock' && e.targetModerator?.id === m.id);
      expect(unlock).toEqual(expect.objectContaining({ moderator: null, detail: expect.objectContaining({ via: 'cli' }) }));
    }, 30_000);
  });

  describe('login CSRF', () => {
    test('a form-encoded or text body is refused (415 UNSUPPORTED_MEDIA_TYPE)', async () => {
      const m = await moderator(t);
      const form = await stranger().postForm(SESSION, { email: m.email, password: m.password });
      expect(form.status).toBe(415);
      expect(await errorOf(form)).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(form.headers.getSetCookie()).toEqual([]);
      const text = await stranger().request('POST', SESSION, {
        body: JSON.stringify({ email: m.email, password: m.password }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(await errorOf(text)).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    test('a sign-in from a foreign origin is refused (403 FORBIDDEN_ORIGIN); our own origin is fine', async () => {
      const m = await moderator(t);
      const foreign = await stranger().post(SESSION, { email: m.email, password: m.password }, { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(await errorOf(foreign)).toBe('FORBIDDEN_ORIGIN');
      expect(foreign.headers.getSetCookie()).toEqual([]);
      const own = await stranger().post(SESSION, { email: m.email, password: m.password }, { origin: new URL(t.url).origin });
      expect(own.status).toBe(200);
    });
  });

  describe('tokens beside the dashboard cookie', () => {
    test('the dashboard asks for the cookie only and gets no token; API clients still get one', async () => {
      const m = await moderator(t);
      const b = stranger();
      const response = await b.post(SESSION, { email: m.email, password: m.password, cookieOnly: true });
      expect(response.status).toBe(200);
      const body = await response.json();
      expect(body).toEqual({ expiresAt: expect.any(String), csrfToken: expect.any(String), moderator: { id: m.id, email: m.email, role: 'moderator' } });
      expect(b.cookie('cs_mod')).toBeTruthy();
      expect((await b.get(SESSION)).status).toBe(200);

      const api = await (await stranger().post(SESSION, { email: m.email, password: m.password })).json();
      expect(api.token).toEqual(expect.any(String));
      expect((await new Browser(t.url, { authorization: `Bearer ${api.token}` }).get(SESSION)).status).toBe(200);
    });

    test('a token minted with a cookie session ends when the cookie signs out, and the other way round', async () => {
      const m = await moderator(t);
      expect((await m.dashboard.request('DELETE', SESSION, { headers: m.csrf })).status).toBe(204);
      expect(await errorOf(await m.api.get(SESSION))).toBe('UNAUTHENTICATED');

      const again = await signInModerator(t, m.email, m.password);
      expect((await again.api.request('DELETE', SESSION)).status).toBe(204);
      expect((await again.dashboard.get(SESSION)).status).toBe(401);
    });
  });

  describe('credentials from before a change stay dead', () => {
    test('disabling and re-enabling does not bring old tokens or sessions back; a sign-in after it works', async () => {
      const m = await moderator(t);
      expect((await admin.api.post(`/api/moderation/moderators/${m.id}/disable`)).status).toBe(200);
      expect((await admin.api.post(`/api/moderation/moderators/${m.id}/enable`)).status).toBe(200);
      expect(await errorOf(await m.api.get(SESSION))).toBe('UNAUTHENTICATED');
      expect(await errorOf(await m.dashboard.get(SESSION))).toBe('UNAUTHENTICATED');
      const fresh = await signInModerator(t, m.email, m.password);
      expect((await fresh.api.get(SESSION)).status).toBe(200);
      expect((await fresh.dashboard.get(SESSION)).status).toBe(200);
    });

    test('a role change ends the earlier tokens and sessions', async () => {
      const m = await moderator(t);
      expect((await admin.api.patch(`/api/moderation/moderators/${m.id}`, { role: 'admin' })).status).toBe(200);
      expect(await errorOf(await m.api.get('/api/moderation/moderators'))).toBe('UNAUTHENTICATED');
      expect(await errorOf(await m.dashboard.get(SESSION))).toBe('UNAUTHENTICATED');
      const promoted = await signInModerator(t, m.email, m.password);
      expect((await promoted.api.get('/api/moderation/moderators')).status).toBe(200);
    });

    test('a password reset ends them at once, without waiting for the next second', async () => {
      const m = await moderator(t);
      expect((await admin.api.post(`/api/moderation/moderators/${m.id}/reset-password`, { password: 'yet-another-password' })).status).toBe(200);
      expect(await errorOf(await m.api.get(SESSION))).toBe('UNAUTHENTICATED');
      expect(await errorOf(await m.dashboard.get(SESSION))).toBe('UNAUTHENTICATED');
    });
  });
});
