import { randomUUID } from 'node:crypto';
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { ModerateComment } from '../src/moderation/worker/moderate-comment.js';
import { Article } from '../src/comments/article.entity.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';

const HANGUL_250 = '가'.repeat(250);

describe.each(DATABASES)('comments on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-${name}-${Date.now()}`;

  test('a clean comment is accepted, moderated by the rules and published', async () => {
    const r = await reader(t);
    const id = article('clean');
    const response = await post(r, id, { body: '  좋은 기사 감사합니다. Thanks for the reporting!  ', articleUrl: 'https://news.example.com/a', articleTitle: 'Pompeo talks' });
    expect(response.status).toBe(202);
    const accepted = await response.json();
    expect(accepted).toEqual({ id: expect.any(String), status: 'pending', createdAt: expect.any(String) });
    expect(await decided(r, accepted.id)).toMatchObject({ status: 'published', reason: null });

    const list = await (await fetch(`${t.url}/api/articles/${id}/comments`)).json();
    expect(list.total).toBe(1);
    expect(list.nextCursor).toBeNull();
    expect(list.items).toEqual([
      {
        id: accepted.id,
        body: '좋은 기사 감사합니다. Thanks for the reporting!',
        author: { id: r.id, displayName: expect.any(String), avatarUrl: expect.any(String), provider: 'twitter' },
        publishedAt: expect.any(String),
        parentId: null,
        replyCount: 0,
        likes: 0,
        dislikes: 0,
        editedAt: null,
        featured: false,
      },
    ]);
    // anyone may read a published comment
    expect((await fetch(`${t.url}/api/comments/${accepted.id}`)).status).toBe(200);
  });

  test.each([
    ['banned word', 'What a fucking disgrace', 'rejected', 'banned_word'],
    ['banned word, Korean, with a particle', '이 씨발놈아', 'rejected', 'banned_word'],
    ['banned word in full-width letters', 'ｆｕｃｋ this', 'rejected', 'banned_word'],
    ['suspect word', 'The minister is an idiot', 'in_review', null],
    ['link', 'Read more at https://example.org/story', 'in_review', null],
    ['innocent look-alike (whole-word matching)', 'A classic assessment of the class', 'published', null],
  ])('%s → %s', async (_name, body, status, reason) => {
    const r = await reader(t);
    const { id } = await (await post(r, article('rules'), { body })).json();
    const result = await decided(r, id);
    expect(result.status).toBe(status);
    if (status === 'rejected') expect(result.reason).toBe(reason);
    // not published, so invisible to others
    if (status !== 'published') expect((await fetch(`${t.url}/api/comments/${id}`)).status).toBe(404);
  });

  test('a writer\'s repeat is held with its reason, shown to its author; numbers make texts different', async () => {
    const r = await reader(t);
    const id = article('numbers');
    const first = await (await post(r, id, { body: 'See page 1 of the report for the figures.' })).json();
    expect(await decided(r, first.id)).toMatchObject({ status: 'published', reason: null });
    const other = await (await post(r, id, { body: 'See page 11 of the report for the figures.' })).json();
    expect(await decided(r, other.id)).toMatchObject({ status: 'published', reason: null });
    const repeat = await (await post(r, id, { body: 'see page 1 of the report, for the figures!' })).json();
    expect(await decided(r, repeat.id)).toMatchObject({ status: 'in_review', reason: 'duplicate_self' });
  });

  test('a moderator sees a held or rejected comment with its status and reason; other readers do not', async () => {
    const author = await reader(t);
    const other = await reader(t);
    const desk = await moderator(t);
    const { id: held } = await (await post(author, article('mod-view'), { body: 'The minister is an idiot' })).json();
    const { id: refused } = await (await post(author, article('mod-view'), { body: 'What a fucking disgrace' })).json();
    expect((await decided(author, held)).status).toBe('in_review');
    expect((await decided(author, refused)).status).toBe('rejected');

    for (const client of [desk.api, desk.dashboard]) {
      const heldView = await client.get(`/api/comments/${held}`);
      expect(heldView.status).toBe(200);
      expect(heldView.headers.get('cache-control')).toBe('no-store');
      expect(await heldView.json()).toMatchObject({ id: held, status: 'in_review', reason: 'suspect_word', body: 'The minister is an idiot' });
      expect(await (await client.get(`/api/comments/${refused}`)).json()).toMatchObject({ id: refused, status: 'rejected', reason: 'banned_word' });
    }
    expect((await other.api.get(`/api/comments/${held}`)).status).toBe(404);
    expect((await other.api.get(`/api/comments/${refused}`)).status).toBe(404);
    // A signed-out moderator token is no key: treated as the bad credential it is.
    expect((await desk.api.request('DELETE', '/api/moderation/session')).status).toBeLessThan(300);
    const stale = await desk.api.get(`/api/comments/${held}`);
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ statusCode: 401, error: 'UNAUTHENTICATED' });
  });

  test('rule findings point at the span of the original text', async () => {
    const r = await reader(t);
    const body = 'Well, ＦＵＣＫ that.';
    const { id } = await (await post(r, article('span'), { body })).json();
    await decided(r, id);
    const dataSource = t.app.get(DataSource);
    const [row] = await dataSource.query(`SELECT findings FROM comments WHERE id = $1`.replace('$1', kind === 'sqlite' ? '?' : '$1'), [id]);
    const findings = JSON.parse(row.findings);
    expect(findings[0]).toMatchObject({ rule: 'banned_word', verdict: 'reject', start: 6, end: 10, excerpt: 'ＦＵＣＫ' });
  });

  describe('the 250-character limit', () => {
    let r: Reader;
    beforeAll(async () => {
      r = await reader(t);
    });

    test.each([
      ['250 Hangul syllables', HANGUL_250],
      ['250 family emoji (ZWJ sequences)', '👨‍👩‍👧‍👦'.repeat(250)],
      ['250 flags', '🇰🇷'.repeat(250)],
      ['250 letters with combining marks', 'e\u0301\u0323'.repeat(250)],
      ['250 decomposed Hangul (NFC makes 250 syllables)', '가'.normalize('NFD').repeat(250)],
    ])('%s pass', async (_name, body) => {
      const response = await post(r, article('limit'), { body }, { 'idempotency-key': `ok-${_name.replace(/\W+/g, '-')}` });
      expect(response.status).toBe(202);
    });

    test.each([
      ['251 Hangul syllables', HANGUL_250 + '가', 251],
      ['251 emoji', '😀'.repeat(251), 251],
    ])('%s fail with COMMENT_TOO_LONG, length and limit', async (_name, body, length) => {
      const response = await post(r, article('limit'), { body });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ statusCode: 400, error: 'COMMENT_TOO_LONG', message: expect.any(String), length, limit: 250 });
    });

    test('more than 2,000 code points is too long even when it looks short (Zalgo)', async () => {
      const zalgo = ('a' + '\u0300'.repeat(30)).repeat(100); // 100 graphemes, 3,000 code points after NFC
      const response = await post(r, article('limit'), { body: zalgo });
      expect(response.status).toBe(400);
      expect((await response.json()).error).toBe('COMMENT_TOO_LONG');
    });

    test('a body over 16 KB is refused before parsing', async () => {
      const response = await post(r, article('limit'), { body: '가'.repeat(6000) });
      expect(response.status).toBe(413);
      expect((await response.json()).error).toBe('PAYLOAD_TOO_LARGE');
    });
  });

  describe('bad input', () => {
    let r: Reader;
    beforeAll(async () => {
      r = await reader(t);
    });

    test.each([
      ['white space only', { body: ' \n\t ' }, 400, 'COMMENT_EMPTY'],
      ['a lone surrogate', { body: 'broken \ud800 text' }, 400, 'VALIDATION_FAILED'],
      ['a control character', { body: 'bell \u0007 here' }, 400, 'VALIDATION_FAILED'],
      ['an escape sequence', { body: '\u001b[31mred' }, 400, 'VALIDATION_FAILED'],
      ['a number for body', { body: 42 }, 400, 'VALIDATION_FAILED'],
      ['no body', {}, 400, 'VALIDATION_FAILED'],
      ['an unknown field', { body: 'hi', status: 'published' }, 400, 'VALIDATION_FAILED'],
      ['a javascript: article URL', { body: 'hi', articleUrl: 'javascript:alert(1)' }, 400, 'VALIDATION_FAILED'],
      ['an array', ['hi'], 400, 'VALIDATION_FAILED'],
    ])('%s → %i %s', async (_name, body, status, error) => {
      const response = await post(r, article('bad'), body);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual({ statusCode: status, error, message: expect.any(String), ...(error === 'VALIDATION_FAILED' ? { field: expect.any(String) } : {}) });
    });

    test('newlines and tabs are kept; CRLF becomes LF', async () => {
      const response = await post(r, article('bad'), { body: 'line one\r\nline\ttwo' });
      const { id } = await response.json();
      expect((await (await r.api.get(`/api/comments/${id}`)).json()).body).toBe('line one\nline\ttwo');
    });

    test('without credentials: 401 UNAUTHENTICATED', async () => {
      const response = await fetch(`${t.url}/api/articles/x/comments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"body":"hi"}' });
      expect(response.status).toBe(401);
      expect((await response.json()).error).toBe('UNAUTHENTICATED');
    });

    test('a cookie-authenticated POST from a foreign site is refused (CSRF); our own pages and bearer tokens pass', async () => {
      const { Browser } = await import('./support/browser.js');
      const { signIn } = await import('./support/sign-in.js');
      const b = new Browser(t.url);
      await signIn(b, 'twitter');
      const path = `/api/articles/${article('csrf')}/comments`;
      const foreign = await b.post(path, { body: 'forged' }, { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(await foreign.json()).toEqual({ statusCode: 403, error: 'FORBIDDEN_ORIGIN', message: expect.any(String) });
      expect((await b.post(path, { body: 'from our own page' }, { origin: new URL(t.url).origin })).status).toBe(202);
      const r = await reader(t);
      expect((await post(r, article('csrf'), { body: 'widget' }, { origin: 'https://news.example' })).status).toBe(202);
    });

    test('article ids up to 200 characters are fine; longer ones are not', async () => {
      expect((await post(r, `${kind}-${'a'.repeat(190)}`, { body: 'long id' })).status).toBe(202);
      // Characters as PostgreSQL's varchar(200) counts them: code points, so 200 astral emoji fit.
      const emoji = await post(r, '😀'.repeat(200), { body: 'emoji id' });
      expect(emoji.status).toBe(202);
      expect((await r.api.get(`/api/comments/${(await emoji.json()).id}`)).status).toBe(200);
      expect((await post(r, '기'.repeat(200), { body: 'Hangul id' })).status).toBe(202);
      for (const id of ['a'.repeat(201), '😀'.repeat(201), '기'.repeat(201)]) {
        const response = await post(r, id, { body: 'hi' });
        expect(response.status).toBe(400);
        expect(await response.json()).toMatchObject({ error: 'VALIDATION_FAILED', field: 'articleId' });
      }
    });

    test('limit and cursor are checked', async () => {
      for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=garbage']) {
        const response = await fetch(`${t.url}/api/articles/x/comments?${query}`);
        expect(response.status).toBe(400);
        expect((await response.json()).error).toBe('VALIDATION_FAILED');
      }
    });
  });

  test('a banned commenter gets 403 COMMENTER_BANNED; a closed article 403 COMMENTS_CLOSED', async () => {
    const r = await reader(t);
    const dataSource = t.app.get(DataSource);
    const closed = article('closed');
    await post(r, closed, { body: 'first' });
    await dataSource.createQueryBuilder().update(Article).set({ commentsOpen: false }).where('id = :id', { id: closed }).execute();
    const onClosed = await post(r, closed, { body: 'second' });
    expect(onClosed.status).toBe(403);
    expect((await onClosed.json()).error).toBe('COMMENTS_CLOSED');

    const desk = await moderator(t);
    expect((await desk.api.post(`/api/moderation/commenters/${r.id}/ban`, { reason: 'abuse' })).status).toBe(200);
    const banned = await post(r, article('open'), { body: 'hello' });
    expect(banned.status).toBe(403);
    expect((await banned.json()).error).toBe('COMMENTER_BANNED');
  });

  test('the sixth comment within a minute is RATE_LIMITED with Retry-After', async () => {
    const r = await reader(t);
    const id = article('rate');
    for (let i = 0; i < 5; i++) expect((await post(r, id, { body: `comment ${i}` })).status).toBe(202);
    const sixth = await post(r, id, { body: 'one too many' });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await sixth.json()).error).toBe('RATE_LIMITED');
    // another reader is not affected
    expect((await post(await reader(t), id, { body: 'mine' })).status).toBe(202);
  });

  test('refused comments do not count towards the limit: six tries on a closed article, then five accepted', async () => {
    const r = await reader(t);
    const desk = await moderator(t);
    const closed = article('rate-closed');
    const close = await desk.api.patch(`/api/moderation/articles/${closed}`, { commentsOpen: false });
    expect(close.status).toBe(200);
    for (let i = 0; i < 6; i++) {
      const refused = await post(r, closed, { body: `closed ${i}` }, i % 2 ? { 'idempotency-key': `closed-${i}` } : {});
      expect([refused.status, (await refused.json()).error]).toEqual([403, 'COMMENTS_CLOSED']);
    }
    const open = article('rate-open');
    for (let i = 0; i < 5; i++) expect((await post(r, open, { body: `open ${i}` })).status).toBe(202);
    expect((await post(r, open, { body: 'one too many' })).status).toBe(429);
  });

  test('the same Idempotency-Key returns the first comment; ten at once make one comment', async () => {
    const r = await reader(t);
    const id = article('idem');
    const first = await (await post(r, id, { body: 'once' }, { 'idempotency-key': 'k-1' })).json();
    const again = await (await post(r, id, { body: 'once' }, { 'idempotency-key': 'k-1' })).json();
    expect(again.id).toBe(first.id);

    const responses = await Promise.all(Array.from({ length: 10 }, () => post(r, id, { body: 'burst' }, { 'idempotency-key': 'k-burst' })));
    expect(responses.map((x) => x.status)).toEqual(Array(10).fill(202));
    const ids = new Set(await Promise.all(responses.map(async (x) => (await x.json()).id)));
    expect(ids.size).toBe(1);
    const mine = await (await r.api.get('/api/me/comments')).json();
    expect(mine.items.filter((c: { body: string }) => c.body === 'burst')).toHaveLength(1);
  });

  test('/api/me/comments shows the reader their own comments with statuses and the rejection reason', async () => {
    const r = await reader(t);
    const id = article('mine');
    const { id: bad } = await (await post(r, id, { body: 'fuck' })).json();
    await decided(r, bad);
    const mine = await (await r.api.get('/api/me/comments')).json();
    expect(mine.items[0]).toMatchObject({ id: bad, articleId: id, status: 'rejected', reason: 'banned_word' });
  });

  test('the list is cached with an ETag, and a publish shows up at once', async () => {
    const r = await reader(t);
    const id = article('etag');
    const { id: one } = await (await post(r, id, { body: 'first' })).json();
    await decided(r, one);
    const first = await fetch(`${t.url}/api/articles/${id}/comments`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
    expect((await fetch(`${t.url}/api/articles/${id}/comments`, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const { id: two } = await (await post(r, id, { body: 'second' })).json();
    await decided(r, two);
    const after = await fetch(`${t.url}/api/articles/${id}/comments`, { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    const page = await after.json();
    expect(page.items.map((c: { id: string }) => c.id)).toEqual([two, one]);
    expect(page.total).toBe(2);

    // Browsers get the page gzipped, other clients as it is; the same JSON either way.
    const raw = (headers: Record<string, string>) =>
      new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        httpGet(`${t.url}/api/articles/${id}/comments`, { headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
        }).on('error', reject);
      });
    const zipped = await raw({ 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toMatch(/accept-encoding/i);
    const plain = await raw({});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(gunzipSync(zipped.body).toString('utf8'))).toEqual(JSON.parse(plain.body.toString('utf8')));
    expect(JSON.parse(plain.body.toString('utf8'))).toEqual(page);
  });

  test('pagination neither skips nor repeats while new comments are published', async () => {
    const readers = await Promise.all([reader(t), reader(t), reader(t), reader(t)]);
    const id = article('pages');
    const initial: string[] = [];
    for (let i = 0; i < 16; i++) {
      const { id: c } = await (await post(readers[i % 4]!, id, { body: `initial ${i}` })).json();
      initial.push(c);
    }
    await Promise.all(initial.map((c, i) => decided(readers[i % 4]!, c)));

    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await (
        await fetch(`${t.url}/api/articles/${id}/comments?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor;
      // meanwhile, more comments are published on the same article
      if (round < 4) {
        const extra = readers[round]!;
        const { id: c } = await (await post(extra, id, { body: `concurrent ${round}` })).json();
        await decided(extra, c);
      }
      round++;
    } while (cursor);

    expect(new Set(seen).size).toBe(seen.length);
    for (const c of initial) expect(seen).toContain(c);
  });

  test('every decision is logged exactly once, by the rule engine', async () => {
    const r = await reader(t);
    const { id } = await (await post(r, article('log'), { body: 'Read https://example.org' })).json();
    await decided(r, id);
    const dataSource = t.app.get(DataSource);
    const rows = await dataSource.query(`SELECT from_status, to_status, actor FROM moderation_log WHERE comment_id = ${kind === 'sqlite' ? '?' : '$1'}`, [id]);
    expect(rows).toEqual([{ from_status: 'pending', to_status: 'in_review', actor: 'rules' }]);
  });

  test('the same job many times at once (one decision batch), and a moderator ahead of the rules: one decision each, logged once', async () => {
    const r = await reader(t);
    const dataSource = t.app.get(DataSource);
    const moderate = t.app.get(ModerateComment);
    const log = (id: string) => dataSource.query(`SELECT from_status, to_status, actor FROM moderation_log WHERE comment_id = ${kind === 'sqlite' ? '?' : '$1'}`, [id]);
    const pendingComment = async (body: string) => {
      const id = randomUUID();
      const articleId = article(`batch-${id}`);
      await dataSource.getRepository(Article).insert({ id: articleId, createdAt: new Date() });
      await dataSource.getRepository(Comment).insert({ id, articleId, commenterId: r.id, body, status: 'pending', createdAt: new Date() });
      return id;
    };

    const twice = await pendingComment('A perfectly ordinary remark about the weather.');
    const other = await pendingComment('Another ordinary remark, about the budget this time.');
    const results = await Promise.all([moderate.run(twice), moderate.run(twice), moderate.run(other), moderate.run(twice)]);
    expect(results.filter((result) => result !== 'already-decided' && result.changed).length).toBe(2);
    expect(await log(twice)).toEqual([{ from_status: 'pending', to_status: 'published', actor: 'rules' }]);
    expect(await log(other)).toEqual([{ from_status: 'pending', to_status: 'published', actor: 'rules' }]);

    // A moderator rejects a comment while it still waits for the rules: the rules leave it alone.
    const early = await pendingComment('One more ordinary remark, held back by an editor.');
    const mod = await moderator(t);
    expect((await mod.api.post(`/api/moderation/comments/${early}/reject`, { reason: 'other' })).status).toBe(200);
    expect(await moderate.run(early)).toBe('already-decided');
    expect((await dataSource.getRepository(Comment).findOneByOrFail({ id: early })).status).toBe('rejected');
    expect(await log(early)).toEqual([{ from_status: 'pending', to_status: 'rejected', actor: 'moderator' }]);
  });
});

describe('pre-moderation mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'rules-')), 'rules.json');
    writeFileSync(file, JSON.stringify({ mode: 'pre', bannedWords: ['fuck'], suspectWords: [], links: 'allow' }));
    t = await startTestApp('sqlite', { RULES_FILE: file });
  });
  afterAll(() => t.close());

  test('whatever passes the rules waits in in_review; banned words are still rejected', async () => {
    const r = await reader(t);
    const { id: clean } = await (await post(r, 'pre-1', { body: 'A perfectly nice comment' })).json();
    const { id: banned } = await (await post(r, 'pre-1', { body: 'fuck' })).json();
    expect(await decided(r, clean)).toMatchObject({ status: 'in_review' });
    expect(await decided(r, banned)).toMatchObject({ status: 'rejected', reason: 'banned_word' });
  });
});

void waitFor;
