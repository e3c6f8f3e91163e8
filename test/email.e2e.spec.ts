import { ConfigError, loadConfig } from '../src/config.js';
import { Sql } from '../src/db/sql.js';
import { AccountDeletions } from '../src/readers/account/account-deletions.js';
import { MailSender } from '../src/readers/email/mail-sender.js';
import { MailQueue } from '../src/readers/email/mail.queue.js';
import { REDIS } from '../src/redis/redis.module.js';
import type { Redis } from 'ioredis';
import { startTestApp, type TestApp } from './support/app.js';
import { Browser, formOf } from './support/browser.js';
import { DATABASES } from './support/databases.js';
import { decided, post, reader, waitFor, type Reader } from './support/readers.js';
import { startSmtp, type CaughtMail, type SmtpCatcher } from './support/smtp.js';

let remarks = 0;
const WORDS = ['harbour', 'budget', 'schools', 'summit', 'trade', 'election', 'rail', 'parks', 'housing', 'rivers', 'museums'];
/** Distinct text each time: the rules hold a reader's repeats. */
const remark = () => `A calm remark on the ${WORDS[remarks % 11]} and the ${WORDS[Math.floor(remarks++ / 11) % 11]} plans`;
let addresses = 0;
const newAddress = (name = 'reader') => `${name}.${++addresses}.${Date.now() % 1e6}@example.com`;

const confirmLink = (mail: CaughtMail) => /https?:\/\/\S+\/api\/email\/confirm\?token=[A-Za-z0-9_-]{43}/.exec(mail.text)?.[0];
const unsubscribeLink = (mail: CaughtMail) => /^<(.+)>$/.exec(mail.headers.get('list-unsubscribe') ?? '')?.[1];

describe('e-mail configuration', () => {
  const base = { NODE_ENV: 'test', AUTH_SECRET: 'x'.repeat(40), PUBLIC_URL: 'https://comments.example.com' };

  test('SMTP_URL must be an smtp:// or smtps:// URL; MAIL_FROM defaults to no-reply at PUBLIC_URL\'s host; bad settings refuse to start', () => {
    expect(() => loadConfig({ ...base, SMTP_URL: 'http://mail.example.com' })).toThrow(/SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL/);
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://user:hunter2@' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMTP_URL: 'smtp://user:hunter2@' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ ...base, MAIL_TIMEZONE: 'Mars/Olympus' })).toThrow(/MAIL_TIMEZONE/);
    expect(() => loadConfig({ ...base, MAIL_DIGEST_PATTERN: 'daily' })).toThrow(/MAIL_DIGEST_PATTERN/);
    expect(() => loadConfig({ ...base, MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    const config = loadConfig({ ...base, SMTP_URL: 'smtps://user:pass@mail.example.com:465' });
    expect(config).toMatchObject({
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      mailFrom: '"Comments" <no-reply@comments.example.com>',
      emailConfirmHours: 24,
      mailDigestPattern: '0 8 * * *',
      mailTimeZone: 'Asia/Seoul',
      mailThreadWindowMinutes: 10,
      emailRateLimit: 5,
    });
    expect(loadConfig(base).smtpUrl).toBeUndefined();
  });
});

// Configuration, the same on either database: one is enough.
describe('e-mail notifications without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  }, 60_000);
  afterAll(() => t.close());

  test('e-mail is unavailable: GET says so, PUT and resend are 503 EMAIL_NOT_AVAILABLE, DELETE still works', async () => {
    const r = await reader(t);
    expect(await (await r.api.get('/api/me/email')).json()).toEqual({ available: false, address: null, confirmed: false, language: null, confirmationSentAt: null });
    for (const response of [await r.api.put('/api/me/email', { address: 'a@example.com' }), await r.api.post('/api/me/email/resend')]) {
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ statusCode: 503, error: 'EMAIL_NOT_AVAILABLE' });
    }
    expect((await r.api.request('DELETE', '/api/me/email')).status).toBe(204);
  });
});

