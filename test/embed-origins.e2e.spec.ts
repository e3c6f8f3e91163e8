import { randomBytes } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { REFUSAL } from '../src/widget/widget-page.js';
import { startTestApp, type TestApp } from './support/app.js';

interface Answer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

/** A request with the Host and Origin a browser elsewhere would send (fetch does not let a test set Host). */
function send(t: TestApp, method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  const { port } = new URL(t.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ statusCode: res.statusCode!, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject).end();
  });
}

function get(t: TestApp, path: string, headers: Record<string, string>): Promise<Answer> {
  return send(t, 'GET', path, headers);
}

function directive(csp: unknown, name: string): string {
  return String(csp).split('; ').find((d) => d.startsWith(`${name} `)) ?? '';
}

const SITE = 'https://news.example';
const OTHER = 'https://elsewhere.example';

describe('GET /api/embed/check: may this page show the comment box?', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { ALLOWED_ORIGINS: SITE });
  });
  afterAll(() => t.close());

  test('readable from any site, cached briefly per Origin', async () => {
    const response = await fetch(`${t.url}/api/embed/check`, { headers: { origin: SITE } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('vary')).toMatch(/\borigin\b/i);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(await response.json()).toEqual({ allowed: true });
  });

  test('a site not in ALLOWED_ORIGINS: refused, with the refusal page\'s sentence in both languages', async () => {
    const response = await fetch(`${t.url}/api/embed/check`, { headers: { origin: OTHER } });
    expect(await response.json()).toEqual({ allowed: false, message: { en: REFUSAL.en, ko: REFUSAL.ko } });
  });

  test('the service\'s own pages (no Origin on a same-origin GET) are allowed', async () => {
    expect(await (await fetch(`${t.url}/api/embed/check`)).json()).toEqual({ allowed: true });
    expect(await (await fetch(`${t.url}/api/embed/check`, { headers: { origin: t.config.publicOrigin } })).json()).toEqual({ allowed: true });
  });

  test('the refusal page stays for direct iframe loads', async () => {
    const response = await fetch(`${t.url}/widget?articleId=a&host=${encodeURIComponent(OTHER)}&lang=ko`);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain(REFUSAL.ko);
  });
});

describe('development: the service reached at another address than PUBLIC_URL', () => {
  let t: TestApp;
  let port: string;
  const lan = () => `http://192.168.1.5:${port}`;

  beforeAll(async () => {
    t = await startTestApp('sqlite', (url) => ({ PUBLIC_URL: url.replace('127.0.0.1', 'localhost'), ALLOWED_ORIGINS: SITE }));
    port = new URL(t.url).port;
  });
  afterAll(() => t.close());

  test('the demo embeds the widget from the address it was opened at', async () => {
    const page = (await get(t, '/', { host: `127.0.0.1:${port}` })).body;
    expect(page).toContain(`<script src="http://127.0.0.1:${port}/embed.js" async></script>`);
    expect(page).toContain(`data-article-url="http://127.0.0.1:${port}/"`);
    // The emulator takes 127.0.0.1 for localhost: sign-in works there, nothing to set.
    expect(page).not.toContain('public-url-hint');
  });

  test('at a LAN address the page says exactly what PUBLIC_URL sign-in needs', async () => {
    const page = (await get(t, '/', { host: `192.168.1.5:${port}` })).body;
    expect(page).toContain(`<script src="${lan()}/embed.js" async></script>`);
    expect(page).toContain(`<code>PUBLIC_URL=${lan()}</code>`);
    expect(page).toContain(`<code>http://localhost:${port}</code>`);
  });

  test('the widget may be framed by the page at that address, and talks to the sign-in popup there', async () => {
    const response = await get(t, `/widget?articleId=a&host=${encodeURIComponent(lan())}`, { host: `192.168.1.5:${port}` });
    expect(response.statusCode).toBe(200);
    expect(directive(response.headers['content-security-policy'], 'frame-ancestors')).toBe(`frame-ancestors http://localhost:${port} ${SITE} ${lan()}`);
    expect(response.body).toContain(`"origin":"${lan()}"`);
    // Reached at localhost (PUBLIC_URL) it is framed by PUBLIC_URL's and the sites' pages only.
    const own = await get(t, `/widget?articleId=a&host=${encodeURIComponent(lan())}`, { host: `localhost:${port}` });
    expect(own.statusCode).toBe(403);
    expect(directive(own.headers['content-security-policy'], 'frame-ancestors')).toBe(`frame-ancestors http://localhost:${port} ${SITE}`);
  });

  test('the check answers for the address the service was reached at, and no other', async () => {
    const here = await get(t, '/api/embed/check', { host: `192.168.1.5:${port}`, origin: lan() });
    expect(here.json()).toEqual({ allowed: true });
    const there = await get(t, '/api/embed/check', { host: `localhost:${port}`, origin: lan() });
    expect(there.json()).toMatchObject({ allowed: false });
  });

  test('a Host header that is not a host name changes nothing', async () => {
    const page = (await get(t, '/', { host: 'evil.example/"><script>' })).body;
    expect(page).toContain(`<script src="http://localhost:${port}/embed.js" async></script>`);
    expect(page).not.toContain('<script>');
  });
});

describe('production (DEMO_PAGE=true): the Host header widens nothing', () => {
  let t: TestApp;
  let port: string;

  beforeAll(async () => {
    t = await startTestApp('sqlite', { NODE_ENV: 'production', AUTH_SECRET: randomBytes(32).toString('hex'), METRICS_PUBLIC: 'true', DEMO_PAGE: 'true', ALLOWED_ORIGINS: SITE });
    port = new URL(t.url).port;
  });
  afterAll(() => t.close());

  test('the demo, the widget, the check and the Origin check all stay on PUBLIC_URL', async () => {
    const other = `http://localhost:${port}`;
    const headers = { host: `localhost:${port}` };
    const page = (await get(t, '/', headers)).body;
    expect(page).toContain(`<script src="${t.config.publicUrl}/embed.js" async></script>`);
    expect(page).not.toContain('public-url-hint');

    const widget = await get(t, `/widget?articleId=a&host=${encodeURIComponent(other)}`, headers);
    expect(widget.statusCode).toBe(403);
    expect(directive(widget.headers['content-security-policy'], 'frame-ancestors')).toBe(`frame-ancestors ${t.config.publicOrigin} ${SITE}`);
    expect(directive(widget.headers['content-security-policy'], 'img-src')).toBe("img-src 'self' data: https:");
    const framed = await get(t, `/widget?articleId=a`, headers);
    expect(framed.body).toContain(`"origin":"${t.config.publicOrigin}"`);

    expect((await get(t, '/api/embed/check', { ...headers, origin: other })).json()).toMatchObject({ allowed: false });
    const logout = await send(t, 'POST', '/auth/logout', { ...headers, origin: other });
    expect(logout.statusCode).toBe(403);
    expect(logout.json()).toMatchObject({ error: 'FORBIDDEN_ORIGIN' });
  });
});
