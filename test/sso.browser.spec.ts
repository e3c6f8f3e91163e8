import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { widgetFrame } from './support/news-site.js';
import { freePort } from './support/ports.js';

/**
 * The site's own accounts in the widget (issue 16): the site hands the widget a token it signed,
 * on the container or later with NewsComments.setSsoToken, or from its own sign-in page opened by
 * the widget's button; the reader is then signed in and comments.
 */

const SECRET = 'sso-browser-secret-4b8e2c6a0d1f3e5b7c9a1d3f5e7b9c2a';

function siteToken(user: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: `site-${user}`, name: user, iat, exp: iat + 300, jti: randomUUID(), ...overrides })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SECRET));
}

/**
 * A news site with its own accounts. /article/{id}: ?user= renders a fresh token for that reader on
 * the container (as a site does for its signed-in reader), ?token= renders exactly that one, neither
 * renders none. /login: the site's sign-in page, which hands its token to the article page.
 */
function siteWithAccounts(serviceUrl: string): Server {
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const [, kind, id = 'x'] = url.pathname.split('/');
      const lang = url.searchParams.get('lang') ?? 'en';
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (kind === 'login') {
        const token = await siteToken('Popup Reader');
        res.end(`<!doctype html><html><body><p>Signed in</p><script>window.opener.NewsComments.setSsoToken(${JSON.stringify(token)}); window.close();</script></body></html>`);
        return;
      }
      const user = url.searchParams.get('user');
      const token = url.searchParams.get('token') ?? (user ? await siteToken(user) : null);
      res.end(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${id}</title></head><body><h1>${id}</h1>
<div data-comments data-article-id="${id}" data-lang="${lang}"${token ? ` data-sso-token="${token}"` : ''}></div><script src="${serviceUrl}/embed.js" async></script></body></html>`);
    })();
  });
}

describe('signing in with the site’s own accounts in the widget', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let context: BrowserContext;

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp('sqlite', {
      ALLOWED_ORIGINS: siteUrl,
      SSO_SECRET: SECRET,
      SSO_NAME: 'Daily News',
      SSO_LOGIN_URL: `${siteUrl}/login`,
      COMMENT_RATE_LIMIT: '1000',
    });
    site = siteWithAccounts(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  // Every test is a new browser profile: nothing of an earlier sign-in is kept.
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 720, height: 900 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
  });
  afterEach(() => context?.close());

  async function open(path: string): Promise<{ page: Page; frame: Frame }> {
    const page = await context.newPage();
    await page.goto(`${siteUrl}${path}`);
    return { page, frame: await widgetFrame(page) };
  }
  const signedInAs = (frame: Frame) => frame.locator('.cw-me-name').textContent();

  test('data-sso-token: the reader is signed in, comments, and the token never appears in a URL', async () => {
    const tokenUrls: string[] = [];
    context.on('request', (request) => request.url().includes('eyJ') && tokenUrls.push(request.url()));
    const { page, frame } = await open('/article/sso-attr?user=Lee%20Ji-eun');
    await frame.waitForSelector('.cw-me');
    expect(await signedInAs(frame)).toContain('Lee Ji-eun');

    await frame.fill('#cw-body', 'Thank you for the clear report on the transit plan.');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/articles\/sso-attr\/comments$/.test(r.url())),
      frame.click('.cw-submit'),
    ]);
    expect(response.status()).toBe(202);
    expect(tokenUrls).toEqual([]);
  });

  test('"Log out" is not undone by the same token, also after a reload; the site’s next token signs in again', async () => {
    const token = await siteToken('Park Seo-yeon');
    const { page, frame } = await open(`/article/sso-out?token=${token}`);
    await frame.waitForSelector('.cw-me');
    await frame.click('.cw-logout');
    await frame.waitForSelector('.cw-composer button[data-provider="sso"]');

    const exchanges: string[] = [];
    context.on('request', (request) => request.url().endsWith('/auth/sso') && exchanges.push(request.url()));
    await page.evaluate((same) => (window as unknown as { NewsComments: { setSsoToken(t: string): void } }).NewsComments.setSsoToken(same), token);
    await page.reload();
    const again = await widgetFrame(page);
    await again.waitForSelector('.cw-composer button[data-provider="sso"]');
    expect(exchanges).toEqual([]);
    expect(await again.locator('.cw-me').count()).toBe(0);

    await page.goto(`${siteUrl}/article/sso-out?user=Park%20Seo-yeon`);
    const fresh = await widgetFrame(page);
    await fresh.waitForSelector('.cw-me');
    expect(await signedInAs(fresh)).toContain('Park Seo-yeon');
  });

  test('NewsComments.setSsoToken after the box has loaded signs the reader in; null signs them out', async () => {
    const { page, frame } = await open('/article/sso-later');
    await frame.waitForSelector('.cw-composer button[data-provider="sso"]');
    expect(await frame.locator('.cw-composer button[data-provider="sso"]').textContent()).toBe('Log in with Daily News');
    const token = await siteToken('Choi Woo-jin');
    await page.evaluate((t) => (window as unknown as { NewsComments: { setSsoToken(t: string | null): void } }).NewsComments.setSsoToken(t), token);
    await frame.waitForSelector('.cw-me');
    expect(await signedInAs(frame)).toContain('Choi Woo-jin');

    await page.evaluate(() => (window as unknown as { NewsComments: { setSsoToken(t: string | null): void } }).NewsComments.setSsoToken(null));
    await frame.waitForSelector('.cw-composer button[data-provider="sso"]');
  });

  test('a token set while the box is still loading is not lost', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await context.route((url) => url.origin === t.url && url.pathname === '/widget', async (route) => {
      await held;
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/sso-early`);
    await page.waitForFunction(() => 'NewsComments' in window && document.querySelector('[data-comments] iframe'));
    const token = await siteToken('Jung Ha-na');
    await page.evaluate((t) => (window as unknown as { NewsComments: { setSsoToken(t: string): void } }).NewsComments.setSsoToken(t), token);
    release();
    const frame = await widgetFrame(page);
    await frame.waitForSelector('.cw-me');
    expect(await signedInAs(frame)).toContain('Jung Ha-na');
  });

  test('an expired token: the usual sign-in choice with a short message, in English and Korean', async () => {
    const expired = await siteToken('Late Reader', { iat: Math.floor(Date.now() / 1000) - 900, exp: Math.floor(Date.now() / 1000) - 600 });
    const page = await context.newPage();
    for (const [lang, message] of [
      ['en', 'Your sign-in on this site could not be used here. Please log in again.'],
      ['ko', '이 사이트의 로그인 정보를 사용할 수 없습니다. 다시 로그인해 주세요.'],
    ]) {
      await page.goto(`${siteUrl}/article/sso-expired?lang=${lang}&token=${expired}`);
      const frame = await widgetFrame(page);
      await frame.waitForSelector('.cw-notice.cw-error');
      expect(await frame.locator('.cw-notice.cw-error').textContent()).toBe(message);
      expect(await frame.locator('.cw-composer button[data-provider="sso"]').count()).toBe(1);
      expect(await frame.locator('.cw-me').count()).toBe(0);
    }
  });

  test('SSO_LOGIN_URL: the button opens the site’s sign-in page, which hands its token back to the page', async () => {
    const { page, frame } = await open('/article/sso-popup');
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.click('.cw-composer button[data-provider="sso"]')]);
    if (!popup.isClosed()) await popup.waitForEvent('close'); // it hands the token to window.opener and closes itself
    await frame.waitForSelector('.cw-me');
    expect(await signedInAs(frame)).toContain('Popup Reader');
  });
});
