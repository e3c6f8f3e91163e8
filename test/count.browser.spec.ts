import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './support/app.js';
import { launchChromium } from './support/chromium.js';
import { freePort } from './support/ports.js';
import { decided, post, reader } from './support/readers.js';

/**
 * count.js as a news site's index page uses it: the page on another origin (localhost) loads the
 * script from the service (127.0.0.1), asynchronously, in headless Chromium.
 */

const STORY = 'count-2018-10-30-pompeo-talks';
const KOREAN = 'count-속보,정상회담'; // a comma inside the id
const UNKNOWN = 'count-never-commented';

function page(serviceUrl: string, body: string): string {
  return `<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>뉴스</title></head><body>
${body}
<script src="${serviceUrl}/count.js" async></script></body></html>`;
}

function indexSite(serviceUrl: string): Server {
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    if (path === '/') {
      return res.end(
        page(
          serviceUrl,
          `<ul>
<li><a href="/a">Pompeo talks</a> <span id="plain" data-comment-count="${STORY}">…</span></li>
<li><a href="/b">정상회담 속보</a> <span id="korean" data-comment-count="${KOREAN}" data-comment-count-template="댓글 {n}">…</span></li>
<li><a href="/c">Weather</a> <span id="markup" data-comment-count="${UNKNOWN}" data-comment-count-template="&lt;b&gt;{n}&lt;/b&gt; comments">…</span></li>
</ul>`,
        ),
      );
    }
    // 250 articles, each shown twice (a headline and a teaser).
    if (path === '/many') {
      const items = Array.from({ length: 500 }, (_, i) => `<span data-comment-count="many-${i % 250}"></span>`).join('\n');
      return res.end(page(serviceUrl, items));
    }
    if (path === '/none') return res.end(page(serviceUrl, '<p>No counts on this page.</p>'));
    res.statusCode = path === '/favicon.ico' ? 204 : 404; // no console error for the icon
    res.end();
  });
}

describe('count.js on an index page of another site, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  const errors: string[] = [];

  async function open(path: string): Promise<{ page: Page; countRequests: string[] }> {
    const tab = await browser.newPage();
    tab.setDefaultTimeout(8000);
    const countRequests: string[] = [];
    tab.on('request', (request) => {
      if (request.url().startsWith(`${t.url}/api/counts`)) countRequests.push(request.url());
    });
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await tab.goto(`${siteUrl}${path}`);
    return { page: tab, countRequests };
  }

  beforeAll(async () => {
    t = await startTestApp('sqlite', { COMMENT_RATE_LIMIT: '1000' });
    const r = await reader(t);
    const bodies = ['좋은 기사 감사합니다.', 'A fair account of the talks.', '정상회담 소식 잘 읽었습니다.'];
    for (const [articleId, body] of [[STORY, bodies[0]], [STORY, bodies[1]], [KOREAN, bodies[2]]] as const) {
      const { id } = await (await post(r, articleId, { body })).json();
      expect((await decided(r, id)).status).toBe('published');
    }
    const port = await freePort();
    siteUrl = `http://localhost:${port}`;
    site = indexSite(t.url);
    await new Promise<void>((resolve) => site.listen(port, '127.0.0.1', resolve));
    browser = await launchChromium();
  }, 60_000);

  afterEach(() => {
    expect(errors.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    site?.close();
    await t?.close();
  });

  test('every [data-comment-count] shows its count, through the template when there is one, as text', async () => {
    const { page: tab, countRequests } = await open('/');
    await tab.waitForFunction(() => [...document.querySelectorAll('[data-comment-count]')].every((e) => e.textContent !== '…'));
    expect(await tab.textContent('#plain')).toBe('2');
    expect(await tab.textContent('#korean')).toBe('댓글 1');
    // A template is text: markup in it is shown, never made into elements.
    expect(await tab.textContent('#markup')).toBe('<b>0</b> comments');
    expect(await tab.locator('#markup b').count()).toBe(0);
    expect(countRequests).toHaveLength(1);
    expect(countRequests[0]).toBe(`${t.url}/api/counts?articleIds=${[STORY, KOREAN, UNKNOWN].map(encodeURIComponent).join(',')}`);
    await tab.close();
  });

  test('one request per 100 distinct ids', async () => {
    const { page: tab, countRequests } = await open('/many');
    await tab.waitForFunction(() => [...document.querySelectorAll('[data-comment-count]')].every((e) => e.textContent === '0'));
    expect(countRequests).toHaveLength(3);
    const asked = countRequests.map((url) => new URL(url).searchParams.get('articleIds')!.split(','));
    expect(asked.map((ids) => ids.length)).toEqual([100, 100, 50]);
    expect(new Set(asked.flat()).size).toBe(250);
    await tab.close();
  });

  test('a page without counts: no request, no error; newsComments.count() counts what was added later', async () => {
    const { page: tab, countRequests } = await open('/none');
    await tab.waitForFunction(() => typeof (window as unknown as { newsComments?: { count?: unknown } }).newsComments?.count === 'function');
    expect(countRequests).toEqual([]);
    await tab.evaluate((id) => {
      const span = document.createElement('span');
      span.id = 'late';
      span.dataset.commentCount = id;
      document.body.append(span);
      (window as unknown as { newsComments: { count(): void } }).newsComments.count();
    }, STORY);
    await tab.waitForFunction(() => document.getElementById('late')!.textContent === '2');
    expect(countRequests).toHaveLength(1);
    await tab.close();
  });
});
