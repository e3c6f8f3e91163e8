import type { Page } from 'playwright-core';
import { appInChromium } from './support/chromium.js';
import { moderator } from './support/moderators.js';
import { signInToDashboard } from './support/dashboard.js';
import { decided, post, reader } from './support/readers.js';

const SLOW = 90_000;

describe('the rules form of the dashboard in Chromium on sqlite', () => {
  const env = appInChromium('sqlite', SLOW);

  async function openRules(email: string, password: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await signInToDashboard(env.browser, env.app.url, email, password, { height: 900 });
    await opened.page.locator('a[data-view=rules]').click();
    await opened.page.getByRole('heading', { name: 'Rules' }).waitFor();
    return opened;
  }

  test('an admin edits the lists, a built-in and compares without JSON; the saved version has exactly those changes; a moderator only reads', async () => {
    const r = await reader(env.app);
    const { id } = await (await post(r, 'rules-form', { body: 'the zorblax is nice' })).json();
    expect((await decided(r, id)).status).toBe('published');

    const admin = await moderator(env.app, 'admin');
    const before = (await (await admin.api.get('/api/moderation/rules')).json()).ruleSet;
    const removed = before.bannedWords.find((w: unknown) => typeof w === 'string' && w !== 'zorblax') as string;
    const { page, problems } = await openRules(admin.email, admin.password);
    await page.locator('#rules-version[data-version="1"]').waitFor();

    const banned = page.getByRole('group', { name: /^Banned words/ });
    const add = banned.getByLabel('Add to banned words (Enter adds)');
    const count = banned.locator('.count');
    const message = banned.getByRole('status');
    expect(await count.textContent()).toBe(`${before.bannedWords.length} words`);
    expect(await page.getByLabel('Rule set (JSON)').isVisible()).toBe(false);

    // Enter adds (trimmed); empties and duplicates are refused with a message
    await add.fill('  zorblax ');
    await add.press('Enter');
    await message.filter({ hasText: '“zorblax” added to banned words.' }).waitFor();
    expect(await add.inputValue()).toBe('');
    await add.fill('ZORBLAX');
    await add.press('Enter');
    await message.filter({ hasText: '“ZORBLAX” is already in the list.' }).waitFor();
    await add.fill('   ');
    await banned.getByRole('button', { name: 'Add', exact: true }).click();
    await message.filter({ hasText: 'Type a word first.' }).waitFor();
    expect(await count.textContent()).toBe(`${before.bannedWords.length + 1} words`);

    // remove one, by its accessible name
    await banned.getByRole('button', { name: `Remove ${removed}`, exact: true }).click();
    await message.filter({ hasText: `“${removed}” removed from banned words.` }).waitFor();
    expect(await banned.locator(`li[data-word="${removed}"]`).count()).toBe(0);

    // the search filters what is shown and counts it; object entries show their match mode
    const search = banned.getByLabel('Search banned words');
    await search.fill('ZORB');
    expect(await count.textContent()).toBe(`1 of ${before.bannedWords.length}`);
    expect(await banned.locator('li').allTextContents()).toEqual([expect.stringContaining('zorblax')]);
    const object = before.bannedWords.find((w: unknown) => typeof w === 'object' && (w as { match?: string }).match === 'substring') as { word: string };
    await search.fill(object.word);
    await banned.locator(`li[data-word="${object.word}"] .match`, { hasText: 'inside words' }).waitFor();
    await search.fill('');

    // a built-in switched off
    const variants = page.getByRole('checkbox', { name: 'Sound-alike spellings' });
    expect(await variants.isChecked()).toBe(true);
    await variants.uncheck();

    // the comparison uses the form's draft
    await page.getByRole('button', { name: 'Compare with recent comments' }).click();
    const row = page.locator('#dry-run-changes tr[data-change=published-rejected]');
    await row.waitFor();
    expect(await row.locator('td').nth(1).textContent()).toBe('1');
    expect(await page.locator(`#dry-run li[data-id="${id}"] mark.finding`).textContent()).toBe('zorblax');

    // the advanced view shows the same draft; bad JSON keeps it from going back
    const expected = structuredClone(before);
    expected.bannedWords = [...before.bannedWords.filter((w: unknown) => w !== removed), 'zorblax'];
    expected.builtins.variants = false;
    await page.getByRole('button', { name: 'Advanced (JSON)' }).click();
    const editor = page.getByLabel('Rule set (JSON)');
    expect(JSON.parse(await editor.inputValue())).toEqual(expected);
    const good = await editor.inputValue();
    await editor.fill('{ "bannedWords": [');
    await page.getByRole('button', { name: 'Form', exact: true }).click();
    expect(await page.locator('#rules-error').textContent()).toMatch(/^Fix the JSON before going back to the form\. Not valid JSON: /);
    expect(await banned.isVisible()).toBe(false);
    await editor.fill(good);
    await page.getByRole('button', { name: 'Form', exact: true }).click();
    await banned.waitFor();
    expect(await editor.isVisible()).toBe(false);
    expect(await count.textContent()).toBe(`${expected.bannedWords.length} words`);

    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.locator('#rules-version[data-version="2"]').waitFor();
    const saved = (await (await admin.api.get('/api/moderation/rules')).json()).ruleSet;
    expect(saved).toEqual(expected);
    expect(problems).toEqual([]);

    const mod = await moderator(env.app);
    const view = await openRules(mod.email, mod.password);
    await view.page.locator('#rules-version[data-version="2"]').waitFor();
    const modBanned = view.page.getByRole('group', { name: /^Banned words/ });
    await modBanned.locator('li[data-word="zorblax"]').waitFor();
    expect(await modBanned.getByRole('textbox', { name: /^Add to/ }).count()).toBe(0);
    expect(await modBanned.getByRole('button', { name: /^Remove / }).count()).toBe(0);
    expect(await view.page.getByRole('checkbox', { name: 'Sound-alike spellings' }).isDisabled()).toBe(true);
    expect(await view.page.getByRole('checkbox', { name: 'Sound-alike spellings' }).isChecked()).toBe(false);
    expect(await view.page.getByRole('combobox', { name: 'Verdict for Banned word' }).isDisabled()).toBe(true);
    expect(await view.page.getByRole('button', { name: 'Save as new version' }).count()).toBe(0);
    expect(view.problems).toEqual([]);
  }, SLOW);

  test('a list of 10,000 words shows a few hundred at a time and the search finds the rest', async () => {
    const admin = await moderator(env.app, 'admin');
    const { version, ruleSet } = await (await admin.api.get('/api/moderation/rules')).json();
    const words = Array.from({ length: 10_000 }, (_, i) => `plonk${String(i).padStart(5, '0')}`);
    const saved = await admin.api.put('/api/moderation/rules', { ruleSet: { ...ruleSet, suspectWords: words }, expectedVersion: version });
    expect(saved.status).toBe(200);

    const { page, problems } = await openRules(admin.email, admin.password);
    const suspect = page.getByRole('group', { name: /^Suspect words/ });
    await suspect.locator('li').first().waitFor();
    expect(await suspect.locator('.count').textContent()).toBe('10000 words');
    expect(await suspect.locator('li').count()).toBe(200);
    expect(await suspect.locator('.note').textContent()).toBe('Showing 200 of 10000; search to find the others.');

    await suspect.getByLabel('Search suspect words').fill('plonk0999');
    expect(await suspect.locator('.count').textContent()).toBe('10 of 10000');
    expect(await suspect.locator('li').count()).toBe(10);
    expect(await suspect.locator('.note').textContent()).toBe('');
    await suspect.getByRole('button', { name: 'Remove plonk09995', exact: true }).click();
    expect(await suspect.locator('.count').textContent()).toBe('9 of 9999');
    // focus moves to the next word's button, not back to the top of the page
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Remove plonk09996');
    expect(problems).toEqual([]);
  }, SLOW);
});
