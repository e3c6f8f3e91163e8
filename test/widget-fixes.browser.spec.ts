import type { Server } from 'node:http';
import { DataSource, In } from 'typeorm';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { Commenter } from '../src/auth/commenter.entity.js';
import { avatarColor } from '../src/widget/client/avatar-color.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/**
 * The widget as readers met it (issue 14): the "awaiting moderation" line follows the reader's own
 * comments; the count and the list agree after a reload (the list is cached by the browser:
 * max-age=5, stale-while-revalidate=30) and without the live stream; the author reloading right
 * after posting sees their comment with its status; Korean particles; avatar colours; times on
 * the author's own cards.
 */

const WAITING = 'Your comment is awaiting moderation';

describe('the widget as readers met it', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let siteUrl: string;
  let desk: SignedInModerator;

  /** Every comment on the article is held for an editor (the desk's per-article pre-moderation). */
  async function heldForReview(articleId: string): Promise<void> {
    expect((await desk.api.patch(`/api/moderation/articles/${articleId}`, { moderationMode: 'pre' })).status).toBe(200);
  }

  async function open(page: Page, articleId: string, lang = 'en'): Promise<Frame> {
    await page.goto(`${siteUrl}/article/${articleId}?lang=${lang}`);
    return widgetFrame(page);
  }

  /** Signs in through the emulator's popup, as a reader would (once per context: the sign-in is kept). */
  async function signIn(page: Page, frame: Frame, name: string): Promise<void> {
    await signInByPopup(page, frame, name);
  }

  /** Posts from the composer; the new comment's id. */
  async function postFromWidget(page: Page, frame: Frame, body: string): Promise<string> {
    await frame.fill('#cw-body', body);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/articles\/[^/]+\/comments$/.test(r.url())),
      frame.click('.cw-submit'),
    ]);
    expect(response.status()).toBe(202);
    return (await response.json()).id;
  }

  /** What the header says and what the list shows, read together. */
  async function countAndList(frame: Frame): Promise<{ count: string; items: string[] }> {
    return frame.evaluate(() => ({
      count: document.querySelector('.cw-count')!.textContent!,
      items: Array.from(document.querySelectorAll<HTMLElement>('.cw-list > .cw-item')).map((el) => el.dataset.id!),
    }));
  }

  /** Waits until the header counts as many comments as the list shows, and the list shows exactly `ids`. */
  async function agree(frame: Frame, ids: string[]): Promise<void> {
    await waitFor(async () => {
      const seen = await countAndList(frame);
      return seen.count === String(ids.length) && JSON.stringify(seen.items) === JSON.stringify(ids);
    }, 10_000, `count ${ids.length} and list [${ids.join(', ')}]`).catch(async (err: Error) => {
      throw new Error(`${err.message}; seen ${JSON.stringify(await countAndList(frame))}`);
    });
  }

  const waitingNotice = (frame: Frame) => frame.locator('.cw-notice', { hasText: WAITING });

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp('sqlite', { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    desk = await moderator(t);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 720, height: 900 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test('the "awaiting moderation" line follows the reader\'s comments: gone when one is rejected, back with the next', async () => {
    const article = 'notice-1';
    await heldForReview(article);
    const page = await context.newPage();
    const frame = await open(page, article);
    await signIn(page, frame, 'Notice Reader');

    const id = await postFromWidget(page, frame, 'Waiting for an editor.');
    const card = frame.locator(`.cw-mine .cw-own[data-id="${id}"]`);
    await frame.waitForSelector(`.cw-own[data-id="${id}"][data-status="in_review"]`, { timeout: 15_000 });
    await waitingNotice(frame).waitFor();
    // The author's own card shows when it was written, like a published one.
    expect(await card.locator('.cw-own-status time').getAttribute('datetime')).toBeTruthy();
    expect(await card.locator('.cw-own-status time').textContent()).toMatch(/now|second|minute/);

    expect((await desk.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'off_topic' })).status).toBe(200);
    await frame.waitForSelector(`.cw-own[data-id="${id}"][data-status="rejected"]`, { timeout: 15_000 });
    // The red card says it; no blue line says otherwise.
    expect(await card.locator('.cw-badge').textContent()).toBe('Not published');
    expect(await waitingNotice(frame).count()).toBe(0);
    expect(await card.locator('.cw-own-status time').count()).toBe(1);

    // The same after a reload: the line comes from the statuses, not from having just posted.
    await page.reload();
    const again = await widgetFrame(page);
    await again.waitForSelector(`.cw-own[data-id="${id}"][data-status="rejected"]`);
    expect(await waitingNotice(again).count()).toBe(0);

    // A second comment waits: the line is back while it waits, and gone once it is published.
    const second = await postFromWidget(page, again, 'A second try, on topic.');
    await waitingNotice(again).waitFor();
    await again.waitForSelector(`.cw-own[data-id="${second}"][data-status="in_review"]`, { timeout: 15_000 });
    expect((await desk.api.post(`/api/moderation/comments/${second}/approve`, {})).status).toBe(200);
    await again.waitForSelector(`.cw-list .cw-item[data-id="${second}"]`);
    await waitingNotice(again).waitFor({ state: 'detached' });
    await again.waitForSelector(`.cw-own[data-id="${id}"][data-status="rejected"]`); // still there, still red
    await agree(again, [second]);
    await page.close();
  });

  test('a post retried after a lost answer, already rejected by the rules meanwhile: a red card, and no "awaiting moderation"', async () => {
    const article = 'notice-retry';
    const page = await context.newPage();
    const frame = await open(page, article);
    if (!(await frame.locator('#cw-body').count())) await signIn(page, frame, 'Notice Reader');
    // The service takes the first post, but its answer is lost on the way (a flaky connection).
    let first = '';
    await page.route(`**/api/articles/${article}/comments`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      first = (await (await route.fetch()).json()).id;
      await route.abort('failed');
    });
    await frame.fill('#cw-body', 'What the fuck is this budget.'); // a banned word: the rules reject it
    await frame.click('.cw-submit');
    await frame.waitForSelector('.cw-notice.cw-error >> text=could not be reached');
    await page.unroute(`**/api/articles/${article}/comments`);
    await waitFor(async () => (await (await desk.api.get(`/api/moderation/comments/${first}`)).json()).comment?.status === 'rejected', 10_000, 'the rules to reject it');

    // Sent again with the same Idempotency-Key: the service answers with the first comment, as it is now.
    const [again] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/articles/${article}/comments`)),
      frame.click('.cw-submit'),
    ]);
    expect((await again.json()).id).toBe(first);
    await frame.waitForSelector(`.cw-own[data-id="${first}"][data-status="rejected"]`);
    expect(await frame.locator('.cw-mine .cw-own').count()).toBe(1);
    expect(await waitingNotice(frame).count()).toBe(0);
    await page.close();
  });

  test('reloading right after a comment was published: it is listed, and the count says so (the list may come from the browser\'s cache)', async () => {
    const article = 'reload-published';
    const page = await context.newPage();
    // The first visit puts the empty list in the browser's cache.
    const frame = await open(page, article);
    await agree(frame, []);
    if (!(await frame.locator('#cw-body').count())) await signIn(page, frame, 'Reload Reader');

    const id = await postFromWidget(page, frame, 'Published by the rules at once.');
    await agree(frame, [id]); // live, over the event stream
    await page.reload();
    const again = await widgetFrame(page);
    await agree(again, [id]);
    expect(await again.textContent(`.cw-item[data-id="${id}"] .cw-body`)).toBe('Published by the rules at once.');
    expect(await again.locator('.cw-mine .cw-own').count()).toBe(0);
    await page.close();
  });

  test('reloading right after posting a comment that waits: the author sees it with its status, and the count agrees with the list', async () => {
    const article = 'reload-waiting';
    await heldForReview(article);
    const page = await context.newPage();
    const frame = await open(page, article);
    if (!(await frame.locator('#cw-body').count())) await signIn(page, frame, 'Reload Reader');
    const id = await postFromWidget(page, frame, 'Held for an editor.');
    await page.reload();
    const again = await widgetFrame(page);
    const card = again.locator(`.cw-mine .cw-own[data-id="${id}"]`);
    await card.waitFor();
    expect(['Awaiting moderation', 'Being reviewed by an editor']).toContain(await card.locator('.cw-badge').textContent());
    await waitingNotice(again).waitFor();
    await agree(again, []);

    await again.waitForSelector(`.cw-own[data-id="${id}"][data-status="in_review"]`, { timeout: 15_000 });
    expect((await desk.api.post(`/api/moderation/comments/${id}/approve`, {})).status).toBe(200);
    await agree(again, [id]);
    await waitingNotice(again).waitFor({ state: 'detached' });
    await page.close();
  });

  test('without the live stream, the author\'s comment published meanwhile joins the list with the count', async () => {
    const article = 'no-stream';
    await heldForReview(article);
    const page = await context.newPage();
    // A proxy that drops server-sent events (or a stream that opened after the publication).
    await page.route(`**/api/articles/${article}/events`, (route) => route.abort());
    const frame = await open(page, article);
    if (!(await frame.locator('#cw-body').count())) await signIn(page, frame, 'Reload Reader');
    const id = await postFromWidget(page, frame, 'Nobody streams this.');
    await frame.waitForSelector(`.cw-own[data-id="${id}"][data-status="in_review"]`, { timeout: 15_000 });
    expect((await desk.api.post(`/api/moderation/comments/${id}/approve`, {})).status).toBe(200);
    await frame.waitForSelector(`.cw-list .cw-item[data-id="${id}"]`, { timeout: 15_000 });
    await agree(frame, [id]);
    await page.close();
  });

  test('news of a comment shown (a moderator cleared its reports) keeps the reply a reader is writing under it, and its thread\'s question', async () => {
    const article = 'news-keeps-forms';
    const [ann, ...reporters] = await Promise.all(['Ann News', 'R1', 'R2', 'R3'].map((name) => reader(t, name)));
    const top = await post(ann, article, { body: 'Ann starts.' }).then((r) => r.json());
    expect((await decided(ann, top.id)).status).toBe('published');
    const answer = await post(ann, article, { body: 'Ann answers herself.', parentId: top.id }).then((r) => r.json());
    expect((await decided(ann, answer.id)).status).toBe('published');

    const page = await context.newPage();
    const frame = await open(page, article);
    if (!(await frame.locator('#cw-body').count())) await signIn(page, frame, 'Reload Reader');
    const topBox = `.cw-list > .cw-item[data-id="${top.id}"] > .cw-comment`;
    const replyBox = `#cw-replies-${top.id} > .cw-item[data-id="${answer.id}"] > .cw-comment`;
    await frame.click(`${topBox} [data-action="reply"]`);
    await frame.fill(`${topBox} .cw-slot textarea`, 'Half a thought');
    await frame.click(`.cw-thread[data-thread="${top.id}"] > .cw-toggle`);
    await frame.click(`${replyBox} [data-action="mute"]`);
    await frame.waitForSelector(`${replyBox} .cw-mute-yes`);

    // Both comments are reported to the desk and approved: the stream tells the page of each again.
    for (const id of [top.id, answer.id]) {
      for (const r of reporters) expect((await r.api.post(`/api/comments/${id}/reports`, { reason: 'other' })).status).toBe(201);
    }
    type Heard = Window & { heard?: Promise<number> };
    await frame.evaluate((path) => new Promise<void>((connected) => {
      const source = new EventSource(path);
      let n = 0;
      (window as Heard).heard = new Promise((resolve) => source.addEventListener('published', () => ++n === 2 && (source.close(), resolve(n))));
      source.addEventListener('open', () => connected());
    }), `/api/articles/${article}/events`);
    for (const id of [top.id, answer.id]) expect((await desk.api.post(`/api/moderation/comments/${id}/approve`, {})).status).toBe(200);
    expect(await frame.evaluate(() => (window as Heard).heard)).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the widget's own stream heard the same

    expect(await frame.inputValue(`${topBox} .cw-slot textarea`)).toBe('Half a thought');
    expect(await frame.isVisible(`${replyBox} .cw-mute-yes`)).toBe(true);
    await page.close();
  });

  test('Korean: particles fit the provider names; readers without a picture get a colour of their own', async () => {
    const article = 'faces';
    const [kimA, kimB] = await Promise.all([reader(t, 'Kim A'), reader(t, 'Kim B')]);
    for (const r of [kimA, kimB]) {
      const { id } = await (await post(r, article, { body: `${r.id} was here.` })).json();
      expect((await decided(r, id)).status).toBe('published');
    }
    // Readers whose provider gives no picture (the emulator always gives one).
    await t.app.get(DataSource).getRepository(Commenter).update({ id: In([kimA.id, kimB.id]) }, { avatarUrl: null });

    const signedOut = await browser.newContext({ locale: 'ko-KR' });
    const page = await signedOut.newPage();
    const frame = await open(page, article, 'ko');
    expect(await frame.textContent('button[data-provider="twitter"]')).toBe('Twitter로 로그인');
    expect(await frame.textContent('button[data-provider="facebook"]')).toBe('Facebook으로 로그인');

    const face = async (name: string) =>
      frame.locator('.cw-comment', { hasText: name }).locator('.cw-initial').evaluate((el) => ({ text: el.textContent, background: getComputedStyle(el).backgroundColor, color: getComputedStyle(el).color }));
    const [a, b] = [await face('Kim A'), await face('Kim B')];
    expect([a.text, b.text]).toEqual(['K', 'K']);
    const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;
    expect(a.background).toBe(rgb(avatarColor(kimA.id)));
    expect(b.background).toBe(rgb(avatarColor(kimB.id)));
    expect(a.color).toBe('rgb(255, 255, 255)');
    await signedOut.close();
  });
});
