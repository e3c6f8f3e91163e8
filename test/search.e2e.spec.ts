import { DataSource } from 'typeorm';
import { Comment } from '../src/comments/comment.entity.js';
import { fillSearchText } from '../src/db/migrations/1765000100000-search.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, type Reader } from './support/readers.js';

interface Item {
  comment: { id: string; articleId: string; commenterId: string; body: string; status: string; createdAt: string };
  article: { id: string };
  author: { id: string; displayName: string };
  findings: unknown[];
  reports: unknown[];
  revisions: unknown[];
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

describe.each(DATABASES)('moderator search on %s', (kind) => {
  let t: TestApp;
  let alice: Reader;
  let bob: Reader;
  let desk: SignedInModerator;
  let admin: SignedInModerator;

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000' });
    [alice, bob, desk, admin] = await Promise.all([reader(t, 'Alice Quillfeather'), reader(t, '김서연 Bobrov'), moderator(t), moderator(t, 'admin')]);
  });
  afterAll(() => t.close());

  const article = (name: string) => `${kind}-search-${name}-${Date.now()}`;

  /** Posts a comment and waits for the rules' decision; returns its id and status. */
  async function comment(r: Reader, articleId: string, body: string): Promise<{ id: string; status: string }> {
    const response = await post(r, articleId, { body });
    expect(response.status).toBe(202);
    const { id } = await response.json();
    return { id, status: (await decided(r, id)).status };
  }

  const search = (params: Record<string, string>, as: SignedInModerator = desk) => as.api.get(`/api/moderation/search?${new URLSearchParams(params)}`);
  async function found(params: Record<string, string>, as?: SignedInModerator): Promise<string[]> {
    const response = await search({ limit: '100', ...params }, as);
    expect([response.status, params]).toEqual([200, params]);
    return ((await response.json()) as Page).items.map((i) => i.comment.id);
  }

  test('Korean: spacing, punctuation, jamo and stretched letters do not hide a comment; other words do not match', async () => {
    const a = article('korean');
    const spaced = await comment(alice, a, '이 기사 정말 씨 발 같은 소리네요');
    const dotted = await comment(bob, a, '완전 씨.발 이다 진짜로');
    const jamo = await comment(alice, a, 'ㅆㅣㅂㅏㄹ 뭐라는 거야');
    const plain = await comment(bob, a, '오늘 국회 예산안 통과 소식 반갑습니다');
    const weather = await comment(alice, a, '서울 날씨가 참 좋네요 산책 가야겠어요');
    const mistake = await comment(bob, a, '실수는 누구나 합니다 괜찮아요');

    const hits = await found({ q: '씨발' });
    expect(hits).toEqual(expect.arrayContaining([spaced.id, dotted.id, jamo.id]));
    expect(hits).not.toContain(plain.id);
    expect(hits).not.toContain(weather.id);
    expect(await found({ q: '씨 발' })).toEqual(hits);

    expect(await found({ q: '예산안' })).toEqual([plain.id]);
    expect(await found({ q: '예산 안 통과' })).toEqual([plain.id]);
    expect(await found({ q: '날씨' })).toEqual([weather.id]);
    // Whole syllables: 시 is not the start of 실.
    expect(await found({ q: '시' })).not.toContain(mistake.id);
    expect(await found({ q: '실' })).toEqual([mistake.id]);
    expect(await found({ q: '통곽' })).toEqual([]);
  });

  test('English: case, full width, dots and spaces between letters, leetspeak', async () => {
    const a = article('english');
    const dotted = await comment(alice, a, 'What the f.u.c.k is this tariff about');
    const wide = await comment(bob, a, 'ＦＵＣＫ this bridge toll, honestly');
    const leet = await comment(alice, a, 'Total f u c k up of a harbour plan');
    const harbour = await comment(bob, a, 'The Harbour Authority published its plans today');

    const hits = await found({ q: 'Fuck' });
    expect(hits).toEqual(expect.arrayContaining([dotted.id, wide.id, leet.id]));
    expect(hits).not.toContain(harbour.id);
    expect(await found({ q: 'FUCK' })).toEqual(hits);

    expect(await found({ q: 'harbour authority' })).toEqual([harbour.id]);
    expect(await found({ q: 'ＨＡＲＢＯＵＲ' })).toEqual(expect.arrayContaining([harbour.id, leet.id]));
    expect(await found({ q: 'harbour', articleId: a, author: bob.id })).toEqual([harbour.id]);
  });

