import type { Server } from 'node:http';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { v7 } from 'uuid';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/**
 * A link to one comment (`#comment-<id>`, as in the notifications) on a phone: the box loads what it
 * needs to show that comment, picks it out and the page scrolls to it; a comment gone says so.
 */

describe.each(['sqlite'] as const)('links to a comment in Chromium on %s', (kind) => {
  const article = 'linked';
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let context: BrowserContext;
  /** The first top comment: on the second page of the list. */
  let oldId: string;
  let replyId: string;
  let deletedId: string;
  let newestId: string;

  async function publish(r: Reader, body: unknown): Promise<string> {
    const response = await post(r, article, body);
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    browser = await launchChromium();

    const author = await reader(t, 'Link Author');
    const other = await reader(t, 'Link Replier');
    oldId = await publish(author, { body: 'The oldest comment, far down the list.' });
    deletedId = await publish(author, { body: 'A comment its author will delete.' });
    await Promise.all(Array.from({ length: 22 }, (_, i) => publish(other, { body: `Later comment number ${i + 1}.` })));
    newestId = await publish(other, { body: 'The newest comment, at the top.' });
    replyId = await publish(other, { body: 'A reply in the oldest thread.', parentId: oldId });
    expect((await author.api.request('DELETE', `/api/comments/${deletedId}`)).status).toBe(204);
  }, 90_000);

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 390, height: 740 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
  });

  afterEach(() => context?.close());

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  async function open(hash: string): Promise<{ page: Page; frame: Frame }> {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/${article}${hash}`);
    return { page, frame: await widgetFrame(page) };
  }

  /** The element (in the frame) has been scrolled to: wholly inside the news site's window. */
  async function inView(page: Page, frame: Frame, selector: string): Promise<void> {
    const viewport = page.viewportSize()!;
    let box: { y: number; height: number } | null = null;
    await waitFor(async () => {
      box = await frame.locator(selector).boundingBox();
      return box && box.y >= 0 && box.y + box.height <= viewport.height;
    }, 8000, `${selector} scrolled to`).catch((err: Error) => {
      throw new Error(`${err.message}: at ${JSON.stringify(box)} in ${JSON.stringify(viewport)}`);
    });
  }

  const notice = '.cw-notice:not(.cw-waiting)';
  const target = (id: string) => `.cw-list .cw-item[data-id="${id}"] > .cw-comment.cw-target`;

  test('an old top comment: the next page is loaded, the comment picked out and scrolled to', async () => {
    const { page, frame } = await open(`#comment-${oldId}`);
    await frame.waitForSelector(target(oldId));
    await inView(page, frame, target(oldId));
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    expect(await frame.locator('.cw-list > .cw-item').count()).toBeGreaterThan(20);
    expect(await frame.locator('.cw-target').count()).toBe(1);
    expect(await frame.$eval(target(oldId), (el) => getComputedStyle(el).animationName)).toBe('cw-target');
    expect(await frame.textContent(notice)).toBe('');
  });

  test('a reply: its thread opens; the fragment changing while open goes to another comment', async () => {
    const { page, frame } = await open(`#comment-${replyId}`);
    const reply = `.cw-replies > .cw-item[data-id="${replyId}"] > .cw-comment.cw-target`;
    await frame.waitForSelector(reply);
    await inView(page, frame, reply);
    expect(await frame.getAttribute(`.cw-thread[data-thread="${oldId}"] .cw-toggle`, 'aria-expanded')).toBe('true');

    // The page's fragment changes (the reader follows another link to this article): no reload.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await page.evaluate((id) => (location.hash = `#comment-${id}`), newestId);
    await frame.waitForSelector(target(newestId));
    await inView(page, frame, target(newestId));
    expect(await frame.locator('.cw-target').count()).toBe(1);

    // A link inside the box to the same article (as the notifications panel makes): the page stays, at the comment.
    await frame.evaluate(([url, id]) => {
      const a = document.createElement('a');
      a.href = `${url}#comment-${id}`;
      a.target = '_top';
      a.id = 'test-link';
      a.textContent = 'to the reply';
      document.querySelector('.cw-root')!.prepend(a);
    }, [`${siteUrl}/article/${article}`, replyId] as const);
    await frame.click('#test-link');
    await frame.waitForSelector(reply);
    await inView(page, frame, reply);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  });

  test('a comment that is gone, or never was: a short notice in view, no error', async () => {
    const { page, frame } = await open(`#comment-${deletedId}`);
    await frame.waitForFunction((selector) => document.querySelector(selector)?.textContent === 'This comment is no longer available.', notice);
    await inView(page, frame, notice);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    expect(await frame.getAttribute(notice, 'class')).toContain('cw-info');

    // An id no comment has: the same notice, scrolled to again.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.evaluate((id) => (location.hash = `#comment-${id}`), v7());
    await inView(page, frame, notice);
    expect(await frame.locator('.cw-target').count()).toBe(0);

    // Anything but a comment id is not passed to the box at all.
    const other = await context.newPage();
    const requested: string[] = [];
    other.on('request', (r) => requested.push(r.url()));
    await other.goto(`${siteUrl}/article/${article}#comment-../../api/me`);
    await widgetFrame(other);
    expect(requested.find((u) => u.includes('/widget?'))).not.toContain('comment=');
    expect(requested.filter((u) => u.includes('/api/comments/'))).toEqual([]);
  });

  test('Korean, and without motion: the notice in Korean; the comment marked without animation', async () => {
    const page = await context.newPage();
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(`${siteUrl}/article/${article}?lang=ko#comment-${deletedId}`);
    const frame = await widgetFrame(page);
    await frame.waitForFunction((selector) => document.querySelector(selector)?.textContent === '이 댓글은 더 이상 볼 수 없습니다.', notice);
    await page.evaluate((id) => (location.hash = `#comment-${id}`), oldId);
    await frame.waitForSelector(target(oldId));
    await inView(page, frame, target(oldId));
    expect(await frame.$eval(target(oldId), (el) => getComputedStyle(el).animationName)).toBe('none');
  });
});
