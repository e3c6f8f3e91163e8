import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { MAX_TAG_HEADER_BYTES, articleTag, tagsOf } from '../src/integrations/cdn/cache-headers.js';
import { maskUrl } from '../src/integrations/cdn/purge-config.js';
import { PURGE_RESPONSE_MAX_BYTES, purgeRequest, sendPurge } from '../src/integrations/cdn/purge-request.js';
import { freePort } from './support/ports.js';

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'comments-cdn-')), ...env });

const FASTLY = {
  CDN_PURGE_URL: 'https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge/{tag}',
  CDN_PURGE_HEADERS: '{"Fastly-Key":"fastly-secret-key","Fastly-Soft-Purge":"1"}',
};
const CLOUDFLARE = {
  CDN_PURGE_URL: 'https://api.cloudflare.com/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache',
  CDN_PURGE_HEADERS: 'Authorization: Bearer cf-secret-token',
  CDN_PURGE_BODY: '{"tags":["{tag}"]}',
};

describe('CDN configuration', () => {
  test('unset: no CDN; set: POST by default, s-maxage one day unless CDN_MAX_AGE', () => {
    expect(load({}).cdn).toBeUndefined();
    expect(load(FASTLY).cdn).toEqual({
      purgeUrl: FASTLY.CDN_PURGE_URL,
      method: 'POST',
      headers: [
        ['Fastly-Key', 'fastly-secret-key'],
        ['Fastly-Soft-Purge', '1'],
      ],
      maxAgeSeconds: 86_400,
    });
    expect(load({ ...CLOUDFLARE, CDN_MAX_AGE: '3600', CDN_PURGE_METHOD: 'POST' }).cdn).toMatchObject({ maxAgeSeconds: 3600, headers: [['Authorization', 'Bearer cf-secret-token']] });
    // Several header lines, also as a literal \n where an env file cannot hold a newline.
    expect(load({ CDN_PURGE_URL: 'http://varnish.internal/', CDN_PURGE_METHOD: 'PURGE', CDN_PURGE_HEADERS: 'xkey-purge: {tag}\\nX-Purge-Token: abc' }).cdn?.headers).toEqual([
      ['xkey-purge', '{tag}'],
      ['X-Purge-Token', 'abc'],
    ]);
  });

  test('no {tag} anywhere: the tag goes in a Surrogate-Key header and a {"tags": […]} body; {{tag}} is {tag}', () => {
    expect(load({ CDN_PURGE_URL: 'https://purge.example/purge' }).cdn).toMatchObject({
      purgeUrl: 'https://purge.example/purge',
      method: 'POST',
      headers: [['Surrogate-Key', '{tag}']],
      body: '{"tags":["{tag}"]}',
    });
    expect(load({ CDN_PURGE_URL: 'https://purge.example/purge', CDN_PURGE_METHOD: 'GET' }).cdn).not.toHaveProperty('body');
    expect(load({ CDN_PURGE_URL: 'https://purge.example/purge/{{tag}}' }).cdn).toMatchObject({ purgeUrl: 'https://purge.example/purge/{tag}', headers: [] });
  });

  test.each([
    [{ CDN_PURGE_URL: 'api.fastly.com/purge/{tag}' }, /CDN_PURGE_URL must be an absolute http\(s\) URL with \{tag\}/],
    [{ CDN_PURGE_HEADERS: 'Fastly-Key: k' }, /CDN_PURGE_HEADERS is set but CDN_PURGE_URL is not/],
    [{ ...FASTLY, CDN_PURGE_METHOD: 'SEND' }, /CDN_PURGE_METHOD must be POST, PUT, PATCH, DELETE, GET, PURGE \(got "SEND"\)/],
    [{ ...FASTLY, CDN_MAX_AGE: 'a day' }, /CDN_MAX_AGE must be a whole number/],
    [{ ...CLOUDFLARE, CDN_PURGE_METHOD: 'GET' }, /CDN_PURGE_METHOD is GET, which sends no body/],
    [{ ...FASTLY, CDN_PURGE_HEADERS: '{"Fastly-Key": "secret-1",' }, /CDN_PURGE_HEADERS must be a JSON object .* not valid JSON/],
    [{ ...FASTLY, CDN_PURGE_HEADERS: 'Bearer secret-2' }, /a line has no "Name:"/],
    [{ ...FASTLY, CDN_PURGE_HEADERS: '{"Fastly-Key": 12345}' }, /the value of Fastly-Key must be a single-line string/],
    [{ ...FASTLY, CDN_PURGE_HEADERS: 'Host: secret-3' }, /may not set Host/],
    [{ ...FASTLY, CDN_PURGE_URL: 'https://user:secret-4@purge.example/{tag}?key=secret-5 x' }, /got "https:\/\/user:\*\*\*@purge\.example\/\{tag\}\?key=\*\*\*"/],
  ])('%j is refused with one line, secrets masked', (env, message) => {
    let error: Error | undefined;
    try {
      load(env as Record<string, string>);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(/^Invalid configuration: /);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/secret-\d/);
  });

  test('logs show the URL without passwords or query values', () => {
    expect(maskUrl('https://u:pw@cdn.example/purge/{tag}?token=abc&tag={tag}')).toBe('https://u:***@cdn.example/purge/{tag}?token=***&tag={tag}');
  });
});

