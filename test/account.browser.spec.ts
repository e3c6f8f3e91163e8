import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { Sql } from '../src/db/sql.js';
import { AccountDeletions } from '../src/readers/account/account-deletions.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/** The reader's data and account in the widget, in Chromium: download the export, delete the account, cancel, and how a deleted author shows. */
describe.each(['sqlite'] as const)('my data and my account in the widget on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 720, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
    context.setDefaultTimeout(8000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test('"Download my data" saves the export; "Delete my account" asks, then shows the date with "Cancel deletion" (also after a reload); cancelling ends it', async () => {
    const article = `account-${kind}`;
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/${article}`);
    let frame = await widgetFrame(page);
    await signInByPopup(page, frame, 'Export Eun');

    const [download] = await Promise.all([page.waitForEvent('download'), frame.click('.cw-download-data')]);
    expect(download.suggestedFilename()).toMatch(/^comments-data-[0-9a-f-]+\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported.profile).toMatchObject({ displayName: 'Export Eun', provider: 'twitter' });

    await frame.click('.cw-delete-account-open');
    await frame.waitForSelector('.cw-delete-account >> text=You can cancel until the date shown next.');
    await frame.click('.cw-confirm-delete-account');
    await frame.waitForSelector('.cw-deletion >> text=Your account will be deleted on');
    expect(await frame.isVisible('.cw-delete-account')).toBe(false);
    const [row] = await t.app.get(Sql).rows<{ deletion_at: unknown }>("SELECT deletion_at FROM commenters WHERE display_name = 'Export Eun'");
    expect(row!.deletion_at).not.toBeNull();

    await page.reload();
    frame = await widgetFrame(page);
    await frame.waitForSelector('.cw-deletion >> text=Your account will be deleted on');
    await frame.click('.cw-cancel-deletion');
    await frame.waitForSelector('.cw-notice >> text=The deletion of your account was cancelled.');
    expect(await frame.isVisible('.cw-deletion')).toBe(false);
    const [after] = await t.app.get(Sql).rows<{ deletion_at: unknown }>("SELECT deletion_at FROM commenters WHERE display_name = 'Export Eun'");
    expect(after!.deletion_at).toBeNull();
    await page.close();
  });

  test('a deleted account\'s comment shows "Deleted account" / "탈퇴한 회원"', async () => {
    const article = `deleted-author-${kind}`;
    const gone = await reader(t, 'Soon Gone');
    const response = await post(gone, article, { body: 'A comment that outlives its account.' });
    const { id } = await response.json();
    expect((await decided(gone, id)).status).toBe('published');
    expect((await gone.api.request('DELETE', '/api/me')).status).toBe(202);
    await t.app.get(Sql).run('UPDATE commenters SET deletion_at = $1 WHERE id = $2', [new Date(Date.now() - 1000), gone.id]);
    await t.app.get(AccountDeletions).sweep();
    await waitFor(async () => (await t.app.get(Sql).rows<{ status: string }>('SELECT status FROM commenters WHERE id = $1', [gone.id]))[0]!.status === 'deleted', 20_000, 'the deletion');

    for (const [lang, name] of [['en', 'Deleted account'], ['ko', '탈퇴한 회원']] as const) {
      const page = await context.newPage();
      await page.goto(`${siteUrl}/article/${article}?lang=${lang}`);
      const frame = await widgetFrame(page);
      await frame.waitForSelector(`.cw-item[data-id="${id}"] .cw-name >> text=${name}`);
      await page.close();
    }
  });
});
