import { ModerationQueue } from '../src/moderation/worker/moderation.queue.js';
import { startTestApp, type TestApp } from './support/app.js';
import { moderator } from './support/moderators.js';
import { DATABASES } from './support/databases.js';
import { decided, post, reader, waitFor } from './support/readers.js';

const TOKEN = 'metrics-token-for-tests-0123456789';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
    const [, labelText = '', value] = /^[^{\s]+(?:\{(.*)\})?\s+(\S+)$/.exec(line) ?? [];
    if (Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) return Number(value);
  }
  return undefined;
}

describe.each(DATABASES)('GET /metrics on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { METRICS_TOKEN: TOKEN });
  });
  afterAll(() => t.close());

  const scrape = async () => {
    const response = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  test('needs the token: none or a wrong one is 401 UNAUTHENTICATED', async () => {
    const none = await fetch(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ statusCode: 401, error: 'UNAUTHENTICATED' });
    const wrong = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
  });

  test('decisions, waiting times, comments by status and queue depth move with the work', async () => {
    const r = await reader(t);
    const article = `${kind}-metrics-${Date.now()}`;
    const clean = await (await post(r, article, { body: 'A fine article, thank you' })).json();
    const held = await (await post(r, article, { body: 'The minister is an idiot' })).json();
    expect((await decided(r, clean.id)).status).toBe('published');
    expect((await decided(r, held.id)).status).toBe('in_review');

    const text = await waitFor(async () => {
      const body = await scrape();
      return sample(body, 'comments_moderation_decisions_total', { actor: 'rules', outcome: 'in_review' }) === 1 ? body : undefined;
    }, 5000, 'decision counters');
    expect(sample(text, 'comments_moderation_decisions_total', { actor: 'rules', outcome: 'published', reason: '' })).toBe(1);
    expect(sample(text, 'comments_moderation_decisions_total', { actor: 'rules', outcome: 'in_review', reason: 'suspect_word' })).toBe(1);
    // the held comment has no decision yet: only the published one waited and was decided
    expect(sample(text, 'comments_moderation_decision_wait_seconds_count', { actor: 'rules' })).toBe(1);
    expect(sample(text, 'comments_moderation_decision_wait_seconds_bucket', { actor: 'rules', le: '+Inf' })).toBe(1);
    expect(sample(text, 'comments_by_status', { status: 'published' })).toBe(1);
    expect(sample(text, 'comments_by_status', { status: 'in_review' })).toBe(1);
    expect(sample(text, 'comments_moderation_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(sample(text, 'comments_moderation_job_failures_total')).toBe(0);
    expect(text).toContain('comments_process_resident_memory_bytes');

    const another = await (await post(r, article, { body: 'Another fine one' })).json();
    expect((await decided(r, another.id)).status).toBe('published');
    await waitFor(async () => sample(await scrape(), 'comments_moderation_decision_wait_seconds_count', { actor: 'rules' }) === 2, 5000, 'the histogram to count 2');

    // A moderator decides the held one: counted under their id, and its wait under actor="moderator".
    const m = await moderator(t);
    expect((await m.api.post(`/api/moderation/comments/${held.id}/reject`, { reason: 'abuse' })).status).toBe(200);
    const after = await waitFor(async () => {
      const body = await scrape();
      return sample(body, 'comments_moderation_decisions_total', { actor: 'moderator', moderator: m.id }) === 1 ? body : undefined;
    }, 5000, 'the moderator decision');
    expect(sample(after, 'comments_moderation_decisions_total', { actor: 'moderator', moderator: m.id, reason: 'abuse', outcome: 'rejected' })).toBe(1);
    expect(sample(after, 'comments_moderation_decision_wait_seconds_count', { actor: 'moderator' })).toBe(1);
  });

  test('a job that fails is counted', async () => {
    // No such comment: the job throws and is retried with backoff.
    await t.app.get(ModerationQueue).queue.add('moderate', { commentId: '00000000-0000-7000-8000-000000000000' }, { attempts: 1 });
    await waitFor(async () => sample(await scrape(), 'comments_moderation_job_failures_total') === 1, 5000, 'the failure counter');
    expect(sample(await scrape(), 'comments_moderation_queue_jobs', { state: 'failed' })).toBe(1);
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  test('is open', async () => {
    const t = await startTestApp('sqlite');
    try {
      const response = await fetch(`${t.url}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('# TYPE comments_moderation_decisions_total counter');
    } finally {
      await t.close();
    }
  });
});

describe('HTTP figures in /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  const scrape = async () => (await fetch(`${t.url}/metrics`)).text();

  test('requests are counted and timed by method, route pattern and status; a 404 as "unmatched", never by its URL', async () => {
    const article = `http-metrics-${Date.now()}`;
    for (let i = 0; i < 3; i++) expect((await fetch(`${t.url}/api/articles/${article}-${i}/comments`)).status).toBe(200);
    expect((await fetch(`${t.url}/health/live`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${t.url}/api/comments/not-a-comment-id`)).status).toBeGreaterThanOrEqual(400);
    for (const path of [`/no-such-page-${article}`, `/another/${article}`]) expect((await fetch(`${t.url}${path}`)).status).toBe(404);

    const text = await scrape();
    const list = { method: 'GET', route: '/api/articles/:articleId/comments', status: '200' };
    expect(sample(text, 'comments_http_requests_total', list)).toBe(3);
    expect(sample(text, 'comments_http_request_duration_seconds_count', list)).toBe(3);
    expect(sample(text, 'comments_http_request_duration_seconds_bucket', { ...list, le: '+Inf' })).toBe(3);
    expect(sample(text, 'comments_http_request_duration_seconds_sum', list)).toBeGreaterThan(0);
    expect(sample(text, 'comments_http_requests_total', { method: 'HEAD', route: '/health/live', status: '200' })).toBe(1);
    expect(text).toMatch(/comments_http_requests_total\{method="GET",route="\/api\/comments\/:id",status="4\d\d"\} 1\n/);
    expect(sample(text, 'comments_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    expect(text).not.toContain(article);
    // buckets are cumulative and end at the count
    const buckets = text.split('\n').filter((l) => l.startsWith('comments_http_request_duration_seconds_bucket{method="GET",route="/api/articles/:articleId/comments",status="200"'));
    const values = buckets.map((l) => Number(l.split(' ').at(-1)));
    expect(values).toHaveLength(15);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.at(-1)).toBe(3);
  });

  test('a server-sent stream is not counted, though its route is when it answers JSON', async () => {
    const { CommentStream } = await import('../src/comments/comment-stream.js');
    const article = `http-metrics-stream-${Date.now()}`;
    const events = await fetch(`${t.url}/api/articles/${article}/events`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    t.app.get(CommentStream).onModuleDestroy(); // the server ends its streams (as at shutdown): the response finishes
    await events.text();
    expect((await fetch(`${t.url}/api/articles/${'x'.repeat(300)}/events`)).status).toBe(400);

    const text = await scrape();
    expect(sample(text, 'comments_http_requests_total', { route: '/api/articles/:articleId/events', status: '400' })).toBe(1);
    expect(sample(text, 'comments_http_requests_total', { route: '/api/articles/:articleId/events', status: '200' })).toBeUndefined();
  });
});
