import { DATABASES } from './support/databases.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { moderator, signInModerator } from './support/moderators.js';
import { reader } from './support/readers.js';

const ROUTE = '/api/moderation/me/password';

describe.each(DATABASES)('a moderator changes their own password on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { MODERATOR_LOCKOUT_ATTEMPTS: '3', MODERATOR_LOCKOUT_IP_ATTEMPTS: '100' });
  });
  afterAll(() => t.close());

  const signInStatus = async (email: string, password: string) => (await new Browser(t.url).post('/api/moderation/session', { email, password })).status;

  test('from the dashboard cookie: the new password works, the old one not; other sessions and tokens end, this one stays', async () => {
    const m = await moderator(t);
    const elsewhere = await signInModerator(t, m.email, m.password);
    const response = await m.dashboard.post(ROUTE, { currentPassword: m.password, newPassword: 'my-own-new-password' }, m.csrf);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ csrfToken: expect.any(String), expiresAt: expect.any(String) });
    expect(body.csrfToken).not.toBe(m.csrfToken);

    // The changing browser is still signed in, with the re-issued cookie and its new CSRF token.
    const me = await m.dashboard.get('/api/moderation/session');
    expect(me.status).toBe(200);
    expect((await me.json()).csrfToken).toBe(body.csrfToken);
    const write = await m.dashboard.post(ROUTE, { currentPassword: 'my-own-new-password', newPassword: 'and-another-password' }, { 'x-csrf-token': body.csrfToken });
    expect(write.status).toBe(200);

    // Everything else of this moderator's is signed out: the token minted at sign-in, the other browser.
    expect((await m.api.get('/api/moderation/session')).status).toBe(401);
    expect((await elsewhere.dashboard.get('/api/moderation/session')).status).toBe(401);
    expect((await elsewhere.api.get('/api/moderation/session')).status).toBe(401);

    expect(await signInStatus(m.email, m.password)).toBe(401);
    expect(await signInStatus(m.email, 'my-own-new-password')).toBe(401);
    expect(await signInStatus(m.email, 'and-another-password')).toBe(200);
  });

  test('from a bearer token: a new token replaces it; the old token and the cookie end', async () => {
    const m = await moderator(t);
    const response = await m.api.post(ROUTE, { currentPassword: m.password, newPassword: 'bearer-new-password' });
    expect(response.status).toBe(200);
    const { token } = await response.json();
    expect(typeof token).toBe('string');
    expect((await m.api.get('/api/moderation/session')).status).toBe(401);
    expect((await m.dashboard.get('/api/moderation/session')).status).toBe(401);
    const fresh = new Browser(t.url, { authorization: `Bearer ${token}` });
    expect((await fresh.get('/api/moderation/session')).status).toBe(200);
    expect(await signInStatus(m.email, 'bearer-new-password')).toBe(200);
  });

  test('a wrong current password is refused (403 INVALID_CREDENTIALS) and counts toward the sign-in lock', async () => {
    const m = await moderator(t);
    for (let i = 0; i < 3; i++) {
      const wrong = await m.api.post(ROUTE, { currentPassword: `not it ${i}`, newPassword: 'never-stored-password' });
      expect(wrong.status).toBe(403);
      expect(await wrong.json()).toEqual(expect.objectContaining({ error: 'INVALID_CREDENTIALS', field: 'currentPassword' }));
    }
    // The same bucket as the sign-in form: locked for it, and for this route, even with the right password.
    const locked = await new Browser(t.url).post('/api/moderation/session', { email: m.email, password: m.password });
    expect(locked.status).toBe(429);
    expect((await locked.json()).error).toBe('ACCOUNT_LOCKED');
    const right = await m.api.post(ROUTE, { currentPassword: m.password, newPassword: 'never-stored-password' });
    expect(right.status).toBe(429);
    // The session survived the failures, and the password did not change.
    expect((await m.api.get('/api/moderation/session')).status).toBe(200);
    const admin = await moderator(t, 'admin');
    const list = await (await admin.api.get('/api/moderation/moderators')).json();
    expect(list.items.find((x: { id: string }) => x.id === m.id).locked).toBe(true);
    expect(list.items.find((x: { id: string }) => x.id === admin.id).locked).toBe(false);
    await admin.api.post(`/api/moderation/moderators/${m.id}/unlock`);
    expect(await signInStatus(m.email, 'never-stored-password')).toBe(401);
    expect(await signInStatus(m.email, m.password)).toBe(200);
    const log = await (await admin.api.get(`/api/moderation/log?limit=50`)).json();
    expect(log.items.some((e: { action: string; targetModerator?: { id: string } }) => e.action === 'moderator.locked' && e.targetModerator?.id === m.id)).toBe(true);
  });

  test('validation: 400 VALIDATION_FAILED with the field, and nothing changes', async () => {
    const m = await moderator(t);
    const cases: Array<[unknown, string]> = [
      [{ currentPassword: m.password, newPassword: 'short' }, 'newPassword'],
      [{ currentPassword: m.password, newPassword: 'x'.repeat(201) }, 'newPassword'],
      [{ currentPassword: m.password, newPassword: m.password }, 'newPassword'],
      [{ newPassword: 'long-enough-password' }, 'currentPassword'],
      [{ currentPassword: m.password }, 'newPassword'],
      [{ currentPassword: m.password, newPassword: 'long-enough-password', extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await m.api.post(ROUTE, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual(expect.objectContaining({ error: 'VALIDATION_FAILED', field }));
    }
    expect((await m.api.get('/api/moderation/session')).status).toBe(200);
    expect(await signInStatus(m.email, m.password)).toBe(200);
  });

  test('signed out 401, a reader 403, a cookie without the CSRF token 403', async () => {
    const body = { currentPassword: 'whatever-password', newPassword: 'long-enough-password' };
    const anonymous = await new Browser(t.url).post(ROUTE, body);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error).toBe('UNAUTHENTICATED');
    const r = await reader(t);
    const asReader = await r.api.post(ROUTE, body);
    expect(asReader.status).toBe(403);
    expect((await asReader.json()).error).toBe('FORBIDDEN');
    const m = await moderator(t);
    const noCsrf = await m.dashboard.post(ROUTE, { currentPassword: m.password, newPassword: 'long-enough-password' });
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).error).toBe('CSRF_FAILED');
    expect(await signInStatus(m.email, m.password)).toBe(200);
  });

  test('audited as moderator.password_change, without the password', async () => {
    const m = await moderator(t);
    await m.api.post(ROUTE, { currentPassword: m.password, newPassword: 'audited-new-password' });
    const admin = await moderator(t, 'admin');
    const log = await (await admin.api.get(`/api/moderation/log?moderatorId=${m.id}`)).json();
    expect(log.items).toEqual([
      expect.objectContaining({ action: 'moderator.password_change', moderator: { id: m.id, email: m.email }, targetModerator: { id: m.id, email: m.email } }),
    ]);
    expect(JSON.stringify(log)).not.toMatch(/audited-new-password|pw-|argon2/);
  });
});
