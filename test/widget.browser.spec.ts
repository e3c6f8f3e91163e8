import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { measureComment } from '../src/comments/comment-length.js';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { freePort } from './support/ports.js';
import { decided, post, reader, waitFor } from './support/readers.js';

/**
 * The widget as readers get it: a news article on another site (localhost) embedding the
 * service (127.0.0.1) in headless Chromium with third-party cookies blocked.
 * SCREENSHOTS=1 also saves docs/screenshots/*.png; the measurements go to stdout and, with
 * PERF_OUT=<file>, to that file as JSON.
 */

const SHOTS = process.env.SCREENSHOTS === '1';
const HANGUL_250 = '가'.repeat(250);

function articleHtml(serviceUrl: string, articleId: string, lang: string, second: string | null): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Article ${articleId}</title><style>body{font:17px/1.6 Georgia,serif;max-width:680px;margin:0 auto;padding:16px}</style></head>
<body><h1>Article ${articleId}</h1><p>Body of the story.</p>
<div data-comments data-article-id="${articleId}" data-article-title="Article ${articleId}" data-lang="${lang}"></div>
${second ? `<h2>Related</h2><div data-comments data-article-id="${second}" data-theme-accent="#b3261e"></div>` : ''}
<script src="${serviceUrl}/embed.js" async></script></body></html>`;
}

/** A news site: /article/<id>?lang=ko|en embeds the widget; /frame/<id> frames /widget directly. */
function newsSite(serviceUrl: string, allowedHost: string): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, kind, id = 'x'] = url.pathname.split('/');
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (kind === 'article') return res.end(articleHtml(serviceUrl, id, url.searchParams.get('lang') ?? 'en', url.searchParams.get('second')));
    // Claims to be an allowed site in ?host=: CSP frame-ancestors must still refuse it.
    if (kind === 'frame') return res.end(`<!doctype html><iframe id="w" src="${serviceUrl}/widget?articleId=${id}&host=${encodeURIComponent(allowedHost)}"></iframe>`);
    res.statusCode = 404;
    res.end();
  });
}

async function listen(server: Server): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return port;
}

async function widgetFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector('[data-comments] iframe');
  const frame = await handle.contentFrame();
  if (!frame) throw new Error('no widget frame');
  await frame.waitForSelector('.cw-root');
  return frame;
}

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  const dir = join(process.cwd(), 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.locator('[data-comments] iframe').screenshot({ path: join(dir, `${name}.png`) });
}

describe('comment widget in Chromium with third-party cookies blocked', () => {
  let t: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let site: Server;
  let otherSite: Server;
  let siteUrl: string;
  let otherUrl: string;
  let desk: SignedInModerator;

  /** A moderator approves over the moderation API, as the dashboard would. */
  async function approve(...ids: string[]): Promise<void> {
    const response = await desk.api.post('/api/moderation/comments/bulk', { ids, action: 'approve' });
    expect(response.status).toBe(200);
    const { results } = await response.json();
    expect(results.every((r: { ok?: boolean; status?: string; error?: string }) => !r.error)).toBe(true);
  }

  beforeAll(async () => {
    const sitePort = await freePort();
    siteUrl = `http://localhost:${sitePort}`;
    const rules = join(tmpdir(), `widget-rules-${sitePort}.json`);
    writeFileSync(rules, JSON.stringify({ mode: 'pre', bannedWords: [], suspectWords: [], links: 'review' }));
    t = await startTestApp('sqlite', { ALLOWED_ORIGINS: siteUrl, RULES_FILE: rules, COMMENT_RATE_LIMIT: '1000' });
    desk = await moderator(t);
    site = newsSite(t.url, siteUrl);
    await new Promise<void>((resolve) => site.listen(sitePort, '127.0.0.1', resolve));
    otherSite = newsSite(t.url, siteUrl);
    otherUrl = `http://localhost:${await listen(otherSite)}`;
    browser = await launchChromium(['--test-third-party-cookie-phaseout']);
    context = await browser.newContext({ viewport: { width: 720, height: 900 }, locale: 'en-GB' });
    context.setDefaultTimeout(8000); // fail with the step that hangs, well inside the test timeout
  });

  afterAll(async () => {
    await browser?.close();
    site?.close();
    otherSite?.close();
    await t?.close();
  });

  test('third-party cookies and storage are blocked in the cross-site frame, and the widget still works', async () => {
    const page = await context.newPage();
    // A cookie the service sets while first-party…
    await page.goto(`${t.url}/standards`);
    await page.evaluate(() => (document.cookie = 'probe=first-party; Path=/; SameSite=None; Secure'));
    expect(await page.evaluate(() => document.cookie)).toContain('probe=first-party');
    // …is not visible inside the same service framed by another site, and storage throws.
    await page.goto(`${siteUrl}/article/probe?second=probe-2`);
    const frame = await widgetFrame(page);
    const seen = await frame.evaluate(() => {
      const attempt = (f: () => unknown) => {
        try {
          f();
          return 'ok';
        } catch (e) {
          return (e as Error).name;
        }
      };
      return {
        cookie: document.cookie,
        local: attempt(() => localStorage.getItem('x')),
        session: attempt(() => sessionStorage.getItem('x')),
        storage: document.documentElement.dataset.storage,
      };
    });
    expect(seen.cookie).not.toContain('probe');
    expect(seen.local).toBe('SecurityError');
    expect(seen.session).toBe('SecurityError');
    expect(seen.storage).toBe('partitioned-cookie');
    await frame.waitForSelector('text=To write comments, please log in');

    // Several boxes on one page: each gets its own frame, sized on its own, themed by its data attributes.
    const frames = page.locator('[data-comments] iframe');
    expect(await frames.count()).toBe(2);
    const second = (await (await frames.nth(1).elementHandle())!.contentFrame())!;
    await second.waitForSelector('.cw-root');
    expect(await second.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--cw-accent').trim())).toBe('#b3261e');
    expect(await second.evaluate(() => (JSON.parse(document.getElementById('widget-settings')!.textContent!) as { articleId: string }).articleId)).toBe('probe-2');
    await waitFor(async () => {
      const heights = await frames.evaluateAll((els) => els.map((f) => (f as HTMLIFrameElement).style.height));
      return heights.every((h) => h !== '320px');
    }, 5000, 'both frames sized');
    await page.close();
  });

  test('sign in by popup, count to 250, submit, pending, approved live, report', async () => {
    const page = await context.newPage();
    const frameRequests: string[] = [];
    page.on('request', (request) => {
      if (request.frame() !== page.mainFrame()) frameRequests.push(request.url());
    });
    await page.goto(`${siteUrl}/article/story-1`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('text=To write comments, please log in');
    await frame.waitForSelector('.cw-list[aria-busy="false"]', { state: 'attached' });
    // The host page sized the iframe to its content.
    await waitFor(async () => (await page.locator('[data-comments] iframe').evaluate((f) => (f as HTMLIFrameElement).style.height)) !== '320px', 5000, 'iframe resize');
    await shot(page, 'signed-out');

    // Sign in through the emulator, in a popup: the page never navigates away.
    const [popup] = await Promise.all([page.waitForEvent('popup'), frame.click('button[data-provider="twitter"]')]);
    await popup.waitForSelector('#name');
    await popup.fill('#name', 'Widget Reader');
    await Promise.all([popup.waitForEvent('close'), popup.click('button.allow')]);
    expect(page.url()).toBe(`${siteUrl}/article/story-1`);
    const textarea = frame.locator('#cw-body');
    await textarea.waitFor();
    expect(await frame.textContent('.cw-me-name')).toContain('Widget Reader');
    expect(await frame.getAttribute('.cw-policy', 'href')).toBe(`${t.url}/standards`);
    expect(await frame.textContent('.cw-policy')).toBe('Standards Board Policy');

    // 250 Hangul syllables: 250/250 and allowed; the 251st is counted, warned about and blocked.
    const counter = frame.locator('#cw-counter');
    const submit = frame.locator('.cw-submit');
    expect(await counter.getAttribute('aria-live')).toBe('polite');
    await textarea.fill(HANGUL_250);
    await waitFor(async () => (await counter.textContent()) === '250/250', 2000, 'counter 250/250');
    expect(await submit.isDisabled()).toBe(false);
    expect(await counter.getAttribute('class')).not.toContain('cw-warn');
    await textarea.press('End');
    await textarea.pressSequentially('나');
    await waitFor(async () => (await counter.textContent()) === '251/250', 2000, 'counter 251/250');
    expect(await submit.isDisabled()).toBe(true);
    expect(await counter.getAttribute('class')).toContain('cw-warn');
    expect(await textarea.getAttribute('aria-invalid')).toBe('true');
    // A long paste is shown in full and counted, not cut.
    await textarea.fill('가'.repeat(300));
    await waitFor(async () => (await counter.textContent()) === '300/250', 2000, 'counter 300/250');
    expect((await textarea.inputValue()).length).toBe(300);
    // (English, so the screenshots read well on machines without Korean fonts.)
    const comment = 'Good to see a compromise at last.\nThe childcare subsidy is what matters for young families.';
    await textarea.fill(comment);
    await waitFor(async () => (await counter.textContent()) === `${measureComment(comment).length}/250`, 2000, 'counter of the comment');
    expect(measureComment(comment).length).toBe(comment.length);
    await shot(page, 'composing');

    const [submitted] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/articles/story-1/comments')),
      submit.click(),
    ]);
    expect(submitted.headers().authorization).toMatch(/^Bearer /);
    expect(submitted.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    await frame.waitForSelector('.cw-notice >> text=Your comment is awaiting moderation');
    const own = frame.locator('.cw-mine .cw-own');
    await own.waitFor();
    const commentId = (await own.getAttribute('data-id'))!;
    expect(await textarea.inputValue()).toBe('');
    await shot(page, 'pending');

    // Only the author sees it: the public list is still empty.
    const list = await (await fetch(`${t.url}/api/articles/story-1/comments`)).json();
    expect(list.items).toHaveLength(0);

    // A moderator approves; the comment moves into the list live (server-sent events).
    // The rules (pre-moderation here) send it to review; the author's box follows its status.
    await frame.waitForSelector(`.cw-own[data-id="${commentId}"][data-status="in_review"]`);
    expect(await frame.textContent(`.cw-own[data-id="${commentId}"] .cw-badge`)).toBe('Being reviewed by an editor');
    await approve(commentId);
    await frame.waitForSelector(`.cw-list .cw-item[data-id="${commentId}"]`);
    expect(await frame.textContent('.cw-count')).toBe('1');
    await frame.waitForSelector('.cw-mine', { state: 'hidden' });
    await frame.waitForSelector('.cw-notice >> text=Your comment is awaiting moderation', { state: 'detached' });
    expect(await frame.textContent(`.cw-item[data-id="${commentId}"] .cw-body`)).toBe(comment);
    // The author cannot report their own comment.
    expect(await frame.locator(`.cw-item[data-id="${commentId}"] .cw-report`).count()).toBe(0);

    // Another reader reports it: log out, sign in as someone else, pick a reason.
    await frame.click('.cw-logout');
    await frame.waitForSelector('text=To write comments, please log in');
    const [popup2] = await Promise.all([page.waitForEvent('popup'), frame.click('button[data-provider="facebook"]')]);
    await popup2.waitForSelector('#name');
    await popup2.fill('#name', 'Second Reader');
    await Promise.all([popup2.waitForEvent('close'), popup2.click('button.allow')]);
    await frame.locator('#cw-body').waitFor();
    if (SHOTS) {
      // A fuller list for the picture: two more readers' comments, published (and shown live).
      for (const [name, body] of [
        ['Park Ji-hoon', 'Cutting regional projects right before local elections will be a hard sell in my province.'],
        ['Emma Lee', 'Finally some good news for parents. Hope the March start date holds.'],
      ]) {
        const r = await reader(t, name);
        const { id } = await (await post(r, 'story-1', { body })).json();
        await decided(r, id);
        await approve(id);
      }
      await waitFor(async () => (await frame.locator('.cw-item').count()) === 3, 5000, 'three comments');
    }
    await shot(page, 'list');
    await frame.click(`.cw-item[data-id="${commentId}"] .cw-report`);
    await frame.selectOption(`.cw-item[data-id="${commentId}"] select`, 'off_topic');
    await frame.fill(`.cw-item[data-id="${commentId}"] input[name="note"]`, 'not about the budget');
    const [reportResponse] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/api/comments/${commentId}/reports`)),
      frame.click(`.cw-item[data-id="${commentId}"] .cw-report-form button[type="submit"]`),
    ]);
    expect(reportResponse.request().postDataJSON()).toEqual({ reason: 'off_topic', note: 'not about the budget' });
    expect(reportResponse.status()).toBeLessThan(300);
    await frame.waitForSelector(`.cw-item[data-id="${commentId}"] .cw-reported`);

    // Nothing but the service was asked for anything from inside the frame.
    expect(frameRequests.length).toBeGreaterThan(0);
    expect(frameRequests.filter((url) => !url.startsWith(t.url + '/'))).toEqual([]);
    await page.close();
  });

  test('the reader stays signed in on the next article of the same site (partitioned cookie), in Korean', async () => {
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/story-2?lang=ko`);
    const frame = await widgetFrame(page);
    await frame.locator('#cw-body').waitFor();
    expect(await frame.textContent('.cw-policy')).toBe('게시판 운영 원칙');
    expect(await frame.textContent('.cw-title')).toContain('댓글');

    // API errors in words, in the reader's language: the wait of a RATE_LIMITED answer.
    await page.route('**/api/articles/story-2/comments', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 429, headers: { 'retry-after': '42' }, contentType: 'application/json', body: JSON.stringify({ statusCode: 429, error: 'RATE_LIMITED', message: 'Too many comments', retryAfter: 42 }) })
        : route.continue(),
    );
    await frame.fill('#cw-body', '너무 빠른 댓글');
    await frame.click('.cw-submit');
    await frame.waitForSelector('.cw-notice.cw-error >> text=42초 후에 다시 시도해 주세요');
    expect(await frame.inputValue('#cw-body')).toBe('너무 빠른 댓글'); // kept for another try
    await page.unroute('**/api/articles/story-2/comments');

    // A comment a moderator rejects shows its reason to its author only.
    await frame.click('.cw-submit');
    await frame.waitForSelector('.cw-notice >> text=댓글이 검토를 기다리고 있습니다');
    const own = frame.locator('.cw-mine .cw-own[data-status="in_review"]');
    await own.waitFor();
    const rejectedId = (await own.getAttribute('data-id'))!;
    expect((await desk.api.post(`/api/moderation/comments/${rejectedId}/reject`, { reason: 'off_topic' })).status).toBe(200);
    await frame.waitForSelector(`.cw-own[data-id="${rejectedId}"][data-status="rejected"] >> text=사유: 기사와 무관한 내용`, { timeout: 15_000 });
    expect(await frame.textContent(`.cw-own[data-id="${rejectedId}"] .cw-badge`)).toBe('게시되지 않음');

    await frame.click('.cw-logout');
    await frame.waitForSelector('text=댓글을 쓰려면 로그인해 주세요');

    // Keyboard only: Tab reaches the first sign-in button, its focus is visible, Enter opens the popup.
    await frame.click('.cw-title');
    await page.keyboard.press('Tab');
    const focused = await frame.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { provider: el.dataset.provider, outline: getComputedStyle(el).outlineStyle, text: el.textContent };
    });
    expect(focused).toEqual({ provider: 'twitter', outline: 'solid', text: 'Twitter로 로그인' });
    const [popup] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('Enter')]);
    await popup.close();
    await page.close();
  });

  test('comments closed by a moderator: the open widget drops its form live, and gets it back on reopening', async () => {
    const articleId = `closing-${Date.now()}`;
    const settings = (body: unknown) => desk.api.patch(`/api/moderation/articles/${articleId}`, body);
    const page = await context.newPage();
    await page.goto(`${siteUrl}/article/${articleId}?lang=ko`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('.cw-providers');
    await frame.waitForFunction(() => document.documentElement.dataset.ready === '1');

    expect((await settings({ commentsOpen: false })).status).toBe(200);
    await frame.getByText('이 기사의 댓글 쓰기는 닫혔습니다.').waitFor(); // Korean, live over the event stream
    expect(await frame.locator('.cw-providers, textarea').count()).toBe(0);

    // A reader opening the article now gets the notice from the list itself (a new context: the
    // list's max-age=5 lets a browser that loaded it seconds ago reuse it).
    const fresh = await browser.newContext({ locale: 'en-GB' });
    const again = await fresh.newPage();
    await again.goto(`${siteUrl}/article/${articleId}?lang=en`);
    await (await widgetFrame(again)).getByText('Comments are closed on this article.').waitFor();
    await fresh.close();

    expect((await settings({ commentsOpen: true })).status).toBe(200);
    await frame.waitForSelector('.cw-providers');
    expect(await frame.locator('.cw-closed').count()).toBe(0);
    await page.close();
  });

  test('a site not in ALLOWED_ORIGINS cannot frame the widget', async () => {
    const page = await context.newPage();
    // Through embed.js: the service's check refuses, and the box says so instead of making a frame.
    await page.goto(`${otherUrl}/article/story-1`);
    await page.getByText('Comments cannot be shown on this site.').waitFor();
    expect(await page.locator('iframe').count()).toBe(0);
    // The widget page itself answers with a refusal, and the policy forbids the frame anyway.
    const refused = await page.request.get(`${t.url}/widget?articleId=story-1&host=${encodeURIComponent(otherUrl)}`);
    expect(refused.status()).toBe(403);
    const csp = refused.headers()['content-security-policy']!;
    expect(csp).toMatch(/frame-ancestors /);
    expect(csp).not.toContain(otherUrl);
    expect(csp).toContain(siteUrl);

    // Framing /widget directly while claiming to be an allowed site: the browser refuses to render it.
    const [framed] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${t.url}/widget?`)), page.goto(`${otherUrl}/frame/story-1`)]);
    expect(framed.status()).toBe(200);
    expect(framed.headers()['content-security-policy']).not.toContain(otherUrl);
    const frame = await (await page.waitForSelector('#w')).contentFrame();
    const rendered = await frame!.evaluate(() => Boolean(document.querySelector('.cw-root'))).catch(() => false);
    expect(rendered).toBe(false);
    await page.close();
  });

  test('measures: first render of 20 comments, and sizes', async () => {
    // 25 published comments from one reader, through the real API.
    const author = await reader(t, 'Perf Reader');
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const response = await post(author, 'perf', { body: `Comment number ${i}: 정책 토론이 필요합니다.` });
      expect(response.status).toBe(202);
      ids.push((await response.json()).id);
    }
    for (const id of ids) await decided(author, id);
    await approve(...ids);

    const page = await context.newPage();
    const bodies: Array<{ url: string; gzip: number }> = [];
    page.on('response', async (response) => {
      if (response.frame() === page.mainFrame() || response.status() >= 300) return;
      if (response.url().includes('/events')) return; // the live stream never ends
      const body = await response.body().catch(() => null);
      if (body) bodies.push({ url: response.url(), gzip: gzipSync(body, { level: 9 }).length });
    });
    const started = Date.now();
    await page.goto(`${siteUrl}/article/perf`);
    const frame = await widgetFrame(page);
    await frame.waitForSelector('.cw-list .cw-item:nth-child(20)');
    const wallMs = Date.now() - started;
    const inFrameMs = await frame.evaluate(() => performance.getEntriesByName('cw-first-render')[0]?.startTime ?? -1);
    expect(await frame.locator('.cw-list .cw-item').count()).toBe(20);
    expect(await frame.textContent('.cw-count')).toBe('25');
    expect(await frame.isVisible('.cw-more')).toBe(true);
    // Loading more brings the other five.
    await frame.click('.cw-more');
    await frame.waitForSelector('.cw-list .cw-item:nth-child(25)');
    expect(await frame.isHidden('.cw-more')).toBe(true);
    await frame.waitForSelector('img.cw-avatar[loading="lazy"]', { state: 'attached' });

    const embedGzip = gzipSync(readFileSync(join(process.cwd(), 'dist/public/embed.js')), { level: 9 }).length;
    await waitFor(async () => bodies.some((b) => b.url.includes('/widget/widget.js')), 2000, 'bodies collected');
    const iframeGzip = bodies.reduce((sum, b) => sum + b.gzip, 0);
    const measures = { wallMs, inFrameMs: Math.round(inFrameMs), embedGzip, iframeGzip, iframeResources: bodies.map((b) => `${new URL(b.url).pathname} ${b.gzip}`) };
    // eslint-disable-next-line no-console
    console.log('widget measures', JSON.stringify(measures, null, 2));
    if (process.env.PERF_OUT) writeFileSync(process.env.PERF_OUT, JSON.stringify(measures, null, 2));
    expect(embedGzip).toBeLessThanOrEqual(5 * 1024);
    expect(iframeGzip).toBeLessThanOrEqual(60 * 1024);
    await page.close();
  });
});
