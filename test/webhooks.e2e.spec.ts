import { DataSource } from 'typeorm';
import { Sql } from '../src/db/sql.js';
import { verifySignature } from '../src/integrations/signature.js';
import { recordWebhookEvent } from '../src/integrations/webhooks/webhook-events.js';
import { WebhookRelay } from '../src/integrations/webhooks/webhook-relay.js';
import { WebhookSender } from '../src/integrations/webhooks/webhook-sender.js';
import { startTestApp, type TestApp } from './support/app.js';
import { DATABASES } from './support/databases.js';
import { moderator, type SignedInModerator } from './support/moderators.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';
import { startSmtp, type SmtpCatcher } from './support/smtp.js';
import { startReceiver, type Received, type WebhookReceiver } from './support/webhook-receiver.js';

const COMMENT_EVENTS = ['comment.created', 'comment.published', 'comment.rejected', 'comment.reported', 'comment.featured', 'commenter.banned'];

describe.each(DATABASES)('webhooks on %s', (kind) => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let receiver: WebhookReceiver;
  let admin: SignedInModerator;
  let desk: SignedInModerator;
  let author: Reader;
  let n = 0;

  beforeAll(async () => {
    [smtp, receiver] = await Promise.all([startSmtp(), startReceiver()]);
    t = await startTestApp(kind, {
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_BACKOFF_MS: '1',
      REVIEW_BACKLOG_ALERT: '1',
      REVIEW_BACKLOG_CHECK_INTERVAL: '3600000',
      REPORT_THRESHOLD: '1',
      COMMENT_RATE_LIMIT: '1000',
      SMTP_URL: smtp.url,
    });
    [admin, desk, author] = await Promise.all([moderator(t, 'admin'), moderator(t), reader(t, 'Hook Author')]);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([smtp?.close(), receiver?.close()]);
  });

  const article = (name: string) => `${kind}-hooks-${name}-${Date.now()}`;
  const create = (body: Record<string, unknown>) => admin.api.post('/api/moderation/webhooks', body);
  async function register(path: string, events: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const response = await create({ url: receiver.url(path), events, ...extra });
    expect(response.status).toBe(201);
    const body = await response.json();
    return { id: body.webhook.id, secret: body.secret };
  }
  const deliveries = async (id: string) => (await (await admin.api.get(`/api/moderation/webhooks/${id}/deliveries`)).json()).items as Array<Record<string, any>>;
  async function submit(body: string, articleId = article('c')): Promise<string> {
    const response = await post(author, articleId, { body, articleUrl: `https://news.example/${articleId}`, articleTitle: 'A story' });
    expect(response.status).toBe(202);
    return (await response.json()).id;
  }
  const clean = () => `A measured remark number ${++n} about ${['ports', 'parks', 'tariffs', 'buses'][n % 4]} ${n}`;
  const signed = (r: Received, secret: string) => verifySignature(r.headers['x-comments-signature'] as string, r.body, secret);

  test('admins only; create, list, read, update, delete; validation errors; audited', async () => {
    const refused = await desk.api.get('/api/moderation/webhooks');
    expect([refused.status, (await refused.json()).error]).toEqual([403, 'FORBIDDEN']);
    expect((await desk.api.post('/api/moderation/webhooks', { url: receiver.url('/x'), events: ['comment.created'] })).status).toBe(403);
    expect((await author.api.get('/api/moderation/webhooks')).status).toBe(403);
    // The dashboard's cookie needs its CSRF token on writes.
    const noCsrf = await admin.dashboard.post('/api/moderation/webhooks', { url: receiver.url('/x'), events: ['comment.created'] });
    expect([noCsrf.status, (await noCsrf.json()).error]).toEqual([403, 'CSRF_FAILED']);

    for (const [body, field] of [
      [{ url: 'ftp://example.com/x', events: ['comment.created'] }, 'url'],
      [{ url: 'not a url', events: ['comment.created'] }, 'url'],
      [{ url: `https://example.com/${'x'.repeat(2100)}`, events: ['comment.created'] }, 'url'],
      [{ url: 'https://user:pw@example.com/', events: ['comment.created'] }, 'url'],
      [{ url: 'https://example.com/', events: [] }, 'events'],
      [{ url: 'https://example.com/', events: ['comment.deleted'] }, 'events.0'],
      [{ url: 'https://example.com/', events: ['comment.created'], format: 'xml' }, 'format'],
      [{ url: 'https://example.com/', events: ['comment.created'], secret: 'two words' }, 'secret'],
      [{ url: 'https://example.com/', events: ['comment.created'], colour: 'red' }, 'colour'],
    ] as const) {
      const response = await create(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', field });
    }

    const made = await create({ url: 'https://cms.example.com/hooks', events: ['comment.created', 'comment.created'], description: 'CMS' });
    expect(made.status).toBe(201);
    const { webhook, secret } = await made.json();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ url: 'https://cms.example.com/hooks', events: ['comment.created'], format: 'json', enabled: true, description: 'CMS', failures: 0, rotating: false });
    expect(webhook.secret).toBe(`whsec_…${secret.slice(-4)}`);
    const listed = (await (await admin.api.get('/api/moderation/webhooks')).json()).items;
    expect(listed).toEqual(expect.arrayContaining([expect.objectContaining({ id: webhook.id, secret: webhook.secret })]));
    expect(JSON.stringify(listed)).not.toContain(secret);

    const patched = await admin.dashboard.patch(`/api/moderation/webhooks/${webhook.id}`, { description: 'CMS (staging)', format: 'slack', enabled: false }, admin.csrf);
    expect(patched.status).toBe(200);
    expect((await patched.json()).webhook).toMatchObject({ description: 'CMS (staging)', format: 'slack', enabled: false });
    expect((await admin.api.patch(`/api/moderation/webhooks/${webhook.id}`, { url: 'javascript:alert(1)' })).status).toBe(400);
    for (const id of ['00000000-0000-0000-0000-000000000000', 'nope']) {
      const missing = await admin.api.get(`/api/moderation/webhooks/${id}`);
      expect([missing.status, (await missing.json()).error]).toEqual([404, 'NOT_FOUND']);
    }
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${webhook.id}`)).status).toBe(204);
    expect((await admin.api.get(`/api/moderation/webhooks/${webhook.id}`)).status).toBe(404);

    const audit = (await (await admin.api.get(`/api/moderation/log?moderatorId=${admin.id}`)).json()).items as Array<{ action: string; detail: Record<string, unknown> }>;
    const mine = audit.filter((e) => e.detail?.webhookId === webhook.id).map((e) => e.action);
    expect(mine).toEqual(['webhook.delete', 'webhook.update', 'webhook.create']);
  });

  test('every event type arrives, signed, with its id, type, time and data', async () => {
    const { id, secret } = await register('/events', COMMENT_EVENTS);
    const articleId = article('events');
    const published = await submit(clean(), articleId);
    expect((await decided(author, published)).status).toBe('published');
    const held = await submit(`The minister is an idiot, take ${++n}`, articleId);
    expect((await decided(author, held)).status).toBe('in_review');
    expect((await desk.api.post(`/api/moderation/comments/${held}/reject`, { reason: 'abuse' })).status).toBe(200);
    const someone = await reader(t);
    expect((await someone.api.post(`/api/comments/${published}/reports`, { reason: 'spam' })).status).toBe(201);
    expect((await desk.api.post(`/api/moderation/comments/${published}/approve`, {})).status).toBe(200); // clears the report
    expect((await desk.api.post(`/api/moderation/comments/${published}/feature`, {})).status).toBe(200);
    expect((await desk.api.post(`/api/moderation/commenters/${someone.id}/ban`, { reason: 'spam ring' })).status).toBe(200);

    const of = (type: string, commentId?: string) => receiver.next('/events', (r) => r.json?.type === type && (!commentId || r.json.data.comment?.id === commentId));
    const created = await of('comment.created', published);
    expect(created.json).toEqual({
      id: expect.any(String),
      type: 'comment.created',
      createdAt: expect.any(String),
      data: {
        comment: expect.objectContaining({ id: published, status: 'pending', url: `https://news.example/${articleId}#comment-${published}` }),
        article: { id: articleId, url: `https://news.example/${articleId}`, title: 'A story' },
        author: { id: author.id, displayName: 'Hook Author' },
      },
    });
    expect((await of('comment.created', held)).json.data.comment.body).toContain('idiot');
    expect((await of('comment.published', published)).json.data.comment.status).toBe('published');
    expect((await of('comment.rejected', held)).json.data.comment).toMatchObject({ status: 'rejected', reason: 'abuse' });
    expect((await of('comment.reported', published)).json.data).toMatchObject({ reportCount: 1, reason: expect.any(String), queued: true });
    expect((await of('comment.featured', published)).json.data.comment.id).toBe(published);
    expect((await of('commenter.banned')).json.data).toMatchObject({ commenter: { id: someone.id }, reason: 'spam ring', until: null });

    for (const r of receiver.at('/events')) {
      expect(signed(r, secret)).toEqual({ ok: true });
      expect(r.headers['x-comments-event']).toBe(r.json.type);
      expect(r.headers['x-comments-delivery']).toBe(`${id}-${r.json.id}`);
      expect(r.headers['user-agent']).toMatch(/^NewsComments-Webhooks\//);
      expect(r.headers['content-type']).toBe('application/json');
    }
    expect(signed(created, 'whsec_another_secret_entirely')).toEqual({ ok: false, reason: 'mismatch' });
    // Once each: the approval that cleared the report was no new publication.
    const types = receiver.at('/events').map((r) => `${r.json.type} ${r.json.data.comment?.id ?? ''}`);
    expect(new Set(types).size).toBe(types.length);
    await waitFor(async () => (await deliveries(id)).length >= 7, 5000, 'the delivery log');
    const log = await deliveries(id);
    expect(log[0]).toEqual({ id: expect.any(Number), eventId: expect.any(String), eventType: expect.any(String), status: 'delivered', attempt: 1, responseCode: 200, durationMs: expect.any(Number), error: null, at: expect.any(String) });
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('during a rotation both secrets sign; afterwards only the new one', async () => {
    const { id, secret: old } = await register('/rotation', ['comment.featured']);
    const rotated = await admin.api.post(`/api/moderation/webhooks/${id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    const { secret: fresh, webhook } = await rotated.json();
    expect(fresh).not.toBe(old);
    expect(webhook).toMatchObject({ rotating: true, secret: `whsec_…${fresh.slice(-4)}` });

    const test = await admin.api.post(`/api/moderation/webhooks/${id}/test`, {});
    expect(test.status).toBe(202);
    const { eventId } = await test.json();
    const during = await receiver.next('/rotation', (r) => r.json?.id === eventId);
    expect(during.json).toMatchObject({ type: 'webhook.test' });
    expect((during.headers['x-comments-signature'] as string).match(/v1=/g)).toHaveLength(2);
    expect([signed(during, old), signed(during, fresh)]).toEqual([{ ok: true }, { ok: true }]);

    expect((await (await admin.api.post(`/api/moderation/webhooks/${id}/finish-rotation`, {})).json()).webhook.rotating).toBe(false);
    const { eventId: second } = await (await admin.api.post(`/api/moderation/webhooks/${id}/test`, {})).json();
    const after = await receiver.next('/rotation', (r) => r.json?.id === second);
    expect([signed(after, old), signed(after, fresh)]).toEqual([{ ok: false, reason: 'mismatch' }, { ok: true }]);

    // The site's own secret, given in an update (PATCH or PUT): a rotation too; short secrets are the site's choice.
    const patched = await admin.api.request('PUT', `/api/moderation/webhooks/${id}`, { body: JSON.stringify({ secret: 'hush' }), headers: { 'content-type': 'application/json' } });
    expect(patched.status).toBe(200);
    expect((await patched.json()).webhook).toMatchObject({ rotating: true, secret: '…' }); // nothing of a short secret shown
    const { eventId: third } = await (await admin.api.post(`/api/moderation/webhooks/${id}/test`, {})).json();
    const chosen = await receiver.next('/rotation', (r) => r.json?.id === third);
    expect([signed(chosen, fresh), signed(chosen, 'hush')]).toEqual([{ ok: true }, { ok: true }]);
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('a receiver failing then recovering gets the same event again; the log shows each attempt', async () => {
    receiver.answer('/flaky', 500, 503, 200);
    const { id } = await register('/flaky', ['comment.created']);
    const comment = await submit(clean());
    const arrived = await receiver.next('/flaky', (r) => r.json?.data?.comment?.id === comment);
    await waitFor(async () => receiver.at('/flaky').length >= 3, 10_000, 'the third attempt');
    const attempts = receiver.at('/flaky').filter((r) => r.json.data.comment.id === comment);
    expect(attempts.map((r) => r.json.id)).toEqual([arrived.json.id, arrived.json.id, arrived.json.id]);
    expect(new Set(attempts.map((r) => r.body)).size).toBe(1); // the same body; only the signature's time may differ
    const log = await waitFor(async () => ((await deliveries(id)).length === 3 ? deliveries(id) : undefined), 5000, 'three log rows');
    expect(log.map((d) => [d.status, d.attempt, d.responseCode, d.eventId])).toEqual([
      ['delivered', 3, 200, arrived.json.id],
      ['retrying', 2, 503, arrived.json.id],
      ['retrying', 1, 500, arrived.json.id],
    ]);
    expect(log[2]!.error).toBe('answered 500');
    expect((await (await admin.api.get(`/api/moderation/webhooks/${id}`)).json()).webhook.failures).toBe(0);
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('format slack: a {text, blocks} message with the reader\'s words escaped', async () => {
    const { id, secret } = await register('/slack', ['comment.created'], { format: 'slack' });
    const comment = await submit(`Fish & <chips> > ${++n} salads`);
    const message = await receiver.next('/slack', (r) => String(r.json?.text).includes(String(n)));
    expect(message.json.text).toContain('New comment by Hook Author on <https://news.example/');
    expect(message.json.text).toContain(`>Fish &amp; &lt;chips&gt; &gt; ${n} salads`);
    expect(message.json.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' })]));
    expect(JSON.stringify(message.json.blocks)).toContain(`#comment-${comment}|View the comment>`);
    expect(signed(message, secret)).toEqual({ ok: true });
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('queue.backlog: over REVIEW_BACKLOG_ALERT, sent once an hour however many checks', async () => {
    const { id } = await register('/backlog', ['queue.backlog']);
    for (let i = 0; i < 2; i++) expect((await decided(author, await submit(`The minister is an idiot, backlog ${++n}`))).status).toBe('in_review');
    const sender = t.app.get(WebhookSender);
    expect(await sender.checkBacklog()).toBe('sent');
    expect(await Promise.all([sender.checkBacklog(), sender.checkBacklog()])).toEqual(['already-sent', 'already-sent']);
    const alert = await receiver.next('/backlog');
    expect(alert.json).toMatchObject({ type: 'queue.backlog', data: { inReview: expect.any(Number), threshold: 1, dashboardUrl: `${t.url}/moderation` } });
    expect(alert.json.data.inReview).toBeGreaterThanOrEqual(2);
    await t.app.get(WebhookRelay).relay();
    expect(receiver.at('/backlog')).toHaveLength(1);
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('events committed by a process that stopped before relaying them are relayed by another', async () => {
    const { id, secret } = await register('/durable', ['comment.featured']);
    const comment = await submit(clean());
    expect((await decided(author, comment)).status).toBe('published');
    // As a featuring would in its transaction, in a process that died right after its commit.
    await t.app.get(DataSource).transaction(async (manager) => {
      await recordWebhookEvent(t.app.get(Sql), manager, { type: 'comment.featured', commentId: comment, commenterId: author.id });
    });
    const arrived = await receiver.next('/durable');
    expect(arrived.json).toMatchObject({ type: 'comment.featured', data: { comment: { id: comment } } });
    expect(signed(arrived, secret)).toEqual({ ok: true });
    expect(await t.app.get(Sql).rows('SELECT id FROM webhook_events')).toEqual([]);
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('50 failed attempts in a row switch the endpoint off: audited, shown with the reason, admins mailed; later retries dropped', async () => {
    const down = `/down-${kind}`;
    receiver.answer(down, 500);
    const { id } = await register(down, ['queue.backlog'], { description: 'Chat room' });
    const sql = t.app.get(Sql);
    for (let i = 0; i < 50; i++) await recordWebhookEvent(sql, undefined, { type: 'queue.backlog', detail: { inReview: i, threshold: 1 } });
    const off = await waitFor(
      async () => {
        const { webhook } = await (await admin.api.get(`/api/moderation/webhooks/${id}`)).json();
        return webhook.enabled ? undefined : webhook;
      },
      20_000,
      'the endpoint to be switched off',
    );
    expect(off).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
    expect(off.failures).toBeGreaterThanOrEqual(50); // attempts already in flight at the 50th may add one or two
    expect(off.disabledReason).toMatch(/^Switched off after 50 failed attempts in a row; the last: answered 500/);
    // The 50 events' first attempts, retries that came before the 50th failure, and attempts already
    // on their way then; after those, nothing: retries due (a 1 ms backoff) are dropped, not sent.
    const settled = async () => {
      for (let last = -1; ; await new Promise((resolve) => setTimeout(resolve, 500))) {
        const log = await deliveries(id);
        if (log.length === last) return log;
        last = log.length;
      }
    };
    const log = await settled();
    expect(log.length).toBeGreaterThanOrEqual(50);
    expect(log.length).toBeLessThanOrEqual(100);
    expect(log.every((d) => d.status !== 'delivered')).toBe(true);
    expect(receiver.at(down)).toHaveLength(log.length);
    const audit = (await (await admin.api.get('/api/moderation/log')).json()).items as Array<{ action: string; detail: Record<string, unknown>; moderator: unknown }>;
    expect(audit.filter((e) => e.action === 'webhook.disabled' && e.detail?.webhookId === id)).toEqual([expect.objectContaining({ moderator: null })]);
    const [mail] = await smtp.waitFor(admin.email, 1);
    expect(mail!.subject).toBe('Webhook switched off: Chat room');
    expect(mail!.text).toContain(receiver.url(down));
    expect(mail!.headers.has('list-unsubscribe')).toBe(false);
    expect(smtp.to(desk.email)).toEqual([]); // admins only

    // Switched on again: a fresh count.
    receiver.answer(down, 200);
    const on = await admin.api.patch(`/api/moderation/webhooks/${id}`, { enabled: true });
    expect((await on.json()).webhook).toMatchObject({ enabled: true, failures: 0, disabledReason: null, disabledAt: null });
    expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${id}`)).status).toBe(204);
  });

  test('without WEBHOOK_ALLOW_PRIVATE: literal private addresses refused (400), a name resolving to one registered but never reached', async () => {
    // The same process, switched as WEBHOOK_ALLOW_PRIVATE=false would start it (the setting is read at each use).
    t.config.webhookAllowPrivate = false;
    try {
      for (const url of ['http://127.0.0.1/x', 'http://10.1.2.3/', 'http://169.254.169.254/latest/meta-data', 'http://[::1]/', 'http://[fd00::1]/', 'http://[fe80::1]/', 'http://[::ffff:127.0.0.1]/', 'http://0.0.0.0/', 'http://100.64.0.1/', 'http://224.0.0.1/', 'http://0x7f.1/']) {
        const response = await create({ url, events: ['comment.created'] });
        expect([url, response.status]).toEqual([url, 400]);
        expect(await response.json()).toMatchObject({ error: 'WEBHOOK_URL_PRIVATE', field: 'url' });
      }
      const local = await create({ url: receiver.url('/refused', 'localhost'), events: ['comment.created'] });
      expect(local.status).toBe(201);
      const { webhook } = await local.json();
      expect((await admin.api.post(`/api/moderation/webhooks/${webhook.id}/test`, {})).status).toBe(202);
      const [failed] = await waitFor(async () => {
        const log = await deliveries(webhook.id);
        return log.length > 0 ? log : undefined;
      });
      expect(failed).toMatchObject({ status: 'failed', responseCode: null, attempt: 1 });
      expect(failed!.error).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a private, loopback or link-local address: not connected/);
      expect(receiver.at('/refused')).toEqual([]);
      expect((await admin.api.request('DELETE', `/api/moderation/webhooks/${webhook.id}`)).status).toBe(204);
    } finally {
      t.config.webhookAllowPrivate = true;
    }
  });
});
