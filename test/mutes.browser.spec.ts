import type { Server } from 'node:http';
import type { Browser, BrowserContext, Frame } from 'playwright-core';
import { Sql } from '../src/db/sql.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/**
 * Muting in the widget, as a reader gets it in Chromium: "Mute" (after a confirmation) turns the
 * muted reader's comments and replies into a placeholder for that reader only, "Show" opens one,
 * and "Unmute" (on the placeholder or in the list of muted readers) brings them back.
 */

const top = (id: string) => `.cw-list > .cw-item[data-id="${id}"] > .cw-comment`;
const reply = (threadId: string, id: string) => `#cw-replies-${threadId} > .cw-item[data-id="${id}"] > .cw-comment`;

// The browser sees the same API on either database (the e2e suite runs both): one is enough here.
describe.each(['sqlite'] as const)('muting readers in the widget on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let siteUrl: string;
  let ann: Reader;
  let ben: Reader;
  let sql: Sql;

  async function published(r: Reader, articleId: string, body: Record<string, string>): Promise<string> {
    const response = await post(r, articleId, body);
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }

  /** The muted ids stored for the reader signed in as `name`. */
  const mutedBy = async (name: string) =>
    (await sql.rows<{ muted_id: string }>('SELECT m.muted_id FROM reader_mutes m JOIN commenters c ON c.id = m.muter_id WHERE c.display_name = $1', [name])).map((r) => r.muted_id);

  async function signInAs(frame: Frame, page: import('playwright-core').Page, name: string): Promise<void> {
    await signInByPopup(page, frame, name);
  }

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    [ann, ben] = await Promise.all([reader(t, 'Ann'), reader(t, 'Ben')]);
    sql = t.app.get(Sql);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test('mute (confirmed) hides comments and replies behind a placeholder; Show; reload keeps it; unmute from the placeholder and from the list', async () => {
    const article = `mutes-${kind}`;
    const annTop = await published(ann, article, { body: 'Ann opens the discussion.' });
    const benTop = await published(ben, article, { body: 'Ben says something tiresome.' });
    const benReply = await published(ben, article, { body: 'Ben answers Ann, tiresomely.', parentId: annTop });

    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/${article}`);
    let frame = await widgetFrame(page);
    // Signed out: no Mute buttons, no list.
    expect(await frame.locator('.cw-mute').count()).toBe(0);
    await signInAs(frame, page, 'Dee Muter');
    expect(await frame.isHidden('.cw-muted-list')).toBe(true);

    // Mute asks first; Cancel changes nothing.
    await frame.click(`${top(benTop)} .cw-mute`);
    await frame.waitForSelector(`${top(benTop)} .cw-confirm >> text=Mute Ben?`);
    await frame.click(`${top(benTop)} .cw-confirm button:text-is("Cancel")`);
    await frame.waitForSelector(`${top(benTop)} .cw-confirm`, { state: 'detached' });
    expect(await mutedBy('Dee Muter')).toEqual([]);

    // Confirmed: Ben's comment becomes the placeholder, in place, and so does his reply in Ann's thread.
    await frame.click(`${top(benTop)} .cw-mute`);
    const muting = page.waitForResponse((r) => r.url().endsWith(`/api/me/muted/${ben.id}`) && r.request().method() === 'POST');
    await frame.click(`${top(benTop)} .cw-mute-yes`);
    expect((await muting).status()).toBe(200);
    await frame.waitForSelector(`${top(benTop)}.cw-muted >> text=Comment from a muted reader`);
    expect(await frame.locator(`${top(benTop)} .cw-text`).count()).toBe(0);
    expect(await frame.textContent('.cw-notice')).toBe('You muted Ben.');
    expect(await mutedBy('Dee Muter')).toEqual([ben.id]);
    await frame.click(`.cw-thread[data-thread="${annTop}"] > .cw-toggle`);
    await frame.waitForSelector(`${reply(annTop, benReply)}.cw-muted`);
    expect(await frame.isVisible(`${top(annTop)} .cw-text >> text=Ann opens the discussion.`)).toBe(true);
    expect(await frame.textContent('.cw-muted-list summary')).toBe('Muted readers (1)');

    // Show opens that one comment (with Unmute instead of Mute); the reply stays hidden.
    await frame.click(`${top(benTop)} button:text-is("Show")`);
    await frame.waitForSelector(`${top(benTop)}:not(.cw-muted) .cw-text >> text=Ben says something tiresome.`);
    expect(await frame.locator(`${top(benTop)} .cw-mute`).count()).toBe(0);
    expect(await frame.isVisible(`${top(benTop)} .cw-unmute`)).toBe(true);
    expect(await frame.locator(`${reply(annTop, benReply)}.cw-muted`).count()).toBe(1);

    // The public list is the same for everyone; the mute comes with the reader, on every page load.
    const publicList = await (await fetch(`${t.url}/api/articles/${article}/comments`)).json();
    expect(publicList.items.find((c: { id: string }) => c.id === benTop).body).toBe('Ben says something tiresome.');
    await page.reload();
    frame = await widgetFrame(page);
    await frame.waitForSelector(`${top(benTop)}.cw-muted`);
    expect(await frame.locator(`${top(annTop)}.cw-muted`).count()).toBe(0);

    // Unmute from the placeholder: everything of Ben's is back, the list goes.
    const unmuting = page.waitForResponse((r) => r.url().endsWith(`/api/me/muted/${ben.id}`) && r.request().method() === 'DELETE');
    await frame.click(`${top(benTop)} .cw-unmute`);
    expect((await unmuting).status()).toBe(204);
    await frame.waitForSelector(`${top(benTop)}:not(.cw-muted) .cw-text >> text=Ben says something tiresome.`);
    expect(await frame.isVisible(`${top(benTop)} .cw-mute`)).toBe(true);
    expect(await frame.isHidden('.cw-muted-list')).toBe(true);
    expect(await mutedBy('Dee Muter')).toEqual([]);

    // Muted from a reply, unmuted from the list of muted readers.
    await frame.click(`.cw-thread[data-thread="${annTop}"] > .cw-toggle`);
    await frame.click(`${reply(annTop, benReply)} .cw-mute`);
    await frame.click(`${reply(annTop, benReply)} .cw-mute-yes`);
    await frame.waitForSelector(`${reply(annTop, benReply)}.cw-muted`);
    await frame.waitForSelector(`${top(benTop)}.cw-muted`);
    await frame.click('.cw-muted-list summary');
    await frame.click('.cw-muted-entry:has-text("Ben") button:text-is("Unmute")');
    await frame.waitForSelector(`${top(benTop)}:not(.cw-muted)`);
    await frame.waitForSelector(`${reply(annTop, benReply)}:not(.cw-muted)`);
    await waitFor(async () => (await mutedBy('Dee Muter')).length === 0, 2000, 'unmuted');

    // In Korean: the words of the placeholder and its buttons.
    await frame.click(`${top(benTop)} .cw-mute`);
    await frame.click(`${top(benTop)} .cw-mute-yes`);
    await frame.waitForSelector(`${top(benTop)}.cw-muted`);
    await page.goto(`${siteUrl}/article/${article}?lang=ko`);
    frame = await widgetFrame(page);
    await frame.waitForSelector(`${top(benTop)}.cw-muted >> text=뮤트한 사용자의 댓글입니다`);
    expect(await frame.isVisible(`${top(benTop)} button:text-is("보기")`)).toBe(true);
    expect(await frame.isVisible(`${top(benTop)} button:text-is("뮤트 해제")`)).toBe(true);
    expect(await frame.textContent('.cw-muted-list summary')).toBe('뮤트한 사용자 (1)');
    await page.close();
  }, 90_000);
});
