import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser as Http } from './support/browser.js';
import { launchChromium } from './support/chromium.js';
import { signInToDashboard } from './support/dashboard.js';
import { moderator } from './support/moderators.js';
import { waitFor } from './support/readers.js';

const SLOW = 90_000;

// The API itself is tested on both databases (moderators-self.e2e.spec.ts, moderators.e2e.spec.ts); this is the dashboard.
describe.each(['sqlite'] as const)('the Moderators tab and My account in Chromium on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(kind, { MODERATOR_LOCKOUT_ATTEMPTS: '3', MODERATOR_LOCKOUT_IP_ATTEMPTS: '100' }), launchChromium()]);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, SLOW);

  const signInStatus = async (email: string, password: string) => (await new Http(t.url).post('/api/moderation/session', { email, password })).status;

  test('an admin resets a password (shown once), changes a role and unlocks an account; not on their own row', async () => {
    const admin = await moderator(t, 'admin');
    const other = await moderator(t);
    for (let i = 0; i < 3; i++) expect(await signInStatus(other.email, `wrong ${i}`)).toBe(401);
    expect(await signInStatus(other.email, other.password)).toBe(429);

    const { page, problems } = await signInToDashboard(browser, t.url, admin.email, admin.password);
    await page.getByRole('link', { name: /Moderators/ }).click();
    const row = page.locator(`tr[data-moderator="${other.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-locked')).toBe('true');
    expect(await row.locator('td.status').textContent()).toBe('Active · locked out');
    // One's own row: no role select, no disable, no reset.
    const mine = page.locator(`tr[data-moderator="${admin.id}"]`);
    expect(await mine.locator('select').count()).toBe(0);
    expect(await mine.locator('button[data-action=disable], button[data-action=reset-password]').count()).toBe(0);
    expect(await mine.locator('td').nth(1).textContent()).toBe('admin');
    // Last sign-in in the browser's locale (en-US: month first).
    const when = await mine.locator('time').textContent();
    expect(when).toBe(new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(String(await mine.locator('time').getAttribute('datetime')))));

    await row.getByRole('button', { name: 'Unlock' }).click();
    await page.locator(`tr[data-moderator="${other.id}"]:not([data-locked])`).waitFor();
    expect(await signInStatus(other.email, other.password)).toBe(200);

    const confirmed: string[] = [];
    page.once('dialog', (d) => {
      confirmed.push(d.message());
      void d.accept();
    });
    await row.getByRole('button', { name: 'Reset password' }).click();
    const shown = page.locator('input.one-time-password');
    await shown.waitFor();
    expect(confirmed).toEqual([expect.stringContaining(other.email)]);
    const password = await shown.inputValue();
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(await page.getByText(`New password for ${other.email}:`).count()).toBe(1);
    expect(await signInStatus(other.email, other.password)).toBe(401);
    expect(await signInStatus(other.email, password)).toBe(200);

    await row.getByRole('combobox', { name: `Role of ${other.email}` }).selectOption('admin');
    await waitFor(async () => (await (await admin.api.get('/api/moderation/moderators')).json()).items.find((m: { id: string }) => m.id === other.id).role === 'admin', 5000, 'the new role');
    // The tab was drawn again: the password is not shown any more.
    await waitFor(async () => (await shown.count()) === 0, 5000, 'the password to go');
    expect(await page.locator(`tr[data-moderator="${other.id}"] select`).inputValue()).toBe('admin');
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test('a moderator changes their own password in My account, stays signed in, and signs in with it', async () => {
    const m = await moderator(t);
    const wrongCurrent = (r: { status(): number; url(): string }) => r.status() === 403 && r.url().endsWith('/api/moderation/me/password');
    const { page, problems } = await signInToDashboard(browser, t.url, m.email, m.password, { expected: wrongCurrent });
    await page.getByRole('button', { name: 'My account' }).click();
    const dialog = page.getByRole('dialog', { name: 'My account' });
    await dialog.waitFor();
    expect(await dialog.locator('#current-password').getAttribute('autocomplete')).toBe('current-password');
    expect(await dialog.locator('#new-password').getAttribute('autocomplete')).toBe('new-password');
    expect(await dialog.locator('#confirm-password').getAttribute('autocomplete')).toBe('new-password');

    await dialog.getByLabel('Current password').fill(m.password);
    await dialog.getByLabel('New password', { exact: true }).fill('desk-password-mine');
    await dialog.getByLabel('New password again').fill('desk-password-typo');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText('The two new passwords differ.').waitFor();

    await dialog.getByLabel('Current password').fill('not my password');
    await dialog.getByLabel('New password again').fill('desk-password-mine');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText(/The current password is wrong/).waitFor();

    await dialog.getByLabel('Current password').fill(m.password);
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText(/Password changed/).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Still signed in, and writes still pass the CSRF check (the re-issued session's token).
    await page.getByRole('button', { name: 'My account' }).click();
    await dialog.getByLabel('Current password').fill('desk-password-mine');
    await dialog.getByLabel('New password', { exact: true }).fill('desk-password-final');
    await dialog.getByLabel('New password again').fill('desk-password-final');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByText(/Password changed/).waitFor();
    expect(await page.getByLabel('Email').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();

    expect(await signInStatus(m.email, m.password)).toBe(401);
    const again = await signInToDashboard(browser, t.url, m.email, 'desk-password-final');
    await again.page.getByRole('button', { name: 'My account' }).waitFor();
    expect(again.problems).toEqual([]);
    await again.page.context().close();
  }, SLOW);

  test('the audit log says a password change in words, in both languages', async () => {
    const m = await moderator(t);
    await m.api.post('/api/moderation/me/password', { currentPassword: m.password, newPassword: 'audited-in-words' });
    const admin = await moderator(t, 'admin');
    const { page, problems } = await signInToDashboard(browser, t.url, admin.email, admin.password);
    await page.getByRole('link', { name: /Audit log/ }).click();
    const line = page.locator('table.log tr[data-action="moderator.password_change"]', { hasText: m.email });
    await line.waitFor();
    expect(((await line.locator('td.what').textContent()) ?? '').trim()).toBe(`${m.email} changed their own password`);
    await page.getByRole('button', { name: 'Switch language to Korean' }).click();
    await page.locator('table.log tr[data-action="moderator.password_change"]', { hasText: `${m.email} 님이 자신의 비밀번호를 바꿨습니다` }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);
});
