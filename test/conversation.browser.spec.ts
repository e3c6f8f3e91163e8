import type { Server } from 'node:http';
import type { Browser, BrowserContext, Frame } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame } from './support/news-site.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

/**
 * The conversation in the widget, as a reader on a news site gets it in Chromium: sorting, threads
 * and replies, likes (optimistic, put back on refusal), the highlights strip, editing within the
 * window and deleting with a confirmation, placeholders, and the live stream keeping it all current.
 */

const top = (id: string) => `.cw-list > .cw-item[data-id="${id}"] > .cw-comment`;
const reply = (threadId: string, id: string) => `#cw-replies-${threadId} > .cw-item[data-id="${id}"] > .cw-comment`;
const order = (frame: Frame) => frame.$$eval('.cw-list > .cw-item', (els) => els.map((el) => (el as HTMLElement).dataset.id));

// The browser sees the same API on either database (the e2e suites run both): one is enough here, for the time budget.
describe.each(['sqlite'] as const)('the conversation in the widget on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let siteUrl: string;
  let desk: SignedInModerator;
  let ann: Reader;
  let ben: Reader;
  let cho: Reader;

  /** Posted through the API and published by the rules (auto mode). */
  async function published(r: Reader, articleId: string, body: Record<string, string>): Promise<string> {
    const response = await post(r, articleId, body);
    expect(response.status).toBe(202);
    const { id } = await response.json();
    expect((await decided(r, id)).status).toBe('published');
    return id;
  }

  async function like(r: Reader, id: string): Promise<void> {
    expect((await r.api.put(`/api/comments/${id}/reaction`, { type: 'like' })).status).toBe(200);
  }

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000', BEST_MIN_LIKES: '2' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    [desk, ann, ben, cho] = await Promise.all([moderator(t), reader(t, 'Ann'), reader(t, 'Ben'), reader(t, 'Cho')]);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test('sort, open a thread, like (put back when refused), reply to a reply, edit, delete; live throughout', async () => {
    const article = `talk-${kind}`;
    // Oldest to newest: first (with a reply), liked (two likes: BEST with BEST_MIN_LIKES=2), last.
    const first = await published(ann, article, { body: 'The first comment.' });
    const liked = await published(ann, article, { body: 'A liked comment.' });
    const last = await published(cho, article, { body: 'The last comment.' });
    const answer = await published(cho, article, { body: 'An answer to the first.', parentId: first });
    await like(ben, liked);
    await like(cho, liked);

    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/${article}`);
    const frame = await widgetFrame(page);
    expect(await order(frame)).toEqual([last, liked, first]);
    expect(await frame.textContent('.cw-count')).toBe('4'); // replies count too

    // The highlights strip: BEST, and the badge in the list.
    await frame.waitForSelector(`.cw-highlights .cw-pick[data-id="${liked}"] .cw-tag-best`);
    expect(await frame.isVisible(`${top(liked)} .cw-tag-best`)).toBe(true);

    // Sorting: buttons with aria-pressed; each order from the service.
    const sortBy = async (label: string, expected: string[]) => {
      await frame.click(`.cw-sort button:text-is("${label}")`);
      await waitFor(async () => JSON.stringify(await order(frame)) === JSON.stringify(expected), 5000, `sorted by ${label}`);
      expect(await frame.getAttribute(`.cw-sort button:text-is("${label}")`, 'aria-pressed')).toBe('true');
    };
    await sortBy('Most liked', [liked, last, first]);
    await sortBy('Oldest', [first, liked, last]);
    await sortBy('Most replies', [first, last, liked]);
    await sortBy('Newest', [last, liked, first]);

    // A thread is collapsed as "1 reply" and opens with its replies, oldest first.
    const toggle = frame.locator(`.cw-thread[data-thread="${first}"] > .cw-toggle`);
    expect(await toggle.textContent()).toBe('1 reply');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await frame.waitForSelector(reply(first, answer));
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');

    // Signed out, liking asks to sign in, right there; signing in from that prompt.
    await frame.click(`${top(first)} .cw-like`);
    await frame.waitForSelector(`${top(first)} .cw-ask >> text=Please log in to like or dislike comments.`);
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.click(`${top(first)} .cw-ask button[data-provider="twitter"]`)]);
    await popup.waitForSelector('#name');
    await popup.fill('#name', 'Widget Dan');
    await Promise.all([popup.waitForEvent('close'), popup.click('button.allow')]);
    await frame.locator('#cw-body').waitFor();
    await frame.waitForSelector('.cw-ask', { state: 'detached' });

    // Like: counted at once, pressed, and the service agrees; dislike switches; pressing again takes it back.
    const likeFirst = frame.locator(`${top(first)} .cw-like`);
    const dislikeFirst = frame.locator(`${top(first)} .cw-dislike`);
    // (The answer is held back a little, to see the page change before it.)
    await page.route(`**/api/comments/${first}/reaction`, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.continue();
    });
    const answered = page.waitForResponse((r) => r.url().endsWith(`/api/comments/${first}/reaction`));
    await likeFirst.click();
    expect(await likeFirst.textContent()).toBe('Like 1');
    expect(await likeFirst.getAttribute('aria-pressed')).toBe('true');
    expect(await likeFirst.getAttribute('aria-disabled')).toBe('true');
    const put = await answered;
    await page.unroute(`**/api/comments/${first}/reaction`);
    expect(put.request().method()).toBe('PUT');
    expect(await put.json()).toEqual({ likes: 1, dislikes: 0, myReaction: 'like' });
    await waitFor(async () => (await likeFirst.getAttribute('aria-disabled')) === 'false', 2000, 'answer applied');
    expect(await likeFirst.getAttribute('aria-pressed')).toBe('true');
    expect(await likeFirst.textContent()).toBe('Like 1');
    const [switched] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/api/comments/${first}/reaction`)), dislikeFirst.click()]);
    expect(await switched.json()).toEqual({ likes: 0, dislikes: 1, myReaction: 'dislike' });
    await waitFor(async () => (await dislikeFirst.getAttribute('aria-disabled')) === 'false', 2000, 'answer applied');
    expect(await dislikeFirst.getAttribute('aria-pressed')).toBe('true');
    expect(await likeFirst.textContent()).toBe('Like 0');
    const [withdrawn] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/api/comments/${first}/reaction`)), dislikeFirst.click()]);
    expect(withdrawn.request().method()).toBe('DELETE');
    expect(await dislikeFirst.getAttribute('aria-pressed')).toBe('false');
    expect(await dislikeFirst.textContent()).toBe('Dislike 0');

    // Refused (429): the count goes back and the reader is told politely, with the wait.
    await page.route(`**/api/comments/${last}/reaction`, (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ statusCode: 429, error: 'RATE_LIMITED', message: 'Slow down', retryAfter: 7 }) }),
    );
    await frame.click(`${top(last)} .cw-like`);
    await frame.waitForSelector(`${top(last)} .cw-says.cw-error >> text=Please wait 7 seconds`);
    expect(await frame.textContent(`${top(last)} .cw-like`)).toBe('Like 0');
    expect(await frame.getAttribute(`${top(last)} .cw-like`, 'aria-pressed')).toBe('false');
    await page.unroute(`**/api/comments/${last}/reaction`);

    // Another reader's like arrives live.
    await like(ben, last);
    await frame.waitForSelector(`${top(last)} .cw-like >> text=Like 1`);
    // SCREENSHOTS=1: the box as a reader sees it now (for the README).
    if (process.env.SCREENSHOTS === '1' && kind === 'sqlite') await page.screenshot({ path: 'docs/screenshots/conversation.png', fullPage: true });

    // Reply to the reply: posted with its id; shown awaiting moderation under the thread, then published there with the mention.
    await frame.click(`${reply(first, answer)} .cw-reply`);
    const replyBox = frame.locator(`${reply(first, answer)} .cw-slot textarea`);
    await replyBox.waitFor();
    expect(await replyBox.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await frame.textContent(`${reply(first, answer)} .cw-slot label`)).toBe('Reply to Cho');
    await replyBox.fill('Agreed with Cho.');
    const [posted] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/api/articles/${article}/comments`)),
      frame.click(`${reply(first, answer)} .cw-slot .cw-submit`),
    ]);
    expect(posted.postDataJSON()).toMatchObject({ body: 'Agreed with Cho.', parentId: answer });
    const accepted = await (await posted.response())!.json();
    expect(accepted.parentId).toBe(first);
    const mine = accepted.id as string;
    await frame.waitForSelector(reply(first, mine), { timeout: 15_000 });
    expect(await frame.textContent(`${reply(first, mine)} .cw-mention`)).toBe('@Cho ');
    expect(await frame.textContent(`${reply(first, mine)} .cw-body`)).toBe('Agreed with Cho.');
    expect(await toggle.textContent()).toBe('2 replies');
    expect(await frame.textContent('.cw-count')).toBe('5');
    await frame.waitForSelector(`.cw-thread[data-thread="${first}"] .cw-own`, { state: 'detached' });
    // One's own comment: counts without buttons, edit with the time left, delete.
    expect(await frame.locator(`${reply(first, mine)} button.cw-like`).count()).toBe(0);
    const edit = frame.locator(`${reply(first, mine)} .cw-edit`);
    await edit.waitFor();
    expect(await edit.textContent()).toMatch(/^Edit \([45]:\d\d left\)$/);

    // Edit: the same counter; with a link the rules hold it for an editor, and meanwhile its author
    // sees it awaiting moderation while everyone else still reads the published text.
    await edit.click();
    const editBox = frame.locator(`${reply(first, mine)} .cw-slot textarea`);
    expect(await editBox.inputValue()).toBe('Agreed with Cho.');
    expect(await editBox.evaluate((el) => el === document.activeElement)).toBe(true);
    await editBox.fill('가'.repeat(251));
    await waitFor(async () => (await frame.textContent(`${reply(first, mine)} .cw-counter`)) === '251/250', 2000, 'edit counter over');
    expect(await frame.isDisabled(`${reply(first, mine)} .cw-slot .cw-submit`)).toBe(true);
    const edited = 'Agreed with Cho, see https://example.com/source';
    await editBox.fill(edited);
    const [patched] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith(`/api/comments/${mine}`)),
      frame.click(`${reply(first, mine)} .cw-slot .cw-submit`),
    ]);
    expect(patched.status()).toBe(202);
    expect(patched.request().postDataJSON()).toEqual({ body: edited });
    await frame.waitForSelector(`${reply(first, mine)} .cw-edit-pending >> text=Your edit is awaiting moderation:`);
    expect(await frame.textContent(`${reply(first, mine)} .cw-pending-body`)).toBe(edited);
    expect(await frame.textContent(`${reply(first, mine)} .cw-body`)).toBe('Agreed with Cho.');
    const held = await waitFor(async () => {
      const { comment } = await (await desk.api.get(`/api/moderation/comments/${mine}`)).json();
      return comment.revisionStatus === 'in_review' ? comment : null;
    }, 10_000, 'the edit held for review');
    expect(held.status).toBe('published');
    const publicReplies = await (await fetch(`${t.url}/api/comments/${first}/replies`)).json();
    expect(publicReplies.items.find((c: { id: string }) => c.id === mine).body).toBe('Agreed with Cho.');
    // An editor approves: the new text with "(edited)", live, and the author's pending mark goes.
    expect((await desk.api.post(`/api/moderation/comments/${mine}/approve`, {})).status).toBe(200);
    await frame.waitForSelector(`${reply(first, mine)} .cw-edited >> text=(edited)`);
    expect(await frame.textContent(`${reply(first, mine)} .cw-body`)).toBe(edited);
    await frame.waitForSelector(`${reply(first, mine)} .cw-edit-pending`, { state: 'detached' });

    // Delete: asked first (Cancel keeps it), then gone at once; the thread and the header count follow.
    await frame.click(`${reply(first, mine)} .cw-delete`);
    await frame.click(`${reply(first, mine)} .cw-confirm button:text-is("Cancel")`);
    expect(await frame.isVisible(reply(first, mine))).toBe(true);
    await frame.click(`${reply(first, mine)} .cw-delete`);
    const [deleted] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith(`/api/comments/${mine}`)),
      frame.click(`${reply(first, mine)} .cw-confirm .cw-danger`),
    ]);
    expect(deleted.status()).toBe(204);
    await frame.waitForSelector(reply(first, mine), { state: 'detached' });
    expect(await toggle.textContent()).toBe('1 reply');
    expect(await frame.textContent('.cw-count')).toBe('4');

    // Its author deletes the first comment: a placeholder stays, its reply still there.
    expect((await ann.api.request('DELETE', `/api/comments/${first}`)).status).toBe(204);
    await frame.waitForSelector(`${top(first)}.cw-gone >> text=This comment was deleted`);
    expect(await frame.isVisible(reply(first, answer))).toBe(true);
    expect(await frame.textContent('.cw-count')).toBe('3');

    // An editor's pick arrives live in the strip and as a badge.
    expect((await desk.api.post(`/api/moderation/comments/${last}/feature`)).status).toBe(200);
    await frame.waitForSelector(`.cw-highlights .cw-pick[data-id="${last}"] .cw-tag-pick >> text=Editor's pick`);
    await frame.waitForSelector(`${top(last)} .cw-tag-pick`);

    // Nothing of a comment is ever read as HTML.
    const html = await published(cho, article, { body: '<img src=x onerror="window.pwned=1">' });
    await frame.waitForSelector(`${top(html)} .cw-body`);
    expect(await frame.textContent(`${top(html)} .cw-body`)).toBe('<img src=x onerror="window.pwned=1">');
    expect(await frame.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  }, 90_000);

  test('in Korean, by keyboard: the sort tabs, a thread and a reply form', async () => {
    const article = `talk-ko-${kind}`;
    const first = await published(ann, article, { body: '첫 댓글입니다.' });
    await published(cho, article, { body: '답글입니다.', parentId: first });
    const fresh = await browser.newContext({ locale: 'ko-KR' }); // signed out
    const page = await fresh.newPage();
    await page.goto(`${siteUrl}/article/${article}?lang=ko`);
    const frame = await widgetFrame(page);
    expect(await frame.$$eval('.cw-sort button', (els) => els.map((el) => el.textContent))).toEqual(['최신순', '오래된순', '공감순', '답글순']);
    expect(await frame.getAttribute('.cw-sort', 'aria-label')).toBe('댓글 정렬');
    const toggle = frame.locator(`.cw-thread[data-thread="${first}"] > .cw-toggle`);
    expect(await toggle.textContent()).toBe('답글 1');
    expect(await frame.textContent(`${top(first)} .cw-like`)).toBe('공감 0');

    // Enter on the focused toggle opens the thread; Enter on 답글 without signing in asks to sign in.
    await toggle.focus();
    await page.keyboard.press('Enter');
    await frame.waitForSelector(`#cw-replies-${first} > .cw-item`);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await frame.focus(`${top(first)} .cw-reply`);
    await page.keyboard.press('Enter');
    await frame.waitForSelector(`${top(first)} .cw-ask >> text=답글을 쓰려면 로그인해 주세요.`);
    expect(await frame.evaluate(() => (document.activeElement as HTMLElement).dataset.provider)).toBe('twitter');
    await page.keyboard.press('Escape');
    await frame.waitForSelector(`${top(first)} .cw-ask`, { state: 'detached' });

    // A ranking that expired under the reader: the list starts again from its first page, with a notice.
    const firstPages: string[] = [];
    await page.route(`**/api/articles/${article}/comments?sort=likes*`, async (route) => {
      if (route.request().url().includes('cursor=')) {
        return route.fulfill({ status: 410, contentType: 'application/json', body: JSON.stringify({ statusCode: 410, error: 'CURSOR_EXPIRED', message: 'expired', field: 'cursor' }) });
      }
      firstPages.push(route.request().url());
      try {
        const real = await route.fetch();
        return await route.fulfill({ response: real, json: { ...(await real.json()), nextCursor: 'stale' } });
      } catch {
        // The widget gave this request up for a newer one (its answer is disposed): nothing to fulfil.
        firstPages.pop();
        return route.abort().catch(() => undefined);
      }
    });
    await frame.click('.cw-sort button:text-is("공감순")');
    await frame.waitForSelector('.cw-more:visible');
    await frame.click('.cw-more');
    await frame.waitForSelector('.cw-notice >> text=읽는 사이 순서가 바뀌어 목록을 처음부터 다시 불러왔습니다.');
    await waitFor(async () => firstPages.length === 2, 3000, 'the first page again');
    expect(await order(frame)).toEqual([first]);
    await fresh.close();
  });
});
