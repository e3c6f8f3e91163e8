import type { Page } from 'playwright-core';
import { appInChromium } from './support/chromium.js';
import { moderator } from './support/moderators.js';
import { signInToDashboard } from './support/dashboard.js';
import { decided, post, reader } from './support/readers.js';

/** SCREENSHOTS=1 also writes docs/screenshots/dashboard-rules.png. */
const SLOW = 90_000;

// The browser sees the same API on either database (the e2e suites run both): one is enough here.
describe.each(['sqlite'] as const)('the rules page of the dashboard in Chromium on %s', (kind) => {
  const env = appInChromium(kind, SLOW);

  async function openRules(email: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await signInToDashboard(env.browser, env.app.url, email, password, {
      height: 900,
      // A draft with errors is refused with 400: the page shows the errors.
      expected: (r) => r.status() === 400 && r.url().includes('/api/moderation/rules'),
    });
    await opened.page.locator('a[data-view=rules]').click();
    await opened.page.getByRole('heading', { name: 'Rules' }).waitFor();
    // The form is the default view; this suite edits the JSON (advanced) view.
    await opened.page.getByRole('button', { name: 'Advanced (JSON)' }).click();
    return opened;
  }

  test('an admin compares a draft with recent comments, sees field errors, saves it; a moderator only reads', async () => {
    const r = await reader(env.app);
    const { id } = await (await post(r, `${kind}-rules-page`, { body: 'the quibbleflux is nice' })).json();
    expect((await decided(r, id)).status).toBe('published');

    const admin = await moderator(env.app, 'admin');
    const { page, problems } = await openRules(admin.email, admin.password);
    await page.locator('#rules-version[data-version="1"]').waitFor();
    const editor = page.getByLabel('Rule set (JSON)');
    const ruleSet = JSON.parse(await editor.inputValue());
    ruleSet.bannedWords.push('quibbleflux');

    // the comparison next to the editor
    await editor.fill(JSON.stringify(ruleSet, null, 2));
    await page.getByRole('button', { name: 'Compare with recent comments' }).click();
    const row = page.locator('#dry-run-changes tr[data-change=published-rejected]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('1');
    expect(await page.locator(`#dry-run li[data-id="${id}"] mark.finding`).textContent()).toBe('quibbleflux');
    if (process.env.SCREENSHOTS === '1' && kind === 'sqlite') await page.screenshot({ path: 'docs/screenshots/dashboard-rules.png' });
    expect(await page.locator('#dry-run-summary').textContent()).toMatch(/^1 comments judged in \d+ ms; 1 would end differently\.$/);

    // errors say what is wrong and where; nothing is saved
    await editor.fill('{ "bannedWords": [');
    await page.getByRole('button', { name: 'Save as new version' }).click();
    expect(await page.locator('#rules-error').textContent()).toMatch(/^Not valid JSON: /);
    await editor.fill(JSON.stringify({ ...ruleSet, rules: { link: { denyDomains: ['not a domain'] } } }));
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.locator('#rules-error', { hasText: 'rules.link.denyDomains.0: a domain such as example.com' }).waitFor();

    await editor.fill(JSON.stringify(ruleSet, null, 2));
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.locator('#rules-version[data-version="2"]').waitFor();
    expect(await page.locator('#rules-status').textContent()).toContain('version 2 is active');
    expect(await page.locator('#rules-version').textContent()).toContain(admin.email);
    const active = await (await admin.api.get('/api/moderation/rules')).json();
    expect(active.ruleSet.bannedWords).toContain('quibbleflux');
    const again = await (await post(r, `${kind}-rules-page`, { body: 'the quibbleflux strikes again' })).json();
    expect(await decided(r, again.id)).toMatchObject({ status: 'rejected', reason: 'banned_word' });
    expect(problems).toEqual([]);

    const mod = await moderator(env.app);
    const view = await openRules(mod.email, mod.password);
    await view.page.locator('#rules-version[data-version="2"]').waitFor();
    expect(await view.page.getByLabel('Rule set (JSON)').getAttribute('readonly')).not.toBeNull();
    expect(await view.page.getByRole('button', { name: 'Save as new version' }).count()).toBe(0);
    await view.page.getByText('Only admins can change the rules.').waitFor();
    expect(view.problems).toEqual([]);
  }, SLOW);
});
