import { appInChromium } from './support/chromium.js';

// The README's promise for a new user: the service up, signed in through the emulator in a real browser,
// with the real passport strategies on both sides of the redirects.
describe('signing in through the emulator in a browser', () => {
  const env = appInChromium('sqlite');

  test.each(['twitter', 'facebook'] as const)('with %s: typed name, back on the page, /api/me answers, logout ends it', async (provider) => {
    const context = await env.browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    try {
      await page.goto(`${env.app.url}/auth/${provider}?returnTo=${encodeURIComponent('/health/live?back=1')}`);
      await page.fill('input#name', `Browser ${provider} reader`);
      await Promise.all([page.waitForURL(/\/health\/live\?back=1$/), page.click('button.allow')]);

      const me = await page.evaluate(async () => (await fetch('/api/me')).json());
      expect(me).toMatchObject({ provider, displayName: `Browser ${provider} reader`, status: 'active' });
      const cookies = await context.cookies(env.app.url);
      const session = cookies.find((c) => c.name === 'cs_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      expect(await page.evaluate(() => document.cookie)).not.toContain('cs_session');

      expect(await page.evaluate(async () => (await fetch('/auth/logout', { method: 'POST' })).status)).toBe(204);
      expect(await page.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    } finally {
      await context.close();
    }
  });

  test('cancelling on the provider page ends on a short page in the reader\'s language, not an error', async () => {
    const context = await env.browser.newContext({ locale: 'ko-KR' });
    const page = await context.newPage();
    try {
      await page.goto(`${env.app.url}/auth/twitter`);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/auth/twitter/callback')), page.click('button.cancel')]);
      expect(response.status()).toBe(401);
      expect(await page.getAttribute('html', 'lang')).toBe('ko');
    } finally {
      await context.close();
    }
  });
});
