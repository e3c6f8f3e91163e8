import type { Server } from 'node:http';
import type { Browser, Frame, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Commenter } from '../src/auth/commenter.entity.js';
import { Comment } from '../src/comments/comment.entity.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/** The bell as a reader sees it: the count going up while the page is open, the panel, marking read, the preferences. */

describe.each(['sqlite'] as const)('notifications in Chromium on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  async function signInOn(page: Page, path: string, name: string): Promise<Frame> {
    await page.goto(`${siteUrl}${path}`);
    const frame = await widgetFrame(page);
    await signInByPopup(page, frame, name);
    return frame;
  }

  test('the bell counts a reply live, the panel lists it with a link to the comment, a click marks it read', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const article = 'bell-live';
    const frame = await signInOn(page, `/article/${article}`, 'Bell Reader');
    await frame.waitForSelector('.cw-bell-box:not([hidden]) .cw-bell');
    expect(await frame.isHidden('.cw-bell-count')).toBe(true);

    const data = t.app.get(DataSource);
    const me = await data.getRepository(Commenter).findOneByOrFail({ displayName: 'Bell Reader' });
    await frame.fill('#cw-body', 'A comment someone will answer.');
    await frame.click('.cw-composer .cw-submit');
    const mine = await waitFor(async () => {
      const c = await data.getRepository(Comment).findOneBy({ commenterId: me.id });
      return c?.status === 'published' && c;
    });
    await frame.waitForSelector(`.cw-list > .cw-item[data-id="${mine.id}"]`);

    // Someone answers; the page is left alone: the count goes up by itself (the published comment, the reply).
    const other = await reader(t, 'Dana Cho');
    const response = await post(other, article, { body: 'An answer to your comment.', parentId: mine.id });
    const { id: replyId } = await response.json();
    expect((await decided(other, replyId)).status).toBe('published');
    await frame.waitForFunction(() => document.querySelector('.cw-bell-count')?.textContent === '2');
    expect(await frame.getAttribute('.cw-bell', 'aria-label')).toBe('Notifications: 2 unread');

    // The panel: newest first, as text, the reply linking to the comment on the article's page.
    await frame.click('.cw-bell');
    expect(await frame.getAttribute('.cw-bell', 'aria-expanded')).toBe('true');
    await frame.waitForSelector('.cw-note');
    const texts = await frame.$$eval('.cw-note .cw-note-link', (els) => els.map((el) => el.textContent));
    expect(texts).toEqual(['Dana Cho replied to your comment', 'Your comment was published']);
    const link = frame.locator(`.cw-note[data-id] a.cw-note-link`).first();
    expect(await link.getAttribute('href')).toBe(`${siteUrl}/article/${article}#comment-${replyId}`);
    expect(await frame.locator('.cw-note.cw-unread').count()).toBe(2);
    // SCREENSHOTS=1: the open panel as a reader sees it (for the README).
    if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: 'docs/screenshots/notifications.png', clip: { x: 0, y: 0, width: 720, height: 520 } });

    // A click on it marks it read (the page stays: the same article, at the comment).
    await link.click();
    await frame.waitForFunction(() => document.querySelector('.cw-bell-count')?.textContent === '1');
    expect(await frame.locator('.cw-note.cw-unread').count()).toBe(1);
    expect((await (await other.api.get('/api/me/notifications')).json()).unread).toBe(1); // the replier's own (published) untouched
    const after = await waitFor(async () => {
      const n = await data.query('SELECT type, read_at FROM notifications WHERE reader_id = ? ORDER BY id', [me.id]);
      return n.length === 2 && n[1].read_at !== null && n;
    });
    expect(after.map((n: { type: string }) => n.type)).toEqual(['published', 'reply']);

    // Mark all read: the badge goes.
    await frame.click('.cw-notes-all');
    await frame.waitForSelector('.cw-bell-count', { state: 'hidden' });
    expect(await frame.locator('.cw-note.cw-unread').count()).toBe(0);

    // Preferences in the panel: replies off, kept by the service.
    await frame.click('.cw-notes-settings');
    const replies = frame.locator('.cw-notes-pref input[name="reply"]');
    expect(await replies.isChecked()).toBe(true);
    await replies.uncheck();
    await waitFor(async () => {
      const [row] = await data.query("SELECT enabled FROM notification_preferences WHERE reader_id = ? AND type = 'reply'", [me.id]);
      return row && !row.enabled;
    });
    await context.close();
  });

  test('Korean: the replier’s name with the particle that fits it', async () => {
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'ko-KR' });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const article = 'bell-ko';
    const frame = await signInOn(page, `/article/${article}?lang=ko`, '벨 독자');
    const data = t.app.get(DataSource);
    const me = await data.getRepository(Commenter).findOneByOrFail({ displayName: '벨 독자' });
    await frame.fill('#cw-body', '답글을 기다리는 댓글입니다.');
    await frame.click('.cw-composer .cw-submit');
    const mine = await waitFor(async () => {
      const c = await data.getRepository(Comment).findOneBy({ commenterId: me.id });
      return c?.status === 'published' && c;
    });
    const other = await reader(t, '김하나');
    const { id } = await (await post(other, article, { body: '좋은 의견 감사합니다.', parentId: mine.id })).json();
    expect((await decided(other, id)).status).toBe('published');
    await frame.waitForSelector(`.cw-list > .cw-item[data-id="${mine.id}"]`);
    await frame.click('.cw-bell');
    await frame.waitForSelector('.cw-note');
    expect(await frame.locator('.cw-note .cw-note-link').first().textContent()).toBe('김하나님이 내 댓글에 답글을 남겼습니다');
    await context.close();
  });
});