  test('LIKE wildcards in q and author are literal', async () => {
    const a = article('wildcards');
    const one = await comment(alice, a, 'Fares rose by 100% on the night buses');
    expect(await found({ q: '100%', articleId: a })).toEqual([one.id]);
    // % and _ are no letters: nothing of them is searched, so they cannot match everything.
    expect(await found({ q: '_a', articleId: a })).toEqual([one.id]);
    expect(await found({ author: '%', articleId: a })).toEqual([]);
    expect(await found({ author: '_', articleId: a })).toEqual([]);
  });

  test('author (part of the name in any case, or the id), article and status filters', async () => {
    const a = article('filters-a');
    const b = article('filters-b');
    const aliceA = await comment(alice, a, 'Ospreys nest by the reservoir this spring');
    const bobA = await comment(bob, a, 'Ospreys were seen near the ferry pier');
    const aliceB = await comment(alice, b, 'Ospreys need the old pylons kept standing');
    const held = await comment(alice, b, 'Ospreys aside, the minister is an idiot');
    expect(held.status).toBe('in_review');
    expect(aliceB.status).toBe('published');

    const all = await found({ q: 'osprey' });
    expect(all.sort()).toEqual([aliceA.id, bobA.id, aliceB.id, held.id].sort());
    expect((await found({ q: 'osprey', author: 'QUILLFEATHER' })).sort()).toEqual([aliceA.id, aliceB.id, held.id].sort());
    expect((await found({ q: 'osprey', author: 'quill' })).sort()).toEqual([aliceA.id, aliceB.id, held.id].sort());
    expect(await found({ q: 'osprey', author: '서연' })).toEqual([bobA.id]);
    expect(await found({ q: 'osprey', author: bob.id })).toEqual([bobA.id]);
    expect(await found({ author: bob.id, articleId: a })).toEqual([bobA.id]);
    expect((await found({ articleId: b })).sort()).toEqual([aliceB.id, held.id].sort());
    expect((await found({ q: 'osprey', articleId: a })).sort()).toEqual([aliceA.id, bobA.id].sort());
    expect(await found({ articleId: b, status: 'in_review' })).toEqual([held.id]);
    expect(await found({ articleId: b, status: 'published' })).toEqual([aliceB.id]);
    expect(await found({ q: 'osprey', status: 'rejected' })).toEqual([]);
    expect(await found({ q: 'osprey', author: 'nobody by that name' })).toEqual([]);

    // Items are the queue's: the dashboard renders them as cards.
    const page = (await (await search({ q: 'osprey', articleId: b, status: 'in_review' })).json()) as Page;
    expect(page.nextCursor).toBeNull();
    expect(page.items[0]).toMatchObject({
      comment: { id: held.id, articleId: b, commenterId: alice.id, status: 'in_review' },
      article: { id: b },
      author: { id: alice.id, displayName: 'Alice Quillfeather' },
      findings: expect.any(Array),
      reports: [],
      revisions: [],
    });
    expect(page.items[0]!.findings.length).toBeGreaterThan(0);
  });

  test("an author's edit is searchable at once, whether the comment was published or waiting", async () => {
    const a = article('edits');
    const published = await comment(alice, a, 'Kingfishers along the canal again');
    const waiting = await comment(alice, a, 'Kingfishers, and the mayor is an idiot');
    expect([published.status, waiting.status]).toEqual(['published', 'in_review']);
    expect((await alice.api.patch(`/api/comments/${published.id}`, { body: 'Herons along the canal again' })).status).toBe(202);
    expect((await alice.api.patch(`/api/comments/${waiting.id}`, { body: 'Herons, and the mayor is an idiot' })).status).toBe(202);
    expect((await found({ q: 'heron' })).sort()).toEqual([published.id, waiting.id].sort());
    // The earlier text stays findable: the item carries it among its revisions.
    expect((await found({ q: 'kingfisher' })).sort()).toEqual([published.id, waiting.id].sort());
  });

