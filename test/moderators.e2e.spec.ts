import { DATABASES } from './support/databases.js';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser } from './support/browser.js';
import { moderator, signInModerator } from './support/moderators.js';
import { reader } from './support/readers.js';
import { signIn } from './support/sign-in.js';

describe.each(DATABASES)('moderator accounts and sign-in on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, {
      MODERATOR_ADMIN_EMAIL: 'Chief@Desk.test',
      MODERATOR_ADMIN_PASSWORD: 'first-admin-password',
      MODERATOR_LOCKOUT_ATTEMPTS: '3',
      MODERATOR_LOCKOUT_IP_ATTEMPTS: '9',
    });
  });
  afterAll(() => t.close());

  const anonymous = () => new Browser(t.url);

  test('the first admin comes from MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD', async () => {
    const admin = await signInModerator(t, 'chief@desk.test', 'first-admin-password');
    expect(admin.role).toBe('admin');
    const list = await (await admin.api.get('/api/moderation/moderators')).json();
    expect(list.items).toEqual([expect.objectContaining({ email: 'chief@desk.test', role: 'admin', status: 'active' })]);
    expect(JSON.stringify(list)).not.toMatch(/password|argon2/i);
  });

  test('sign-in answers a token, the moderator, a CSRF token and a strict httpOnly cookie', async () => {
    const m = await moderator(t);
    const b = anonymous();
    const response = await b.post('/api/moderation/session', { email: m.email.toUpperCase(), password: m.password });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      token: expect.any(String),
      expiresAt: expect.any(String),
      csrfToken: expect.any(String),
      moderator: { id: m.id, email: m.email, role: 'moderator' },
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/cs_mod=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(await (await b.get('/api/moderation/session')).json()).toEqual({ moderator: body.moderator, csrfToken: body.csrfToken });
    expect(await (await m.api.get('/api/moderation/session')).json()).toEqual({ moderator: body.moderator, csrfToken: null });
  });

  test('wrong password or unknown account: 401 INVALID_CREDENTIALS; bad input 400', async () => {
    const m = await moderator(t);
    const wrong = await anonymous().post('/api/moderation/session', { email: m.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error).toBe('INVALID_CREDENTIALS');
    const unknown = await anonymous().post('/api/moderation/session', { email: 'nobody@desk.test', password: 'whatever-password' });
    expect((await unknown.json()).error).toBe('INVALID_CREDENTIALS');
    const bad = await anonymous().post('/api/moderation/session', { email: m.email });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('VALIDATION_FAILED');
    // A success clears the account's count.
    await signInModerator(t, m.email, m.password);
  });

  test('anonymous 401, a reader (token or cookie) 403, a moderator is not an admin', async () => {
    const anon = await anonymous().get('/api/moderation/moderators');
    expect(anon.status).toBe(401);
    expect((await anon.json()).error).toBe('UNAUTHENTICATED');

    const r = await reader(t);
    const withToken = await r.api.get('/api/moderation/session');
    expect(withToken.status).toBe(403);
    expect((await withToken.json()).error).toBe('FORBIDDEN');
    const readerBrowser = anonymous();
    await signIn(readerBrowser, 'twitter', { name: 'Cookie Reader' });
    const withCookie = await readerBrowser.get('/api/moderation/queue/counts');
    expect(withCookie.status).toBe(403);
    expect((await withCookie.json()).error).toBe('FORBIDDEN');

    const m = await moderator(t);
    for (const response of [
      await m.api.get('/api/moderation/moderators'),
      await m.api.post('/api/moderation/moderators', { email: 'x@desk.test' }),
      await m.api.post(`/api/moderation/moderators/${m.id}/reset-password`, {}),
    ]) {
      expect(response.status).toBe(403);
      expect((await response.json()).error).toBe('FORBIDDEN');
    }
  });

  test('CSRF: cookie writes need X-CSRF-Token; bearer writes do not', async () => {
    const m = await moderator(t);
    const missing = await m.dashboard.request('DELETE', '/api/moderation/session');
    expect(missing.status).toBe(403);
    expect((await missing.json()).error).toBe('CSRF_FAILED');
    const wrong = await m.dashboard.request('DELETE', '/api/moderation/session', { headers: { 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error).toBe('CSRF_FAILED');
    expect((await m.dashboard.get('/api/moderation/session')).status).toBe(200); // reads need none

    const ok = await m.dashboard.request('DELETE', '/api/moderation/session', { headers: m.csrf });
    expect(ok.status).toBe(204);
    expect((await m.dashboard.get('/api/moderation/session')).status).toBe(401);
    // The token minted with that sign-in ends with its cookie session.
    expect((await m.api.get('/api/moderation/session')).status).toBe(401);

    const again = await signInModerator(t, m.email, m.password);
    const bearerOut = await again.api.request('DELETE', '/api/moderation/session');
    expect(bearerOut.status).toBe(204);
    const after = await again.api.get('/api/moderation/session');
    expect(after.status).toBe(401);
  });

  test('admins manage accounts over the API; a disabled account stops at once', async () => {
    const admin = await moderator(t, 'admin');
    const created = await admin.api.post('/api/moderation/moderators', { email: 'New.Person@desk.test' });
    expect(created.status).toBe(201);
    const { moderator: added, password } = await created.json();
    expect(added).toEqual(expect.objectContaining({ email: 'new.person@desk.test', role: 'moderator', status: 'active' }));
    expect(password).toHaveLength(24);
    const again = await admin.api.post('/api/moderation/moderators', { email: 'new.person@desk.test', password: 'another-password-1' });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe('MODERATOR_EXISTS');
    const short = await admin.api.post('/api/moderation/moderators', { email: 'short@desk.test', password: 'short' });
    expect(short.status).toBe(400);

    const before = await signInModerator(t, 'new.person@desk.test', password);
    const reset = await admin.api.post(`/api/moderation/moderators/${added.id}/reset-password`, { password: 'a-brand-new-password' });
    expect(reset.status).toBe(200);
    expect((await reset.json()).password).toBeUndefined();
    // A new password ends the sessions and tokens from before it.
    expect((await before.api.get('/api/moderation/session')).status).toBe(401);
    expect((await before.dashboard.get('/api/moderation/session')).status).toBe(401);
    const person = await signInModerator(t, 'new.person@desk.test', 'a-brand-new-password');
    expect((await person.api.get('/api/moderation/session')).status).toBe(200);

    const promoted = await admin.api.patch(`/api/moderation/moderators/${added.id}`, { role: 'admin' });
    expect((await promoted.json()).moderator.role).toBe('admin');
    // A new role takes a new sign-in.
    expect((await person.api.get('/api/moderation/moderators')).status).toBe(401);
    const promotedPerson = await signInModerator(t, 'new.person@desk.test', 'a-brand-new-password');
    expect((await promotedPerson.api.get('/api/moderation/moderators')).status).toBe(200);

    const disabled = await admin.api.post(`/api/moderation/moderators/${added.id}/disable`);
    expect((await disabled.json()).moderator.status).toBe('disabled');
    expect((await promotedPerson.api.get('/api/moderation/session')).status).toBe(401);
    const signInDisabled = await anonymous().post('/api/moderation/session', { email: 'new.person@desk.test', password: 'a-brand-new-password' });
    expect(signInDisabled.status).toBe(403);
    expect((await signInDisabled.json()).error).toBe('ACCOUNT_DISABLED');
    const enabled = await admin.api.post(`/api/moderation/moderators/${added.id}/enable`);
    expect((await enabled.json()).moderator.status).toBe('active');
  });

  test('repeated failures slow down, then lock the account (429 ACCOUNT_LOCKED, Retry-After), even for the right password', async () => {
    const m = await moderator(t);
    const started = Date.now();
    for (let i = 0; i < 3; i++) {
      const response = await anonymous().post('/api/moderation/session', { email: m.email, password: `wrong ${i}` });
      expect(response.status).toBe(401);
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(600); // 0 + 200 + 400 ms of slow-down
    const locked = await anonymous().post('/api/moderation/session', { email: m.email, password: m.password });
    expect(locked.status).toBe(429);
    expect((await locked.json()).error).toBe('ACCOUNT_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  // Last: it locks this test's address out.
  test('failures across accounts from one address lock the address (429 TOO_MANY_ATTEMPTS)', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 8; i++) {
      last = await anonymous().post('/api/moderation/session', { email: `guess${i}@desk.test`, password: 'guessing-password' });
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect((await last!.json()).error).toBe('TOO_MANY_ATTEMPTS');
    expect(last!.headers.get('retry-after')).toBeTruthy();
  });
});
