import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Commenter } from '../src/auth/commenter.entity.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { newsSite, widgetFrame, signInByPopup } from './support/news-site.js';
import { signInToDashboard } from './support/dashboard.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { freePort } from './support/ports.js';
import { decided, post, reader } from './support/readers.js';

/** Sanctions as people see them: the reader's warning banner in the widget, the desk's author panel. */

describe.each(['sqlite'] as const)('sanctions in Chromium on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let desk: SignedInModerator;

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    t = await startTestApp(kind, { ALLOWED_ORIGINS: siteUrl, COMMENT_RATE_LIMIT: '1000' });
    site = newsSite(t.url);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    desk = await moderator(t);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test.each([
    ['en', 'A message from the editors', 'I understand'],
    ['ko', '편집자의 안내', '확인했습니다'],
  ] as const)('the widget (%s) shows a warning, as text, on every article until the reader presses the button', async (lang, title, button) => {
    const context = await browser.newContext({ viewport: { width: 720, height: 1000 } });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/warned-${lang}-1?lang=${lang}`);
    let frame = await widgetFrame(page);
    await signInByPopup(page, frame, `Warned ${lang}`);
    expect(await frame.locator('.cw-warning').count()).toBe(0);
    const readerId = (await t.app.get(DataSource).getRepository(Commenter).findOneByOrFail({ displayName: `Warned ${lang}` })).id;

    const message = 'Keep it civil: <b>no insults</b>.';
    expect((await desk.api.post(`/api/moderation/commenters/${readerId}/warn`, { message })).status).toBe(201);

    // Another article of the site: the banner is there, read out (role=alert), the markup shown as text.
    await page.goto(`${siteUrl}/article/warned-${lang}-2?lang=${lang}`);
    frame = await widgetFrame(page);
    const banner = frame.getByRole('alert').filter({ hasText: title });
    await banner.waitFor();
    expect(await banner.locator('.cw-warning-message').textContent()).toBe(message);
    expect(await banner.locator('b').count()).toBe(0);

    // The keyboard reaches the real button; Enter acknowledges.
    await banner.getByRole('button', { name: button }).focus();
    const ack = page.waitForResponse((r) => r.url().includes('/acknowledge'));
    await page.keyboard.press('Enter');
    expect((await ack).status()).toBe(204);
    await banner.waitFor({ state: 'detached' });
    const profile = await (await desk.api.get(`/api/moderation/commenters/${readerId}`)).json();
    expect(profile.warnings).toEqual([expect.objectContaining({ message, acknowledgedAt: expect.any(String) })]);

    await page.goto(`${siteUrl}/article/warned-${lang}-3?lang=${lang}`);
    frame = await widgetFrame(page);
    await frame.waitForSelector('.cw-me');
    expect(await frame.locator('.cw-warning').count()).toBe(0);
    await context.close();
  }, 60_000);

  test("the dashboard's author panel adds a note and toggles pre-moderation", async () => {
    const author = await reader(t, 'Panel Author');
    const response = await post(author, 'panel-article', { body: 'The minister is an idiot' });
    const { id } = await response.json();
    expect((await decided(author, id)).status).toBe('in_review');

    const { page, problems } = await signInToDashboard(browser, t.url, desk.email, desk.password);
    const card = page.locator(`#c-${id}`);
    await card.waitFor({ timeout: 10_000 });
    await card.focus();
    await page.keyboard.press('h');
    const panel = page.getByRole('region', { name: /Panel Author/ }).getByRole('group', { name: 'Sanctions' });
    await panel.waitFor();

    // A comment arriving live redraws the queue while the moderator types: the note survives, and so does the cursor's place.
    await panel.getByLabel('Note for the desk').pressSequentially('Second hold this week;');
    const other = await reader(t, 'Another Author');
    const { id: arriving } = await (await post(other, 'panel-article', { body: 'What an idiot thing to say' })).json();
    await page.locator(`#c-${arriving}`).waitFor({ timeout: 10_000 });
    expect(await panel.getByLabel('Note for the desk').inputValue()).toBe('Second hold this week;');
    await page.keyboard.type(' check the links.');
    expect(await panel.getByLabel('Note for the desk').inputValue()).toBe('Second hold this week; check the links.');
    await panel.getByRole('button', { name: 'Add note' }).click();
    await panel.locator('.notes li', { hasText: 'Second hold this week; check the links.' }).waitFor();
    expect(await panel.locator('.notes li .note-by').textContent()).toContain(desk.email);
    const notes = (await (await desk.api.get(`/api/moderation/commenters/${author.id}`)).json()).notes;
    expect(notes).toEqual([expect.objectContaining({ text: 'Second hold this week; check the links.', createdBy: { id: desk.id, email: desk.email } })]);

    await panel.getByRole('button', { name: 'Pre-moderate' }).click();
    await panel.getByRole('button', { name: 'Stop pre-moderating' }).waitFor();
    expect((await (await desk.api.get(`/api/moderation/commenters/${author.id}`)).json()).premoderated).toBe(true);
    await panel.getByRole('button', { name: 'Stop pre-moderating' }).click();
    await panel.getByRole('button', { name: 'Pre-moderate' }).waitFor();
    expect((await (await desk.api.get(`/api/moderation/commenters/${author.id}`)).json()).premoderated).toBe(false);

    // Warn asks for the message first.
    await panel.getByRole('button', { name: 'Warn', exact: true }).click();
    await panel.getByLabel(/Message to the reader/).fill('Please stop the name-calling.');
    await panel.getByRole('button', { name: 'Send warning' }).click();
    await panel.locator('.warnings li', { hasText: 'Please stop the name-calling.' }).waitFor();
    expect(await (await author.api.get('/api/me/warnings')).json()).toEqual({ items: [expect.objectContaining({ message: 'Please stop the name-calling.' })] });

    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
