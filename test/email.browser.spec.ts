import type { Server } from 'node:http';
import type { Browser, Frame, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { startSmtp, type SmtpCatcher } from './support/smtp.js';

/** E-mail in the bell's settings, as a reader uses it: add an address, confirm it from the mail, choose a digest; Korean; absent without SMTP. */

/** A news site on `port` embedding the widget of `app`. */
async function siteFor(app: TestApp, port: number): Promise<Server> {
  const site = newsSite(app.url);
  await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
  return site;
}

describe.each(['sqlite'] as const)('e-mail notifications in the widget, in Chromium on %s', (kind) => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, SMTP_URL: smtp.url, EMAIL_RATE_LIMIT: '3' });
    site = await siteFor(t, sitePort);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
    await smtp?.close();
  });

  async function signInOn(page: Page, path: string, name: string, base = siteUrl): Promise<Frame> {
    await page.goto(`${base}${path}`);
    const frame = await widgetFrame(page);
    await signInByPopup(page, frame, name);
    return frame;
  }

  async function openSettings(frame: Frame): Promise<void> {
    await frame.click('.cw-bell');
    await frame.click('.cw-notes-settings');
  }

  /** The widget's own token, from its next call to `path` (the frame's storage is partitioned away from the test). */
  function nextAuthorization(page: Page, path: string): Promise<string> {
    return page.waitForRequest((r) => new URL(r.url()).pathname === path && r.method() !== 'GET').then((r) => r.headers().authorization!);
  }

  /** What the service has, asked as the widget's reader. */
  async function asReader(authorization: string, path: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${t.url}${path}`, { headers: { authorization } });
    return (await response.json()) as Record<string, unknown>;
  }

  test('on a phone: add an address, read the confirmation mail, open its link, the widget shows it confirmed; reply by daily digest is stored', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: 'en-GB', hasTouch: true });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const frame = await signInOn(page, '/article/email-en', 'Mail Reader');
    await openSettings(frame);

    // No address yet: a labelled input and the button.
    await frame.waitForSelector('.cw-email:not([hidden]) input[type="email"]');
    expect(await frame.textContent('.cw-email legend')).toBe('E-mail');
    expect(await frame.textContent('label[for="cw-email-address"]')).toBe('E-mail address');
    expect(await frame.getAttribute('#cw-email-status', 'aria-live')).toBe('polite');

    // A wrong address is refused in words, the input marked.
    await frame.fill('#cw-email-address', 'not an address');
    await frame.click('.cw-email-send');
    await frame.waitForFunction(() => document.querySelector('#cw-email-status')?.textContent?.includes('valid e-mail address'));
    expect(await frame.getAttribute('#cw-email-address', 'aria-invalid')).toBe('true');
    expect(await frame.evaluate(() => document.activeElement?.id)).toBe('cw-email-address');

    await frame.fill('#cw-email-address', 'mail.reader@example.test');
    await frame.click('.cw-email-send');
    await frame.waitForSelector('.cw-email-pending');
    expect(await frame.textContent('.cw-email-pending .cw-email-text')).toBe('Check your inbox (mail.reader@example.test) to confirm the address.');
    expect(await frame.textContent('#cw-email-status')).toBe('We sent a confirmation link to mail.reader@example.test.');
    expect(await frame.isVisible('.cw-email-again')).toBe(true);
    expect(await frame.isVisible('.cw-email-remove')).toBe(true);
    // Nothing wider than the phone.
    expect(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

    // The mail arrives at the SMTP server; its link confirms the address in another tab.
    const [mail] = await smtp.waitFor('mail.reader@example.test');
    const link = /https?:\/\/[^\s"<>]+\/api\/email\/confirm\?token=[\w-]+/.exec(mail!.text)?.[0];
    expect(link).toBeDefined();
    const tab = await context.newPage();
    const confirmed = await tab.goto(link!);
    expect(confirmed?.status()).toBe(200);
    await tab.close();

    // Back on the article: the reader looks at it again, the widget asks and shows the address confirmed.
    await frame.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await frame.waitForSelector('.cw-email-confirmed');
    expect(await frame.textContent('.cw-email-confirmed .cw-email-text')).toBe('Notifications by e-mail go to mail.reader@example.test.');
    expect(await frame.textContent('#cw-email-status')).toBe('Your address mail.reader@example.test is confirmed.');
    expect(await frame.textContent('label[for="cw-email-reply"]')).toBe('Replies to my comments');
    expect(await frame.inputValue('#cw-email-reply')).toBe('immediate');
    expect(await frame.inputValue('#cw-email-published')).toBe('off');
    expect(await frame.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);

    // Replies by daily digest: kept by the service.
    const [authorization] = await Promise.all([nextAuthorization(page, '/api/me/preferences'), frame.selectOption('#cw-email-reply', 'digest')]);
    await frame.waitForFunction(() => document.querySelector('#cw-email-status')?.textContent === 'Saved.');
    expect(await asReader(authorization, '/api/me/preferences')).toMatchObject({ email: { reply: 'digest', published: 'off', featured: 'immediate' } });
    expect(await asReader(authorization, '/api/me/email')).toMatchObject({ address: 'mail.reader@example.test', confirmed: true, language: 'en' });

    // Opening the panel again asks again (a confirmation in another tab shows without a reload); the choice stays.
    await frame.click('.cw-bell');
    await Promise.all([page.waitForRequest((r) => new URL(r.url()).pathname === '/api/me/email' && r.method() === 'GET'), frame.click('.cw-bell')]);
    await frame.waitForFunction(() => (document.querySelector('#cw-email-reply') as HTMLSelectElement | null)?.value === 'digest');
    await context.close();
  });

  test('Korean: the section in Korean, the address stored with ko, "Send again" until the limit says so in words', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'ko-KR' });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const frame = await signInOn(page, '/article/email-ko?lang=ko', '메일 독자');
    await openSettings(frame);
    await frame.waitForSelector('.cw-email:not([hidden]) input[type="email"]');
    expect(await frame.textContent('.cw-email legend')).toBe('이메일');
    expect(await frame.textContent('label[for="cw-email-address"]')).toBe('이메일 주소');
    expect(await frame.textContent('.cw-email-send')).toBe('확인 링크 보내기');

    await frame.fill('#cw-email-address', 'ko.reader@example.test');
    const [authorization] = await Promise.all([nextAuthorization(page, '/api/me/email'), frame.click('.cw-email-send')]);
    await frame.waitForSelector('.cw-email-pending');
    expect(await frame.textContent('.cw-email-pending .cw-email-text')).toBe('받은편지함(ko.reader@example.test)에서 확인 링크를 눌러 주소를 확인해 주세요.');
    expect(await frame.textContent('.cw-email-again')).toBe('다시 보내기');
    expect(await asReader(authorization, '/api/me/email')).toMatchObject({ address: 'ko.reader@example.test', confirmed: false, language: 'ko' });

    // EMAIL_RATE_LIMIT is 3 an hour here: the address was one, two resends, then 429.
    let last = 0;
    for (let i = 0; i < 4 && last !== 429; i++) {
      const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/me/email/resend')), frame.click('.cw-email-again')]);
      last = response.status();
    }
    expect(last).toBe(429);
    await frame.waitForFunction(() => /^변경 요청이 너무 많습니다\. \d+분 후에 다시 시도해 주세요\.$/.test(document.querySelector('#cw-email-status')?.textContent ?? ''));
    await context.close();
  });

  test('without SMTP_URL there is no e-mail section', async () => {
    // A second service on the same database, without SMTP_URL.
    const sitePort = await freePort();
    const plain = await startTestApp(kind, { ALLOWED_ORIGINS: `http://localhost:${sitePort}` }, t.database);
    const plainSite = await siteFor(plain, sitePort);
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    try {
      const page = await context.newPage();
      const frame = await signInOn(page, '/article/email-off', 'No Mail Reader', `http://localhost:${sitePort}`);
      const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/me/email')), openSettings(frame)]);
      expect(await answer.json()).toMatchObject({ available: false });
      await frame.waitForSelector('.cw-notes-pref input[name="reply"]');
      expect(await frame.isHidden('.cw-email')).toBe(true);
      expect(await frame.locator('#cw-email-address').count()).toBe(0);
    } finally {
      await context.close();
      plainSite.close();
      await plain.close();
    }
  });
});
