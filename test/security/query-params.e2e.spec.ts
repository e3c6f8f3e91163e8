import { startTestApp, type TestApp } from '../support/app.js';
import { Browser } from '../support/browser.js';
import { moderator, type SignedInModerator } from '../support/moderators.js';
import { reader, type Reader } from '../support/readers.js';

type Who = 'anyone' | 'reader' | 'moderator';

const ARTICLE = 'query-article';
const ZERO = '00000000-0000-0000-0000-000000000000';

/** Every documented query parameter of every route (docs/api.md, @Query and @ApiQuery), with whom to send it as. */
const PARAMETERS: [who: Who, path: string, name: string][] = [
  ['anyone', `/api/articles/${ARTICLE}/comments`, 'limit'],
  ['anyone', `/api/articles/${ARTICLE}/comments`, 'cursor'],
  ['reader', '/api/me/comments', 'articleId'],
  ['moderator', '/api/moderation/queue', 'queue'],
  ['moderator', '/api/moderation/queue', 'articleId'],
  ['moderator', '/api/moderation/queue', 'cursor'],
  ['moderator', '/api/moderation/queue', 'limit'],
  ['moderator', '/api/moderation/queue/counts', 'articleId'],
  ['moderator', '/api/moderation/log', 'commentId'],
  ['moderator', '/api/moderation/log', 'moderatorId'],
  ['moderator', '/api/moderation/log', 'commenterId'],
  ['moderator', '/api/moderation/log', 'cursor'],
  ['moderator', '/api/moderation/log', 'limit'],
  ['moderator', '/api/moderation/rules/versions', 'cursor'],
  ['moderator', '/api/moderation/rules/versions', 'limit'],
  ['anyone', '/auth/twitter', 'returnTo'],
  ['anyone', '/auth/twitter', 'popup'],
  ['anyone', '/auth/facebook', 'returnTo'],
  ['anyone', '/auth/facebook', 'popup'],
  ['anyone', '/auth/twitter/callback', 'oauth_token'],
  ['anyone', '/auth/twitter/callback', 'oauth_verifier'],
  ['anyone', '/auth/twitter/callback', 'denied'],
  ['anyone', '/auth/facebook/callback', 'code'],
  ['anyone', '/auth/facebook/callback', 'state'],
  ['anyone', '/auth/facebook/callback', 'error'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'host'],
  ['anyone', '/widget', 'articleId'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'lang'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'comment'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'url'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'title'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'theme-accent'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'theme-text'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'theme-muted'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'theme-background'],
  ['anyone', `/widget?articleId=${ARTICLE}`, 'theme-font'],
  ['anyone', '/widget/widget.js', 'v'],
  ['anyone', '/widget/widget.css', 'v'],
  ['anyone', '/', 'lang'],
  ['anyone', '/_emulator/twitter/oauth/authenticate', 'oauth_token'],
  ['anyone', '/_emulator/facebook/dialog/oauth', 'state'],
  ['anyone', '/_emulator/facebook/me', 'fields'],
  ['anyone', '/api/email/confirm', 'token'],
  ['anyone', '/api/email/unsubscribe', 'token'],
];

describe('a query parameter given twice', () => {
  let t: TestApp;
  let as: Record<Who, Browser>;
  let r: Reader;
  let mod: SignedInModerator;

  beforeAll(async () => {
    t = await startTestApp('sqlite');
    [r, mod] = await Promise.all([reader(t), moderator(t)]);
    as = { anyone: new Browser(t.url), reader: r.api, moderator: mod.api };
  });
  afterAll(() => t.close());

  test.each(PARAMETERS)('as %s: %s with %s twice → 400 VALIDATION_FAILED naming it', async (who, path, name) => {
    const values = name.endsWith('Id') ? [ZERO, ZERO] : ['a', 'b'];
    const url = `${path}${path.includes('?') ? '&' : '?'}${name}=${values[0]}&${name}=${values[1]}`;
    const response = await as[who].get(url);
    expect([url, response.status]).toEqual([url, 400]);
    expect(await response.json()).toEqual({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.stringContaining('more than once'), field: name });
  });

  test('also a parameter no route reads, and empty values', async () => {
    for (const url of [`/api/articles/${ARTICLE}/comments?utm_source=a&utm_source=b`, '/api/me/comments?articleId=&articleId=']) {
      const response = await r.api.get(url);
      expect([url, response.status, (await response.json()).error]).toEqual([url, 400, 'VALIDATION_FAILED']);
    }
  });

  test('each given once still works', async () => {
    expect((await new Browser(t.url).get(`/api/articles/${ARTICLE}/comments?limit=5`)).status).toBe(200);
    expect((await r.api.get(`/api/me/comments?articleId=${ARTICLE}`)).status).toBe(200);
    expect((await mod.api.get(`/api/moderation/queue?queue=review&articleId=${ARTICLE}&limit=5`)).status).toBe(200);
    expect((await mod.api.get(`/api/moderation/log?commentId=${ZERO}&limit=5`)).status).toBe(200);
  });

  test.each(['0x10', '1e1', '5.0', ' 5', '0', '101', '-1'])('limit=%s is refused on every route that takes one: digits only, 1 to 100', async (limit) => {
    const q = encodeURIComponent(limit);
    for (const [who, url] of [
      ['anyone', `/api/articles/${ARTICLE}/comments?limit=${q}`],
      ['moderator', `/api/moderation/queue?limit=${q}`],
      ['moderator', `/api/moderation/log?limit=${q}`],
    ] as const) {
      const response = await as[who].get(url);
      expect([url, response.status, (await response.json()).field]).toEqual([url, 400, 'limit']);
    }
  });
});