  test('paging: newest first, no repeats or gaps while new comments arrive; the cursor belongs to its search', async () => {
    const a = article('paging');
    const ids: string[] = [];
    for (const place of ['quay', 'lighthouse', 'boatyard', 'slipway', 'breakwater']) ids.push((await comment(bob, a, `Cormorants dry their wings on the ${place}`)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await search({ q: 'cormorant', limit: '2', ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      const page = (await response.json()) as Page;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.comment.id));
      cursor = page.nextCursor;
      // A newer match arriving mid-way does not shift the pages.
      if (pages++ === 0) await comment(alice, a, 'Cormorants again, now on the ferry');
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect(pages).toBe(3);

    const first = (await (await search({ q: 'cormorant', limit: '2' })).json()) as Page;
    expect(first.nextCursor).toEqual(expect.any(String));
    const refusedCursors: Array<Record<string, string>> = [
      { q: 'osprey', limit: '2', cursor: first.nextCursor! },
      { q: 'cormorant', limit: '2', cursor: first.nextCursor!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
      { q: 'cormorant', cursor: 'not-a-cursor' },
    ];
    for (const params of refusedCursors) {
      const refused = await search(params);
      expect([refused.status, await refused.json()]).toEqual([400, expect.objectContaining({ error: 'VALIDATION_FAILED', field: 'cursor' })]);
    }
  });

  test('validation: 400 VALIDATION_FAILED with the field', async () => {
    const cases: Array<[string, string]> = [
      ['', 'q'],
      ['status=published', 'q'],
      ['q=', 'q'],
      ['q=%20%20', 'q'],
      ['q=!!!', 'q'],
      [`q=${'a'.repeat(101)}`, 'q'],
      [`author=${'a'.repeat(101)}`, 'author'],
      ['q=osprey&status=hidden', 'status'],
      ['q=osprey&limit=0', 'limit'],
      ['q=osprey&limit=101', 'limit'],
      ['q=osprey&q=heron', 'q'],
      [`articleId=${encodeURIComponent('a\u0000b')}`, 'articleId'],
    ];
    for (const [query, field] of cases) {
      const response = await desk.api.get(`/api/moderation/search?${query}`);
      expect([query, response.status, await response.json()]).toEqual([query, 400, expect.objectContaining({ statusCode: 400, error: 'VALIDATION_FAILED', field })]);
    }
    expect((await search({ q: 'a'.repeat(100) })).status).toBe(200);
    expect((await search({ q: '가'.repeat(100) })).status).toBe(200);
  });

  test('signed out 401, a reader 403, moderators and admins 200', async () => {
    const anonymous = await fetch(`${t.url}/api/moderation/search?q=osprey`);
    expect([anonymous.status, (await anonymous.json()).error]).toEqual([401, 'UNAUTHENTICATED']);
    const asReader = await alice.api.get('/api/moderation/search?q=osprey');
    expect([asReader.status, (await asReader.json()).error]).toEqual([403, 'FORBIDDEN']);
    const asAdmin = await search({ q: 'osprey' }, admin);
    expect([asAdmin.status, Array.isArray((await asAdmin.json()).items)]).toEqual([200, true]);
    expect((await desk.dashboard.get('/api/moderation/search?q=osprey')).status).toBe(200);
  });

  test('the migration fills search_text for comments written without it', async () => {
    const dataSource = t.app.get(DataSource);
    const a = article('backfill');
    const old = await comment(bob, a, 'Puffins return to the northern cliffs');
    const id = '01900000-0000-7000-8000-000000000001';
    // Written as before the migration: no search_text.
    await dataSource.getRepository(Comment).insert({ id, articleId: a, commenterId: alice.id, body: 'P.u.f.f.i.n.s by the older pier', status: 'published', createdAt: new Date(Date.now() - 60_000) });
    expect(await found({ q: 'puffin' })).toEqual([old.id]);

    const runner = dataSource.createQueryRunner();
    try {
      await fillSearchText(runner);
    } finally {
      await runner.release();
    }
    expect(await found({ q: 'puffin' })).toEqual([old.id, id]);
    expect(await found({ q: 'puffins return' })).toEqual([old.id]);
  });
});
