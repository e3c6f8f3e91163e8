import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { signInToDashboard } from './support/dashboard.js';
import { moderator } from './support/moderators.js';
import { startReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const SLOW = 90_000;

// The API is tested on both databases (webhooks.e2e.spec.ts); this is the dashboard's tab.
describe.each(['sqlite'] as const)('the Webhooks tab in Chromium on %s', (kind) => {
  let t: TestApp;
  let browser: Browser;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    [t, browser, receiver] = await Promise.all([startTestApp(kind, { WEBHOOK_ALLOW_PRIVATE: 'true' }), launchChromium(), startReceiver()]);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  }, SLOW);

  test('an admin adds an endpoint (secret shown once), sends a test and reads it in the delivery log; text stays text', async () => {
    const admin = await moderator(t, 'admin');
    const { page, problems } = await signInToDashboard(browser, t.url, admin.email, admin.password);
    await page.getByRole('link', { name: /Webhooks/ }).click();
    await page.getByText('No webhook endpoints yet.').waitFor();

    await page.getByLabel('URL').fill(receiver.url('/desk'));
    await page.getByLabel('Description').fill('<b>Desk</b> chat');
    await page.getByLabel('Format').selectOption('slack');
    await page.getByRole('checkbox', { name: 'comment.reported' }).check();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = page.locator('input.one-time-secret');
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);

    const row = page.locator('tr[data-webhook]');
    await row.waitFor();
    expect(await row.locator('strong').textContent()).toBe('<b>Desk</b> chat'); // as text, not markup
    expect(await row.locator('td.state').textContent()).toBe('On');
    expect(await row.locator('small').textContent()).toContain(`whsec_…${(await secret.inputValue()).slice(-4)}`);

    await row.getByRole('button', { name: 'Send test' }).click();
    const delivered = await receiver.next('/desk');
    expect(delivered.json.text).toMatch(/^Test message from the comment service/);
    const logRow = page.locator('table.deliveries tr[data-status="delivered"]');
    // The tab opens the log after a test; refresh until the worker's attempt is in it.
    await page.waitForFunction(() => {
      const refresh = document.querySelector<HTMLButtonElement>('button[data-action=refresh-log]');
      if (document.querySelector('table.deliveries tr[data-status="delivered"]')) return true;
      refresh?.click();
      return false;
    }, undefined, { polling: 250 });
    expect(await logRow.locator('td').nth(1).textContent()).toBe('webhook.test');
    expect(await logRow.locator('td.status').textContent()).toBe('Delivered');
    expect(await logRow.locator('td').nth(3).textContent()).toBe('200');

    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No webhook endpoints yet.').waitFor();
    expect(problems).toEqual([]);
  }, SLOW);
});
