import { startTestApp, type TestApp } from '../support/app.js';
import { DATABASES } from '../support/databases.js';
import { moderator, type SignedInModerator } from '../support/moderators.js';
import { decided, post, reader, type Reader } from '../support/readers.js';

let said = 0;

describe.each(DATABASES)('moderators deciding at once on %s', (kind) => {
  let t: TestApp;
  let author: Reader;
  let first: SignedInModerator;
  let second: SignedInModerator;
  const article = `${kind}-decisions-${Date.now()}`;

  beforeAll(async () => {
    t = await startTestApp(kind, { COMMENT_RATE_LIMIT: '1000', REPORT_THRESHOLD: '1' });
    [author, first, second] = await Promise.all([reader(t), moderator(t), moderator(t)]);
  });
  afterAll(() => t.close());

  /** A comment the rules hold for review ("idiot" is a suspect word); distinct text each time (no duplicate rule). */
  async function held(): Promise<string> {
    const { id } = await (await post(author, article, { body: `The minister is an idiot, says reader ${++said}` })).json();
    expect(await decided(author, id)).toMatchObject({ status: 'in_review' });
    return id;
  }

  async function published(): Promise<string> {
    const { id } = await (await post(author, article, { body: `A calm remark about the harbour plan, number ${++said}` })).json();
    expect(await decided(author, id)).toMatchObject({ status: 'published' });
    return id;
  }

  const approve = (m: SignedInModerator, id: string, body: object = {}) => m.api.post(`/api/moderation/comments/${id}/approve`, body);
  const reject = (m: SignedInModerator, id: string, body: object = {}) => m.api.post(`/api/moderation/comments/${id}/reject`, { reason: 'spam', ...body });
  const statusOf = async (id: string) => (await (await first.api.get(`/api/moderation/comments/${id}`)).json()).comment.status;

  test('approve and reject without expectedStatus, at the same moment or a moment apart: one 200, the other 409 CONFLICT with the current state', async () => {
    const apart = async <T>(a: () => Promise<T>, b: () => Promise<T>): Promise<T[]> => [await a(), await b()];
    for (let round = 0; round < 6; round++) {
      const id = await held();
      const [a, b] = round % 2 ? [() => approve(first, id), () => reject(second, id)] : [() => reject(first, id), () => approve(second, id)];
      const answers = round < 4 ? await Promise.all([a(), b()]) : await apart(a, b);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const winner = await answers.find((a) => a.status === 200)!.json();
      const loser = await answers.find((a) => a.status === 409)!.json();
      expect(loser).toMatchObject({ statusCode: 409, error: 'CONFLICT', current: { id, status: winner.comment.status } });
      expect(await statusOf(id)).toBe(winner.comment.status);
      const log = await (await first.api.get(`/api/moderation/log?commentId=${id}`)).json();
      expect(log.items).toHaveLength(1);
    }
  });

  test('reversing a decided comment needs expectedStatus: approve of a rejected one, reject of a published one', async () => {
    const id = await held();
    expect((await reject(first, id)).status).toBe(200);

    const reversal = await approve(second, id);
    expect(reversal.status).toBe(409);
    expect(await reversal.json()).toMatchObject({ error: 'CONFLICT', current: { id, status: 'rejected' } });
    expect(await statusOf(id)).toBe('rejected');
    expect((await approve(second, id, { expectedStatus: 'rejected' })).status).toBe(200);

    const removal = await reject(first, id);
    expect(removal.status).toBe(409);
    expect(await removal.json()).toMatchObject({ error: 'CONFLICT', current: { id, status: 'published' } });
    expect((await reject(first, id, { expectedStatus: 'published' })).status).toBe(200);
    expect(await statusOf(id)).toBe('rejected');
  });

  test('a reported comment waits for a decision: approve or reject without expectedStatus, once', async () => {
    const id = await published();
    const plain = await published();
    const r = await reader(t);
    expect((await r.api.post(`/api/comments/${id}/reports`, { reason: 'abuse' })).status).toBe(201);

    const answers = await Promise.all([reject(first, id), approve(second, id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    // Once decided it is no longer reported: a published, unreported comment is decided.
    expect((await reject(first, plain)).status).toBe(409);
    expect((await approve(first, plain)).status).toBe(409);
  });

  test('bulk follows the same rule', async () => {
    const [waiting, done] = [await held(), await published()];
    const rejected = await held();
    expect((await reject(first, rejected)).status).toBe(200);

    const removal = await (await first.api.post('/api/moderation/comments/bulk', { ids: [waiting, done], action: 'reject', reason: 'spam' })).json();
    expect(removal.results).toEqual([
      { id: waiting, ok: true, status: 'rejected' },
      { id: done, ok: false, error: 'CONFLICT', status: 'published' },
    ]);
    const reversal = await (await first.api.post('/api/moderation/comments/bulk', { ids: [rejected], action: 'approve' })).json();
    expect(reversal.results).toEqual([{ id: rejected, ok: false, error: 'CONFLICT', status: 'rejected' }]);
    const told = await (await first.api.post('/api/moderation/comments/bulk', { ids: [rejected, waiting], action: 'approve', expectedStatus: 'rejected' })).json();
    expect(told.results).toEqual([
      { id: rejected, ok: true, status: 'published' },
      { id: waiting, ok: true, status: 'published' },
    ]);
  });
});
