import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../../config.js';
import { placeholders, Sql } from '../../db/sql.js';
import { InjectRedis } from '../../redis/redis.module.js';
import type { NotificationType } from '../notifications/notification.entity.js';
import { emailModeOf } from '../notifications/notifications.service.js';
import { hashToken, newConfirmToken, unsubscribeToken, type UnsubscribeScope } from './email-tokens.js';
import { EmailService, type EmailRow } from './email.service.js';
import { renderConfirmation, renderDigest, renderNotifications, type MailItem, type RenderedMail } from './mail-templates.js';
import { MailQueue, type MailJob } from './mail.queue.js';
import { Mailer } from './mailer.js';
import type { MailState } from './reader-email.entity.js';

/** Notifications one scan looks at. */
const SCAN_ROWS = 500;
/** Notifications one immediate mail shows (a busy thread's others are counted: "and N more"). */
const IDS_PER_MAIL = 50;
/** Held threads one scan looks at (oldest first). */
const HELD_THREADS = 500;
/** Notifications one digest takes (older ones left go with the next), and how many it lists. */
const DIGEST_ROWS = 200;
const DIGEST_SHOWN = 50;
/** Readers read per page when the daily digest run adds their jobs. */
const DIGEST_READERS_PAGE = 1000;

interface PendingRow {
  id: number | string;
  reader_id: string;
  type: NotificationType;
  comment_id: string | null;
  created_at: unknown;
  confirmed_at: unknown;
  address: string;
  email_mode: unknown;
  parent_id: string | null;
}

interface ItemRow {
  id: number | string;
  type: NotificationType;
  comment_id: string | null;
  article_url: string | null;
  reason: string | null;
  actor_name: string | null;
  event_key: string;
  email_mode: unknown;
  body: string | null;
  status: string | null;
}

/**
 * What the `mail` queue's jobs do: the scan that sorts new notifications (skip, digest, or an
 * immediate mail once the thread's window is free), the sending jobs (which check the address
 * again, send, then mark the rows sent), the daily digest run and the confirmation mail.
 */
@Injectable()
export class MailSender {
  private readonly log = new Logger(MailSender.name);

