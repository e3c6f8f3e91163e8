import { DataSource } from 'typeorm';
import { CommentReport } from '../../src/moderation/reports/report.entity.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { moderator, type SignedInModerator } from '../support/moderators.js';
import { decided, post, reader, type Reader } from '../support/readers.js';

const TOPICS = ['the harbour plan', 'the budget vote', 'local schools', 'the summit talks', 'trade figures', 'the election', 'the bus routes', 'the cold wave'];
let said = 0;

describe.each(DATABASES)('reports on %s', (kind) => {
  let t: TestApp;
  let author: Reader;
  let mod: SignedInModerator;
  const article = `${kind}-reports-${Date.now()}`;

  beforeAll(async () => {
    t = await startTestApp(kind, { REPORT_RATE_LIMIT: '3', REPORT_THRESHOLD: '100', COMMENT_RATE_LIMIT: '1000' });
    [author, mod] = await Promise.all([reader(t), moderator(t)]);
  });
  afterAll(() => t.close());

  /** Published comments by the author, ready to be reported. */
  async function publishedComments(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const n = ++said;
      const response = await post(author, article, { body: `A calm remark about ${TOPICS[n % TOPICS.length]}, number ${n}` });
      const { id } = await response.json();
      ids.push(id);
    }
    for (const id of ids) expect(await decided(author, id)).toMatchObject({ status: 'published' });
    return ids;
  }

  const report = (r: Reader, commentId: string) => r.api.post(`/api/comments/${commentId}/reports`, { reason: 'spam' });

  test('a banned reader cannot report: 403 COMMENTER_BANNED; unbanned, they can again', async () => {
    const [id] = await publishedComments(1);
    const r = await reader(t);
    expect((await mod.api.post(`/api/moderation/commenters/${r.id}/ban`, { reason: 'spam' })).status).toBe(200);

    const refused = await report(r, id!);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ statusCode: 403, error: 'COMMENTER_BANNED', message: expect.any(String) });
    expect(await t.app.get(DataSource).getRepository(CommentReport).countBy({ commenterId: r.id })).toBe(0);

    expect((await mod.api.post(`/api/moderation/commenters/${r.id}/unban`)).status).toBe(200);
    expect((await report(r, id!)).status).toBe(201);
  });

  test('REPORT_RATE_LIMIT reports an hour per reader: the next one is 429 RATE_LIMITED with Retry-After', async () => {
    const ids = await publishedComments(4);
    const r = await reader(t);
    for (const id of ids.slice(0, 3)) expect((await report(r, id)).status).toBe(201);

    const refused = await report(r, ids[3]!);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.any(String), retryAfter: expect.any(Number) });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // Another reader has a count of their own.
    expect((await report(await reader(t), ids[3]!)).status).toBe(201);
  });

  test('reports sent in parallel: at most REPORT_RATE_LIMIT are filed, the rest 429', async () => {
    const ids = await publishedComments(8);
    const r = await reader(t);
    const answers = await Promise.all(ids.map((id) => report(r, id)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    expect(await t.app.get(DataSource).getRepository(CommentReport).countBy({ commenterId: r.id })).toBeLessThanOrEqual(3);
  });
});