describe.each(DATABASES)('e-mail notifications on %s', (kind) => {
  describe('with SMTP_URL', () => {
    let t: TestApp;
    let smtp: SmtpCatcher;
    let articles = 0;
    const article = () => `${kind}-mail-${++articles}-${Date.now() % 1e6}`;
    const sql = () => t.app.get(Sql);
    const sender = () => t.app.get(MailSender);

    beforeAll(async () => {
      smtp = await startSmtp();
      t = await startTestApp(kind, { SMTP_URL: smtp.url, MAIL_SCAN_INTERVAL: '150', EMAIL_RATE_LIMIT: '4', COMMENT_RATE_LIMIT: '1000' });
    }, 60_000);
    afterAll(async () => {
      await t.close();
      await smtp.close();
    });

    /** A comment decided by the rules (a reply with parentId); its id. */
    async function comment(r: Reader, articleId: string, extra: Record<string, unknown> = {}, body = remark()): Promise<string> {
      const response = await post(r, articleId, { body, articleUrl: `https://news.example/${articleId}`, ...extra });
      expect(response.status).toBe(202);
      const { id } = await response.json();
      await decided(r, id);
      return id;
    }
    /** The reader's notifications of a comment, once the scan has sorted them: their mail_state. */
    const mailStates = async (readerId: string, commentIds: string[]) =>
      (await sql().rows<{ comment_id: string; mail_state: string | null }>(`SELECT comment_id, mail_state FROM notifications WHERE reader_id = $1`, [readerId]))
        .filter((row) => commentIds.includes(row.comment_id))
        .map((row) => row.mail_state);
    const sorted = (readerId: string, commentIds: string[], state: string) =>
      waitFor(async () => {
        const states = await mailStates(readerId, commentIds);
        return states.length === commentIds.length && states.every((s) => s === state);
      }, 10_000, `notifications to be ${state}`);

    /** Sets and confirms an address; answers its confirmation mail. */
    async function withAddress(r: Reader, address: string, language?: 'ko' | 'en'): Promise<CaughtMail> {
      const before = smtp.to(address).length;
      const put = await r.api.put('/api/me/email', language ? { address, language } : { address });
      expect(put.status).toBe(202);
      const mail = (await smtp.waitFor(address, before + 1))[before]!;
      const confirmed = await new Browser(t.url).get(confirmLink(mail)!.replace(/^https?:\/\/[^/]+/, ''));
      expect(confirmed.status).toBe(200);
      return mail;
    }

    test('PUT validates the address (syntax, ≤ 254, domain lower-cased) and the language; 401 signed out; resend with nothing pending is 409', async () => {
      const r = await reader(t);
      for (const body of [{ address: 'not-an-address' }, { address: `${'a'.repeat(250)}@example.com` }, { address: 42 }, {}, { address: 'a@example.com', language: 'fr' }, { address: 'a@example.com', other: 1 }]) {
        const refused = await r.api.put('/api/me/email', body);
        expect(refused.status).toBe(400);
        expect(await refused.json()).toMatchObject({ statusCode: 400, error: 'VALIDATION_FAILED', message: expect.any(String) });
      }
      expect(await (await r.api.put('/api/me/email', { address: 'x' })).json()).toMatchObject({ field: 'address' });
      const resend = await r.api.post('/api/me/email/resend');
      expect(resend.status).toBe(409);
      expect(await resend.json()).toMatchObject({ error: 'NO_EMAIL_PENDING' });
      const set = await r.api.put('/api/me/email', { address: 'Mixed.Case@Example.COM' });
      expect(set.status).toBe(202);
      expect(await set.json()).toEqual({ available: true, address: 'Mixed.Case@example.com', confirmed: false, language: 'en', confirmationSentAt: expect.any(String) });
      expect((await new Browser(t.url).get('/api/me/email')).status).toBe(401);
      expect((await new Browser(t.url).put('/api/me/email', { address: 'a@example.com' })).status).toBe(401);
    });

    test('the confirmation mail has a link that confirms once (then 400), a newer link replaces it, an expired one is 410; EMAIL_RATE_LIMIT', async () => {
      const r = await reader(t);
      const address = newAddress();
      expect((await r.api.put('/api/me/email', { address, language: 'en' })).status).toBe(202);
      const [first] = await smtp.waitFor(address);
      expect(first!.subject).toBe('Confirm your e-mail address');
      expect(first!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(first!.html).toContain('Confirm my address');
      const firstLink = confirmLink(first!)!.replace(/^https?:\/\/[^/]+/, '');

      // A resend: a new link, and the first one stops working at once.
      expect((await r.api.post('/api/me/email/resend')).status).toBe(202);
      const second = (await smtp.waitFor(address, 2))[1]!;
      const link = confirmLink(second)!.replace(/^https?:\/\/[^/]+/, '');
      expect(link).not.toBe(firstLink);
      const stale = await new Browser(t.url).get(firstLink);
      expect(stale.status).toBe(400);
      expect(await stale.json()).toMatchObject({ statusCode: 400, error: 'EMAIL_TOKEN_INVALID' });

      const page = await new Browser(t.url).get(link, { accept: 'text/html' });
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await page.text()).toContain('Your address is confirmed');
      expect(await (await r.api.get('/api/me/email')).json()).toEqual({ available: true, address, confirmed: true, language: 'en', confirmationSentAt: null });
      const again = await new Browser(t.url).get(link, { accept: 'text/html' });
      expect(again.status).toBe(400);
      expect(again.headers.get('content-type')).toMatch(/^text\/html/);
      expect((await new Browser(t.url).get('/api/email/confirm?token=nonsense')).status).toBe(400);

      // The same confirmed address again: 200, nothing sent.
      const same = await r.api.put('/api/me/email', { address, language: 'en' });
      expect(same.status).toBe(200);
      expect((await same.json()).confirmed).toBe(true);

      // Expired.
      const other = await reader(t);
      const late = newAddress('late');
      expect((await other.api.put('/api/me/email', { address: late })).status).toBe(202);
      const [mail] = await smtp.waitFor(late);
      await sql().run('UPDATE reader_emails SET token_expires_at = $1 WHERE reader_id = $2', [new Date(Date.now() - 1000), other.id]);
      const expired = await new Browser(t.url).get(confirmLink(mail!)!.replace(/^https?:\/\/[^/]+/, ''));
      expect(expired.status).toBe(410);
      expect(await expired.json()).toMatchObject({ statusCode: 410, error: 'EMAIL_TOKEN_EXPIRED' });

      // EMAIL_RATE_LIMIT=4 changes and resends an hour: other has used 1.
      for (let i = 0; i < 3; i++) expect((await other.api.post('/api/me/email/resend')).status).toBe(202);
      const limited = await other.api.put('/api/me/email', { address: newAddress() });
      expect(limited.status).toBe(429);
      expect(await limited.json()).toMatchObject({ error: 'RATE_LIMITED' });
      expect(smtp.mails.some((m) => m.subject !== 'Confirm your e-mail address' && m.to.includes(late))).toBe(false);
    });

    test('no mail before confirmation; a reply then makes one immediate mail, in Korean for a ko reader, with List-Unsubscribe; more replies in the thread wait for the window and go together', async () => {
      const [alice, bob, carol] = await Promise.all([reader(t, '김민지'), reader(t, '이서준'), reader(t, 'Carol')]);
      const address = newAddress('alice');
      const a = article();
      const top = await comment(alice, a);
      expect((await alice.api.put('/api/me/email', { address, language: 'ko' })).status).toBe(202);
      const early = await comment(bob, a, { parentId: top });
      const [confirmation] = await smtp.waitFor(address);
      expect(confirmation!.subject).toBe('이메일 주소를 확인해 주세요');
      // Unconfirmed: the reply is not mailed (not even later: it happened before the confirmation).
      expect((await new Browser(t.url).get(confirmLink(confirmation!)!.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(200);
      await sorted(alice.id, [early], 'skip');

      const reply = await comment(bob, a, { parentId: top }, '좋은 의견 <b>감사합니다</b>');
      const [, mail] = await smtp.waitFor(address, 2);
      expect(mail!.subject).toBe('이서준님이 내 댓글에 답글을 남겼습니다');
      expect(mail!.text).toContain('좋은 의견 <b>감사합니다</b>');
      expect(mail!.html).toContain('좋은 의견 &lt;b&gt;감사합니다&lt;/b&gt;');
      expect(mail!.text).toContain(`https://news.example/${a}#comment-${reply}`);
      expect(unsubscribeLink(mail!)).toMatch(new RegExp(`^${t.url}/api/email/unsubscribe\\?token=`));
      expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      await sorted(alice.id, [reply], 'sent');

      // Two more in the same thread within the window: they wait.
      const more = [await comment(carol, a, { parentId: top }), await comment(bob, a, { parentId: top })];
      await sender().scan();
      expect(await mailStates(alice.id, more)).toEqual(['held', 'held']);
      expect(smtp.to(address)).toHaveLength(2);
      // The window ends: both in one mail.
      await t.app.get<Redis>(REDIS).del(sender().windowKey(alice.id, top));
      const [, , together] = await smtp.waitFor(address, 3);
      expect(together!.subject).toBe('내 댓글에 새 답글 2개');
      expect(together!.text).toContain('Carol님이');
      await sorted(alice.id, more, 'sent');
      expect(smtp.to(address)).toHaveLength(3);
    });

    test('digest mode: nothing immediate, one digest when the daily job runs (and only one that day)', async () => {
      const [r, other] = await Promise.all([reader(t), reader(t, 'Dana')]);
      const address = newAddress('digest');
      await withAddress(r, address, 'en');
      const prefs = await r.api.put('/api/me/preferences', { email: { reply: 'digest', published: 'digest' } });
      expect(prefs.status).toBe(200);
      expect((await prefs.json()).email).toEqual({ reply: 'digest', published: 'digest', rejected: 'immediate', featured: 'immediate', warning: 'immediate' });
      const a = article();
      const top = await comment(r, a);
      const replies = [await comment(other, a, { parentId: top }), await comment(other, a, { parentId: top })];
      await sorted(r.id, [top, ...replies], 'digest');
      expect(smtp.to(address)).toHaveLength(1); // the confirmation only

      // The daily run is a job scheduler in MAIL_TIMEZONE; here it is run by hand.
      const schedulers = await t.app.get(MailQueue).queue!.getJobSchedulers();
      expect(schedulers).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: 'digest', pattern: '0 8 * * *', tz: 'Asia/Seoul' }), expect.objectContaining({ key: 'scan', every: 150 })]),
      );
      expect(await sender().runDigest()).toBeGreaterThanOrEqual(1);
      const [, digest] = await smtp.waitFor(address, 2);
      expect(digest!.subject).toBe('Your daily summary: 3 notifications');
      expect(digest!.text).toContain('Dana replied to your comment');
      expect(digest!.text).toContain('Your comment was published');
      expect(unsubscribeLink(digest!)).toBeDefined();
      await sorted(r.id, [top, ...replies], 'sent');
      await sender().runDigest();
      await sender().scan();
      expect(smtp.to(address)).toHaveLength(2);
    });

    test('one-click unsubscribe: GET shows a button and changes nothing; POST (form-encoded, no cookies, no CSRF token) turns the type off; a bad token is 400', async () => {
      const [r, other] = await Promise.all([reader(t), reader(t)]);
      const address = newAddress('unsub');
      await withAddress(r, address, 'en');
      const a = article();
      const top = await comment(r, a);
      await comment(other, a, { parentId: top });
      const [, mail] = await smtp.waitFor(address, 2);
      const link = unsubscribeLink(mail!)!.replace(t.url, '');

      const page = await new Browser(t.url).get(link, { accept: 'text/html' });
      expect(page.status).toBe(200);
      const form = formOf(await page.text());
      expect(form.fields).toEqual({ 'List-Unsubscribe': 'One-Click' });
      expect((await (await r.api.get('/api/me/preferences')).json()).email.reply).toBe('immediate');

      const done = await fetch(`${t.url}${link}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://mail.example' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(await done.json()).toEqual({ scope: 'reply', mode: 'off' });
      expect((await (await r.api.get('/api/me/preferences')).json()).email).toEqual({ reply: 'off', published: 'off', rejected: 'immediate', featured: 'immediate', warning: 'immediate' });
      // The bell still gets replies; the mail does not.
      const later = await comment(other, a, { parentId: top });
      await sorted(r.id, [later], 'skip');
      expect(smtp.to(address)).toHaveLength(2);

      // An empty POST works too; a tampered token does not.
      expect((await fetch(`${t.url}${link}`, { method: 'POST' })).status).toBe(200);
      const bad = await fetch(`${t.url}${link.slice(0, -2)}xx`, { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'EMAIL_TOKEN_INVALID' });
      expect((await fetch(`${t.url}/api/email/unsubscribe?token=nope`, { method: 'POST' })).status).toBe(400);
    });

    test('a new address replaces the old at once: the old one gets nothing more and its unsubscribe links stop working', async () => {
      const [r, other] = await Promise.all([reader(t), reader(t)]);
      const oldAddress = newAddress('old');
      const newOne = newAddress('new');
      await withAddress(r, oldAddress, 'en');
      const a = article();
      const top = await comment(r, a);
      await comment(other, a, { parentId: top });
      const [, mail] = await smtp.waitFor(oldAddress, 2);
      const oldLink = unsubscribeLink(mail!)!.replace(t.url, '');

      expect((await r.api.put('/api/me/email', { address: newOne })).status).toBe(202);
      expect((await fetch(`${t.url}${oldLink}`, { method: 'POST' })).status).toBe(400);
      const b = article();
      const top2 = await comment(r, b);
      const unconfirmed = await comment(other, b, { parentId: top2 });
      await waitFor(async () => smtp.to(newOne).length === 1, 10_000, 'the confirmation mail');
      await withAddressConfirmedFrom(smtp.to(newOne)[0]!);
      await sorted(r.id, [unconfirmed], 'skip');
      const confirmedReply = await comment(other, b, { parentId: top2 });
      await smtp.waitFor(newOne, 2);
      await sorted(r.id, [confirmedReply], 'sent');
      expect(smtp.to(oldAddress)).toHaveLength(2);
    });
    async function withAddressConfirmedFrom(mail: CaughtMail): Promise<void> {
      expect((await new Browser(t.url).get(confirmLink(mail)!.replace(/^https?:\/\/[^/]+/, ''))).status).toBe(200);
    }

    test('the SMTP server down: the mail is retried and delivered once it is back', async () => {
      const r = await reader(t);
      const address = newAddress('retry');
      await smtp.stop();
      try {
        expect((await r.api.put('/api/me/email', { address })).status).toBe(202);
        const queue = t.app.get(MailQueue).queue!;
        await waitFor(async () => (await queue.getJobs(['delayed'])).some((job) => job.name === 'confirm' && job.data.readerId === r.id && job.attemptsMade >= 1), 15_000, 'a failed attempt');
      } finally {
        await smtp.start();
      }
      const [mail] = await smtp.waitFor(address, 1, 20_000);
      expect(mail!.subject).toBe('Confirm your e-mail address');
    });

    test('the export has the address; deleting the account erases it and mails nothing more', async () => {
      const [r, other] = await Promise.all([reader(t), reader(t)]);
      const address = newAddress('gone');
      await withAddress(r, address, 'ko');
      const exported = await (await r.api.get('/api/me/export')).json();
      expect(exported.email).toEqual({ address, language: 'ko', confirmedAt: expect.any(String), modes: expect.objectContaining({ reply: 'immediate' }) });
      const a = article();
      const top = await comment(r, a);
      expect((await r.api.request('DELETE', '/api/me')).status).toBe(202);
      await sql().run('UPDATE commenters SET deletion_at = $1 WHERE id = $2', [new Date(Date.now() - 1000), r.id]);
      await t.app.get(AccountDeletions).sweep();
      await waitFor(async () => (await sql().rows('SELECT 1 FROM reader_emails WHERE reader_id = $1', [r.id])).length === 0, 20_000, 'the address erased');
      await comment(other, a, { parentId: top });
      await sender().scan();
      expect(smtp.to(address)).toHaveLength(1);
    });
  });
});