  constructor(
    private readonly sql: Sql,
    private readonly config: AppConfig,
    private readonly email: EmailService,
    private readonly queue: MailQueue,
    private readonly mailer: Mailer,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  /**
   * Sorts the new notifications of readers with a confirmed address (off: skip; digest; immediate:
   * held for its thread's mail), then adds one immediate mail per held thread whose window is free.
   * Answers how many new notifications it looked at.
   */
  async scan(): Promise<number> {
    const rows = await this.sql.rows<PendingRow>(
      `SELECT n.id, n.reader_id, n.type, n.comment_id, n.created_at, e.confirmed_at, e.address, p.email_mode, c.parent_id
         FROM reader_emails e
         JOIN notifications n ON n.reader_id = e.reader_id AND n.mail_state IS NULL
         LEFT JOIN notification_preferences p ON p.reader_id = n.reader_id AND p.type = n.type
         LEFT JOIN comments c ON c.id = n.comment_id
        WHERE e.confirmed_at IS NOT NULL
        ORDER BY n.id LIMIT ${SCAN_ROWS}`,
    );
    const skip: number[] = [];
    const digest: number[] = [];
    const held = new Map<string, number[]>();
    for (const row of rows) {
      const id = Number(row.id);
      const mode = emailModeOf(row.type, row.email_mode);
      // Only what happened after the address was confirmed is mailed.
      if (mode === 'off' || this.sql.time(row.created_at) < this.sql.time(row.confirmed_at)) skip.push(id);
      else if (mode === 'digest') digest.push(id);
      else {
        const thread = (row.parent_id ?? row.comment_id ?? `n${id}`).slice(0, 64);
        held.set(thread, [...(held.get(thread) ?? []), id]);
      }
    }
    await this.mark(skip, 'skip', [null]);
    await this.mark(digest, 'digest', [null]);
    for (const [thread, ids] of held) {
      await this.sql.run(`UPDATE notifications SET mail_state = 'held', mail_thread = $1 WHERE id IN (${placeholders(ids.length, 2)}) AND mail_state IS NULL`, [thread, ...ids]);
    }
    await this.mailHeldThreads();
    return rows.length;
  }

  /**
   * One immediate mail per reader and thread per window: a thread whose window is free gets a job
   * for all its held rows so far; later ones wait for the next window. The job id is the thread's
   * oldest held row, so a job still retrying (or lost by Redis, once its window is over) is not
   * doubled by the next scans.
   */
  private async mailHeldThreads(): Promise<void> {
    const threads = await this.sql.rows<{ reader_id: string; mail_thread: string; first: number | string; last: number | string; address: string }>(
      `SELECT h.reader_id, h.mail_thread, h.first, h.last, e.address
         FROM (SELECT reader_id, mail_thread, MIN(id) AS first, MAX(id) AS last FROM notifications
                WHERE mail_state = 'held' GROUP BY reader_id, mail_thread ORDER BY MIN(id) LIMIT ${HELD_THREADS}) h
         JOIN reader_emails e ON e.reader_id = h.reader_id AND e.confirmed_at IS NOT NULL`,
    );
    for (const { reader_id: readerId, mail_thread: thread, first, last, address } of threads) {
      const free = await this.redis.set(this.windowKey(readerId, thread), '1', 'EX', this.config.mailThreadWindowMinutes * 60, 'NX');
      if (free !== 'OK') continue;
      await this.queue.add('notify', { readerId, address, thread, upTo: Number(last) }, `notify-${readerId}-${Number(first)}`);
    }
  }

  windowKey(readerId: string, thread: string): string {
    return `${this.config.queuePrefix}:mail:window:${readerId}:${thread.slice(0, 64)}`;
  }

  /** An immediate mail: the thread's held notifications up to the job's last, to the address they were sorted for. */
  async notify(job: MailJob): Promise<string> {
    if (!job.readerId || !job.address || !job.thread || job.upTo === undefined) return 'nothing to send';
    const email = await this.currentAddress(job.readerId, job.address);
    if (!email) {
      await this.settleThread(job, 'skip');
      return 'address changed';
    }
    const held = await this.sql.rows<{ id: number | string }>(
      `SELECT id FROM notifications WHERE reader_id = $1 AND mail_thread = $2 AND mail_state = 'held' AND id <= $3 ORDER BY id DESC LIMIT ${IDS_PER_MAIL}`,
      [job.readerId, job.thread, job.upTo],
    );
    const { items, off } = await this.items(job.readerId, held.map((row) => Number(row.id)).reverse(), ['held']);
    await this.mark(off, 'skip', ['held'], job.readerId);
    if (items.length === 0) return 'already sent';
    const [{ n }] = await this.sql.rows<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1 AND mail_thread = $2 AND mail_state = 'held' AND id <= $3`,
      [job.readerId, job.thread, job.upTo],
    );
    const more = Math.max(0, Number(n) - held.length);
    const scopes = new Set(items.map((item) => item.type));
    const scope: UnsubscribeScope = scopes.size === 1 ? items[0]!.type : 'all';
    await this.send(email, scope, (url) => renderNotifications(email.language, items, more, url));
    await this.settleThread(job, 'sent');
    return `sent ${items.length + more}`;
  }

  /** The job's rows (its thread's held ones up to its last) are done with. */
  private async settleThread(job: MailJob, to: MailState): Promise<void> {
    await this.sql.run(`UPDATE notifications SET mail_state = $1 WHERE reader_id = $2 AND mail_thread = $3 AND mail_state = 'held' AND id <= $4`, [
      to,
      job.readerId,
      job.thread,
      job.upTo,
    ]);
  }

  /** The daily run: one digest job per reader with notifications waiting for it. */
  async runDigest(now = new Date()): Promise<number> {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: this.config.mailTimeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
    let after = '';
    let added = 0;
    for (;;) {
      const readers = await this.sql.rows<{ reader_id: string; address: string }>(
        `SELECT e.reader_id, e.address FROM reader_emails e
          WHERE e.confirmed_at IS NOT NULL AND e.reader_id > $1
            AND EXISTS (SELECT 1 FROM notifications n WHERE n.reader_id = e.reader_id AND n.mail_state = 'digest')
          ORDER BY e.reader_id LIMIT ${DIGEST_READERS_PAGE}`,
        [after],
      );
      for (const { reader_id: readerId, address } of readers) {
        await this.queue.add('send-digest', { readerId, address }, `digest-${readerId}-${day}`);
        added++;
      }
      if (readers.length < DIGEST_READERS_PAGE) return added;
      after = readers[readers.length - 1]!.reader_id;
    }
  }

  /** One reader's digest: everything marked for it since the last one (at most DIGEST_ROWS). */
  async sendDigest(job: MailJob): Promise<string> {
    if (!job.readerId || !job.address) return 'nothing to send';
    const email = await this.currentAddress(job.readerId, job.address);
    if (!email) return 'address changed';
    const waiting = await this.sql.rows<{ id: number | string }>(
      `SELECT id FROM notifications WHERE reader_id = $1 AND mail_state = 'digest' ORDER BY id LIMIT ${DIGEST_ROWS}`,
      [job.readerId],
    );
    const { items, send, off } = await this.items(
      job.readerId,
      waiting.map((row) => Number(row.id)),
      ['digest'],
    );
    await this.mark(off, 'skip', ['digest'], job.readerId);
    if (send.length === 0) return 'nothing waiting';
    const shown = items.slice(-DIGEST_SHOWN).reverse(); // the newest first
    await this.send(email, 'all', (url) => renderDigest(email.language, shown, items.length - shown.length, url));
    await this.mark(send, 'sent', ['digest'], job.readerId);
    return `sent ${send.length}`;
  }

  /** The confirmation mail, with a new single-use link (its hash replaces any older one). */
  async confirm(job: MailJob): Promise<string> {
    if (!job.readerId || !job.address) return 'nothing to send';
    const row = await this.email.row(job.readerId);
    const current = row && row.address === job.address && row.confirmed_at == null;
    if (!current || (job.sentAt !== undefined && row.confirmation_sent_at != null && this.sql.time(row.confirmation_sent_at).getTime() !== job.sentAt)) {
      return 'superseded';
    }
    const token = newConfirmToken();
    const expires = new Date(Date.now() + this.config.emailConfirmHours * 3600 * 1000);
    const stored = await this.sql.run(
      'UPDATE reader_emails SET token_hash = $1, token_expires_at = $2 WHERE reader_id = $3 AND address = $4 AND confirmed_at IS NULL',
      [hashToken(token), expires, job.readerId, job.address],
    );
    if (stored.affected !== 1) return 'superseded';
    const confirmUrl = `${this.config.publicUrl}/api/email/confirm?token=${token}`;
    await this.send(row, 'all', (url) => renderConfirmation(row.language, confirmUrl, this.config.emailConfirmHours, url));
    return 'sent';
  }

  /** After a sending job's last attempt: its notifications are marked failed (never retried by a scan). */
  async giveUp(name: string, job: MailJob): Promise<void> {
    if (!job.readerId) return;
    if (name === 'notify' && job.thread && job.upTo !== undefined) await this.settleThread(job, 'failed');
    if (name === 'send-digest') {
      await this.sql.run(`UPDATE notifications SET mail_state = 'failed' WHERE reader_id = $1 AND mail_state = 'digest'`, [job.readerId]);
    }
  }

  /** The reader's address when it is still `address` and confirmed. */
  private async currentAddress(readerId: string, address: string): Promise<EmailRow | undefined> {
    const row = await this.email.row(readerId);
    return row && row.address === address && row.confirmed_at != null ? row : undefined;
  }

  /** The notifications as the mail shows them; those whose type's mail was switched off meanwhile in `off`. */
  private async items(readerId: string, ids: number[], states: Array<MailState | null>): Promise<{ items: MailItem[]; send: number[]; off: number[] }> {
    if (ids.length === 0) return { items: [], send: [], off: [] };
    const rows = await this.sql.rows<ItemRow>(
      `SELECT n.id, n.type, n.comment_id, n.article_url, n.reason, n.actor_name, n.event_key, p.email_mode, c.body, c.status
         FROM notifications n
         LEFT JOIN notification_preferences p ON p.reader_id = n.reader_id AND p.type = n.type
         LEFT JOIN comments c ON c.id = n.comment_id
        WHERE n.reader_id = $1 AND n.id IN (${placeholders(ids.length, 2)}) AND ${this.stateIn(states, ids.length + 2)}
        ORDER BY n.id`,
      [readerId, ...ids, ...states.filter((s) => s !== null)],
    );
    const warnings = await this.warnings(readerId, rows);
    const items: MailItem[] = [];
    const send: number[] = [];
    const off: number[] = [];
    for (const row of rows) {
      if (emailModeOf(row.type, row.email_mode) === 'off') {
        off.push(Number(row.id));
        continue;
      }
      send.push(Number(row.id));
      const url = row.article_url && /^https?:\/\//i.test(row.article_url) ? row.article_url.split('#')[0]! : null;
      // A reply is shown while it is published; the reader's own comment unless they deleted it.
      const visible = row.type === 'reply' ? row.status === 'published' : row.status !== null && row.status !== 'deleted';
      items.push({
        type: row.type,
        link: url && row.comment_id ? `${url}#comment-${row.comment_id}` : url,
        actorName: row.actor_name,
        text: visible ? row.body : null,
        reason: row.reason,
        message: warnings.get(row.event_key) ?? null,
      });
    }
    return { items, send, off };
  }

  private async warnings(readerId: string, rows: ItemRow[]): Promise<Map<string, string>> {
    const ids = rows.filter((row) => row.type === 'warning').map((row) => /^warning:(\d{1,10})$/.exec(row.event_key)?.[1]).filter((id): id is string => !!id);
    if (ids.length === 0) return new Map();
    const found = await this.sql.rows<{ id: number | string; message: string }>(
      `SELECT id, message FROM commenter_warnings WHERE commenter_id = $1 AND id IN (${placeholders(ids.length, 2)})`,
      [readerId, ...ids.map(Number)],
    );
    return new Map(found.map((row) => [`warning:${row.id}`, row.message]));
  }

  private async send(email: EmailRow, scope: UnsubscribeScope, render: (unsubscribeUrl: string) => RenderedMail): Promise<void> {
    const unsubscribeUrl = `${this.config.publicUrl}/api/email/unsubscribe?token=${encodeURIComponent(unsubscribeToken(this.email.key, email.reader_id, scope, email.address))}`;
    const mail = render(unsubscribeUrl);
    await this.mailer.send({ to: email.address, ...mail, unsubscribeUrl });
    this.log.debug({ readerId: email.reader_id, scope }, 'mail sent');
  }

  /** Moves rows to `to` from one of the states `from` (null: not looked at yet), never from another. */
  private async mark(ids: number[], to: MailState, from: Array<MailState | null>, readerId?: string): Promise<void> {
    if (ids.length === 0) return;
    const params: unknown[] = [to, ...ids];
    let where = `id IN (${placeholders(ids.length, 2)}) AND ${this.stateIn(from, ids.length + 2)}`;
    params.push(...from.filter((s) => s !== null));
    if (readerId) {
      params.push(readerId);
      where += ` AND reader_id = $${params.length}`;
    }
    await this.sql.run(`UPDATE notifications SET mail_state = $1 WHERE ${where}`, params);
  }

  /** `(mail_state IS NULL OR mail_state IN ($first, …))` for the states given. */
  private stateIn(states: Array<MailState | null>, first: number): string {
    const named = states.filter((s) => s !== null);
    const parts = [...(states.includes(null) ? ['mail_state IS NULL'] : []), ...(named.length ? [`mail_state IN (${placeholders(named.length, first)})`] : [])];
    return `(${parts.join(' OR ')})`;
  }
}
