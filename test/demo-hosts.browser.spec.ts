import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { widgetFrame, signInByPopup } from './support/news-site.js';

/**
 * `npm start` serves the demo with PUBLIC_URL=http://localhost:3000, and newcomers open it at
 * 127.0.0.1 as often as at localhost. Both must show the comment box, sign in through the emulator
 * and post: two origins, and a cookie set for one is never sent to the other.
 */
describe('the demo article at 127.0.0.1 and at localhost, PUBLIC_URL on localhost (development)', () => {
  let t: TestApp;
  let browser: Browser;
  let port: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp('sqlite', (url) => ({ PUBLIC_URL: url.replace('127.0.0.1', 'localhost') })), launchChromium()]);
    port = new URL(t.url).port;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test.each([
    ['127.0.0.1', 'Loopback Reader'],
    ['localhost', 'Localhost Reader'],
  ])('opened at http://%s:PORT/: the box, sign-in in the popup, a posted comment, sign-out', async (host, name) => {
    expect(t.config.publicOrigin).toBe(`http://localhost:${port}`);
    const origin = `http://${host}:${port}`;
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const blocked: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) blocked.push(message.text());
    });
    try {
      await page.goto(`${origin}/`);
      expect(await page.locator('#public-url-hint').count()).toBe(0);
      const frame = await widgetFrame(page);
      expect(frame.url().startsWith(`${origin}/widget?`)).toBe(true);
      await frame.waitForSelector('text=To write comments, please log in');

      await signInByPopup(page, frame, name);
      expect(await frame.textContent('.cw-me-name')).toContain(name);

      const comment = `Posted from the demo at ${host}.`;
      await frame.locator('#cw-body').fill(comment);
      const [posted] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().startsWith(`${origin}/api/articles/`)),
        frame.click('.cw-submit'),
      ]);
      expect(posted.status()).toBe(202);
      // Shown as the reader's own comment, awaiting moderation or already published by the rules.
      await frame.locator('.cw-item, .cw-own').getByText(comment).first().waitFor();
      // Signing out reaches the service too (its Origin check takes the address the box was opened at).
      const [logout] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${origin}/auth/logout`),
        frame.click('.cw-logout'),
      ]);
      expect(logout.status()).toBe(204);
      expect(blocked).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
