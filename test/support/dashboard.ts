import type { Browser, Page, Response } from 'playwright-core';

export interface DashboardOptions {
  width?: number;
  height?: number;
  locale?: string;
  /** false: the live event stream is cut off (the dashboard must say so and keep working). */
  live?: boolean;
  /** Error responses the test expects besides the signed-out check (e.g. a refused draft). */
  expected?: (response: Response) => boolean;
}

/**
 * Opens /moderation in a fresh browser context and signs in. `problems` collects what should never
 * happen: unexpected error responses, page errors, requests leaving the service.
 */
export async function signInToDashboard(
  browser: Browser,
  baseUrl: string,
  email: string,
  password: string,
  options: DashboardOptions = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, locale: options.locale ?? 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (options.live === false) await page.route('**/api/moderation/events', (route) => route.abort());
  const problems: string[] = [];
  // The signed-out check (GET /api/moderation/session → 401) is expected; other failures are not.
  const signedOutCheck = (r: Response) => r.status() === 401 && r.url().endsWith('/api/moderation/session');
  page.on('response', (r) => r.status() >= 400 && !signedOutCheck(r) && !options.expected?.(r) && problems.push(`${r.status()} ${r.url()}`));
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => !r.url().startsWith(baseUrl) && problems.push(`outside request: ${r.url()}`));
  await page.goto(`${baseUrl}/moderation`);
  await page.getByLabel(/email|이메일/i).fill(email);
  await page.getByLabel(/password|비밀번호/i).fill(password);
  await page.getByRole('button', { name: /sign in|로그인/i }).click();
  return { page, problems };
}
