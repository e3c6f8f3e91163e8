import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { appInChromium } from './support/chromium.js';
import { moderator } from './support/moderators.js';
import { signInToDashboard, type DashboardOptions } from './support/dashboard.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/** SCREENSHOTS=1 also writes docs/screenshots/*.png (desktop and phone width). */
const SCREENSHOTS = process.env.SCREENSHOTS === '1';

// Chromium, argon2 sign-ins and several readers: generous on a busy 2-core machine; each wait has its own limit.
const SLOW = 90_000;

// The browser sees the same API on either database (the e2e suites run both): one is enough here.
describe.each(['sqlite'] as const)('the moderator dashboard in Chromium on %s', (kind) => {
  const env = appInChromium(kind, SLOW);

  async function openDashboard(email: string, password: string, options: DashboardOptions = {}): Promise<{ page: Page; problems: string[] }> {
    const opened = await signInToDashboard(env.browser, env.app.url, email, password, options);
    await opened.page.locator(options.live === false ? '#live' : '#live.on').waitFor({ timeout: 5000 });
    return opened;
  }

  test('sign in, see a held comment arrive live, approve it with the keyboard, find it published', async () => {
    const m = await moderator(env.app);
    const { page, problems } = await openDashboard(m.email, m.password);
    await page.getByRole('heading', { name: 'Review' }).waitFor();

    // Posted after the dashboard is open: it must arrive by itself.
    const r = await reader(env.app, 'Held Reader');
    const article = `${kind}-dash-${Date.now()}`;
    const { id } = await (await post(r, article, { body: 'Honestly the minister is an idiot and should resign' })).json();
    expect((await decided(r, id)).status).toBe('in_review');

    const card = page.locator(`#c-${id}`);
    await card.waitFor({ timeout: 5000 });
    expect(await card.locator('mark.finding').textContent()).toBe('idiot');
    expect(await card.locator('.author').textContent()).toContain('Held Reader');
    await waitFor(async () => /1 new in Review/.test((await page.locator('#announcer').textContent()) ?? ''), 3000, 'the live region to announce it');
    await waitFor(async () => (await page.locator('[data-count=review]').textContent())?.trim() === '1', 3000, 'the review count');

    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`c-${id}`);
    await page.keyboard.press('a');
    await card.waitFor({ state: 'detached', timeout: 5000 });

    const list = await waitFor(async () => {
      const body = await (await fetch(`${env.app.url}/api/articles/${article}/comments`)).json();
      return body.items.some((c: { id: string }) => c.id === id) ? body : undefined;
    }, 5000, 'the comment in the public list');
    expect(list.items.find((c: { id: string }) => c.id === id).body).toBe('Honestly the minister is an idiot and should resign');
    await waitFor(async () => (await page.locator('[data-count=review]').textContent())?.trim() === '0', 3000, 'the review count back to 0');

    // Bulk: select two with x, approve both with a.
    const more: string[] = [];
    for (const body of ['What a stupid plan', 'Only a moron would vote for this']) more.push((await (await post(r, article, { body })).json()).id);
    for (const commentId of more) await page.locator(`#c-${commentId}`).waitFor({ timeout: 5000 });
    // Both arrived and counted: no live update is still to redraw the queue under the keys.
    await waitFor(async () => (await page.locator('[data-count=review]').textContent())?.trim() === '2', 5000, 'the review count at 2');
    for (const commentId of more) {
      await page.locator(`#c-${commentId}`).focus();
      await page.keyboard.press('x');
    }
    await waitFor(async () => ((await page.locator('.bulk').textContent({ timeout: 1000 }).catch(() => '')) ?? '').includes('2 selected'), 5000, 'two selected');
    await page.keyboard.press('a');
    for (const commentId of more) await page.locator(`#c-${commentId}`).waitFor({ state: 'detached', timeout: 5000 });
    await waitFor(async () => (await (await fetch(`${env.app.url}/api/articles/${article}/comments`)).json()).items.length === 3, 5000, 'all three published');
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test('reject with r and a digit; a comment another moderator took shows a conflict', async () => {
    const m = await moderator(env.app);
    const other = await moderator(env.app);
    const r = await reader(env.app);
    const article = `${kind}-dash-2-${Date.now()}`;
    const first = (await (await post(r, article, { body: 'You are a moron' })).json()).id as string;
    const second = (await (await post(r, article, { body: 'Such a stupid take' })).json()).id as string;
    expect((await decided(r, first)).status).toBe('in_review');
    expect((await decided(r, second)).status).toBe('in_review');
    const { page, problems } = await openDashboard(m.email, m.password, { locale: 'ko-KR' });
    await page.getByRole('heading', { name: '검토' }).waitFor({ timeout: 5000 }); // Korean from the browser's language

    await page.locator(`#c-${first}`).waitFor({ timeout: 5000 });
    await page.locator(`#c-${first}`).focus();
    await page.keyboard.press('r');
    await page.locator('#reasons').waitFor({ timeout: 5000 });
    await page.keyboard.press('2'); // abuse
    await page.locator(`#c-${first}`).waitFor({ state: 'detached', timeout: 5000 });
    const rejected = await (await m.api.get(`/api/moderation/comments/${first}`)).json();
    expect(rejected.comment).toMatchObject({ status: 'rejected', reason: 'abuse' });

    // A dashboard without live updates still shows the second comment after another moderator took it.
    const stale = await openDashboard(m.email, m.password, { live: false });
    await stale.page.locator(`#c-${second}`).waitFor({ timeout: 5000 });

    expect((await other.api.post(`/api/moderation/comments/${second}/approve`, {})).status).toBe(200);
    // The live dashboard drops the card and says why …
    await page.locator(`#c-${second}`).waitFor({ state: 'detached', timeout: 5000 });
    await waitFor(async () => /다른 관리자/.test((await page.locator('#announcer').textContent()) ?? ''), 3000, 'the announcement');
    // … the stale one gets 409 CONFLICT when it tries, says so on the card, and shows the comment as it is now.
    await stale.page.locator(`#c-${second}`).focus();
    await stale.page.keyboard.press('a');
    await stale.page.locator(`#c-${second} .notice`).waitFor({ timeout: 5000 });
    expect(await stale.page.locator(`#c-${second} .notice`).textContent()).toContain('Another moderator acted on this comment first');
    expect(await stale.page.locator(`#c-${second} .status`).textContent()).toContain('Published');
    expect(stale.problems).toEqual([`409 ${env.app.url}/api/moderation/comments/${second}/approve`]);
    await stale.page.context().close();
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test("a card's article settings: close comments and hold the article for review, from the keyboard", async () => {
    const m = await moderator(env.app);
    const r = await reader(env.app);
    const article = `${kind}-dash-article-${Date.now()}`;
    const { id } = await (await post(r, article, { body: 'What an idiot of a minister' })).json();
    expect((await decided(r, id)).status).toBe('in_review');
    const { page, problems } = await openDashboard(m.email, m.password);
    await page.locator(`#c-${id}`).waitFor({ timeout: 5000 });
    await page.locator(`#c-${id}`).focus();
    await page.keyboard.press('o');
    const panel = page.getByRole('region', { name: /^Article:/ });
    await panel.getByText('open', { exact: true }).waitFor({ timeout: 5000 });

    await panel.getByRole('button', { name: 'Close comments' }).click();
    await panel.getByText('closed', { exact: true }).waitFor({ timeout: 5000 });
    const refused = await post(r, article, { body: 'One more thought' });
    expect([refused.status, (await refused.json()).error]).toEqual([403, 'COMMENTS_CLOSED']);

    await panel.getByRole('button', { name: 'Reopen comments' }).click();
    await panel.getByText('open', { exact: true }).waitFor({ timeout: 5000 });
    await panel.getByLabel('Moderation for this article').selectOption('pre');
    await waitFor(async () => (await (await m.api.get(`/api/moderation/articles/${article}`)).json()).moderationMode === 'pre', 5000, 'pre-moderation saved');
    const held = (await (await post(r, article, { body: 'A calm and thoughtful remark' })).json()).id as string;
    expect((await decided(r, held)).status).toBe('in_review');
    expect((await (await m.api.get(`/api/moderation/comments/${held}`)).json()).findings).toEqual([expect.objectContaining({ rule: 'premoderation' })]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, SLOW);

  test('the audit log, and moderator management for admins only', async () => {
    const admin = await moderator(env.app, 'admin');
    const plain = await moderator(env.app);
    const { page, problems } = await openDashboard(admin.email, admin.password);
    await page.getByRole('link', { name: /Audit log/ }).click();
    await page.locator('table.log tbody tr').first().waitFor({ timeout: 5000 });
    const added = page.locator('table.log tr[data-action="moderator.add"]', { hasText: plain.email });
    expect(((await added.locator('td.what').textContent()) ?? '').trim()).toBe(`The command-line tool added ${plain.email} as moderator`);

    await page.getByRole('link', { name: /Moderators/ }).click();
    await page.getByRole('cell', { name: plain.email }).waitFor({ timeout: 5000 });
    const email = `new-${Date.now()}@desk.test`;
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Add' }).click();
    await page.getByRole('cell', { name: email }).waitFor({ timeout: 5000 });
    await waitFor(async () => /New password \(shown once\): \S{12,}/.test((await page.locator('.add-moderator p').textContent()) ?? ''), 3000, 'the new password');
    expect(problems).toEqual([]);
    await page.context().close();

    // A plain moderator has no Moderators tab.
    const other = await openDashboard(plain.email, plain.password);
    await other.page.getByRole('link', { name: /Audit log/ }).waitFor();
    expect(await other.page.getByRole('link', { name: /Moderators/ }).count()).toBe(0);
    await other.page.context().close();
  }, SLOW);

  (SCREENSHOTS && kind === 'sqlite' ? test : test.skip)('screenshots for the docs', async () => {
    const m = await moderator(env.app, 'admin', 'desk@news.example');
    const article = `screenshots-${Date.now()}`;
    const names = ['Alex Moore', '이서준', 'Kim Minji'];
    const bodies = [
      'The minister is an idiot if he thinks this budget adds up.',
      '이 기사 쓴 기자는 바보 아닌가요? 출처가 하나도 없네요.',
      'Full story and the leaked memo here: https://example.org/memo',
    ];
    for (const [i, body] of bodies.entries()) {
      const author = await reader(env.app, names[i]!);
      await decided(author, (await (await post(author, article, { body, articleTitle: 'Budget 2027: what the minister did not say' })).json()).id);
    }
    mkdirSync('docs/screenshots', { recursive: true });
    for (const [name, size] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]] as const) {
      const { page } = await openDashboard(m.email, m.password, size);
      await page.locator('.card').first().waitFor();
      await page.locator('.card').first().focus();
      await page.keyboard.press('h');
      await page.locator('.history').waitFor();
      await page.screenshot({ path: `docs/screenshots/dashboard-${name}.png`, fullPage: name === 'desktop' });
      await page.context().close();
    }
  }, SLOW);
});
