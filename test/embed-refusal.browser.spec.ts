import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { PinoNestLogger } from '../src/logger.js';
import { REFUSAL } from '../src/widget/widget-page.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame } from './support/news-site.js';
import { freePort } from './support/ports.js';

/**
 * A news site outside ALLOWED_ORIGINS embeds the widget: embed.js asks the service first and writes
 * the refusal into the site's own box (frame-ancestors would otherwise leave the browser's grey
 * blocked-frame box, the refusal page being blocked too). The service logs the site once a minute.
 */
describe('embed.js on a site the service does not serve', () => {
  let t: TestApp;
  let browser: Browser;
  let allowed: Server;
  let refused: Server;
  let allowedUrl: string;
  let refusedUrl: string;
  const warn = jest.spyOn(PinoNestLogger.prototype, 'warn');

  function listen(site: Server, port: number): Promise<void> {
    return new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
  }

  /** The page in a fresh context: no HTTP cache shared with the other loads. */
  async function open(use: (page: Page) => Promise<void>): Promise<void> {
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    try {
      await use(await context.newPage());
    } finally {
      await context.close();
    }
  }

  function refusalsLogged(origin: string): number {
    return warn.mock.calls.filter(([line]) => (line as { origin?: string } | null)?.origin === origin).length;
  }

  beforeAll(async () => {
    const [allowedPort, refusedPort] = await Promise.all([freePort(), freePort()]);
    allowedUrl = `http://localhost:${allowedPort}`;
    refusedUrl = `http://localhost:${refusedPort}`;
    t = await startTestApp('sqlite', { ALLOWED_ORIGINS: allowedUrl });
    allowed = newsSite(t.url);
    refused = newsSite(t.url);
    await Promise.all([listen(allowed, allowedPort), listen(refused, refusedPort)]);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    warn.mockRestore();
    await browser?.close();
    allowed?.close();
    refused?.close();
    await t?.close();
  });

  test('the refused site shows the sentence in its box, in the box\'s language, with no iframe; logged once for two loads', async () => {
    for (const [lang, text] of [['en', REFUSAL.en], ['ko', REFUSAL.ko]] as const) {
      await open(async (page) => {
        const [check] = await Promise.all([
          page.waitForResponse((r) => r.url() === `${t.url}/api/embed/check`),
          page.goto(`${refusedUrl}/article/story-1?lang=${lang}`),
        ]);
        expect(check.status()).toBe(200);
        await page.waitForFunction((expected) => document.querySelector('[data-comments]')?.textContent === expected, text);
        // Set as text: no element from the network on the site's page, and no frame was made.
        expect(await page.locator('[data-comments] *').count()).toBe(0);
        expect(await page.locator('iframe').count()).toBe(0);
      });
    }
    expect(refusalsLogged(refusedUrl)).toBe(1);
    expect(refusalsLogged(allowedUrl)).toBe(0);
  });

  test('a site in ALLOWED_ORIGINS still gets the comment box', async () => {
    await open(async (page) => {
      await page.goto(`${allowedUrl}/article/story-1`);
      const frame = await widgetFrame(page);
      expect(frame.url()).toContain(`${t.url}/widget?`);
      await frame.waitForSelector('text=To write comments, please log in');
    });
    expect(refusalsLogged(allowedUrl)).toBe(0);
  });

  test('when the check cannot be made, embed.js makes the iframe as before', async () => {
    await open(async (page) => {
      await page.route(`${t.url}/api/embed/check`, (route) => route.abort('connectionfailed'));
      await page.goto(`${allowedUrl}/article/story-2`);
      await widgetFrame(page);
    });
  });

  test('embed.js stays under 1.3 KB gzipped', () => {
    expect(gzipSync(readFileSync(join(process.cwd(), 'dist/public/embed.js')), { level: 9 }).length).toBeLessThan(1300);
  });
});