describe('tags', () => {
  test('article-<id>; other characters percent-encoded; long ids hashed', () => {
    expect(articleTag('2018-10-30-pompeo-talks')).toBe('article-2018-10-30-pompeo-talks');
    expect(articleTag('속보 1,2')).toBe(`article-${encodeURIComponent('속보 1')}%2C2`);
    expect(articleTag("it's (news)*")).toBe('article-it%27s%20%28news%29%2A');
    const long = articleTag('x'.repeat(200));
    expect(long).toMatch(/^article-%h[0-9a-f]{40}$/);
    expect(articleTag('y'.repeat(200))).not.toBe(long);
  });

  test('a response names its articles up to the bound, and says whether all fit', () => {
    expect(tagsOf(['a', 'b'])).toEqual({ tags: ['article-a', 'article-b'], complete: true });
    const many = Array.from({ length: 100 }, (_, i) => `article-id-${i}-${'z'.repeat(60)}`);
    const { tags, complete } = tagsOf(many);
    expect(complete).toBe(false);
    expect(tags.join(' ').length).toBeLessThanOrEqual(MAX_TAG_HEADER_BYTES);
    expect(tags.length).toBeGreaterThan(15);
  });
});

describe('purge requests', () => {
  test("Fastly's and Cloudflare's purge-by-tag, from their templates", () => {
    expect(purgeRequest(load(FASTLY).cdn!, articleTag('속보-1'))).toEqual({
      url: `https://api.fastly.com/service/SU1Z0isxPaozGVKXdv0eY/purge/${encodeURIComponent(articleTag('속보-1'))}`,
      method: 'POST',
      headers: { 'Fastly-Key': 'fastly-secret-key', 'Fastly-Soft-Purge': '1' },
    });
    expect(purgeRequest(load(CLOUDFLARE).cdn!, 'article-a1')).toEqual({
      url: CLOUDFLARE.CDN_PURGE_URL,
      method: 'POST',
      headers: { Authorization: 'Bearer cf-secret-token', 'content-type': 'application/json' },
      body: '{"tags":["article-a1"]}',
    });
  });

  test('an answer is read up to the bound; a refusal in a 200 and a silent server are failures', async () => {
    const port = await freePort();
    const server = createServer((request, response) => {
      if (request.url === '/big') response.end('x'.repeat(PURGE_RESPONSE_MAX_BYTES * 4));
      else if (request.url === '/refused') response.end('{"success":false,"errors":[{"code":1134}]}');
      else if (request.url === '/silent') return; // never answers
      else response.end('{"status":"ok"}');
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const at = (path: string) => ({ url: `http://127.0.0.1:${port}${path}`, method: 'POST', headers: {} });
      expect(await sendPurge(at('/ok'))).toEqual({ ok: true, status: 200 });
      expect(await sendPurge(at('/big'))).toEqual({ ok: true, status: 200 });
      expect(await sendPurge(at('/refused'))).toMatchObject({ ok: false, status: 200, reason: expect.stringContaining('refused') });
      expect(await sendPurge(at('/silent'), 200)).toEqual({ ok: false, reason: 'no answer within 200 ms' });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
