import { Injectable, Logger } from '@nestjs/common';
import { deriveKey } from '../../auth/keys.js';
import { RateLimits } from '../../common/rate-limits.js';
import { AppConfig } from '../../config.js';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { NOTIFICATION_TYPES } from '../notifications/notification.entity.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ReaderData } from '../reader-data.js';
import { hashToken, looksLikeConfirmToken, parseUnsubscribeToken, verifyUnsubscribe, type UnsubscribeScope } from './email-tokens.js';
import type { EmailState } from './email.dto.js';
import { MailQueue } from './mail.queue.js';
import type { MailLanguage } from './reader-email.entity.js';

export interface EmailRow {
  reader_id: string;
  address: string;
  language: MailLanguage;
  confirmed_at: unknown;
  token_hash: string | null;
  token_expires_at: unknown;
  confirmation_sent_at: unknown;
}

/** Confirmation mails one address may get a day, whichever readers ask for them. */
const ADDRESS_RULE = { points: 10, windowSeconds: 24 * 3600, message: 'Too many confirmation mails to this address today' };

export type TokenOutcome<T> = ({ ok: true } & T) | { ok: false; why: 'invalid' | 'expired'; lang?: MailLanguage };

/**
 * A reader's e-mail address: set (a confirmation mail goes out through the queue), confirmed by the
 * link, removed; and the public unsubscribe links. Mail itself is MailSender's.
 */
@Injectable()
export class EmailService {
  private readonly log = new Logger(EmailService.name);
  private readonly unsubscribeKey: Buffer;

  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
    private readonly queue: MailQueue,
    private readonly notifications: NotificationsService,
    readerData: ReaderData,
  ) {
    this.unsubscribeKey = deriveKey(config.authSecret, 'email-unsubscribe');
    readerData.register({
      name: 'email',
      export: async (readerId) => {
        const row = await this.row(readerId);
        if (!row) return null;
        const prefs = await this.notifications.preferences(readerId);
        return {
          address: row.address,
          language: row.language,
          confirmedAt: row.confirmed_at == null ? null : this.sql.time(row.confirmed_at).toISOString(),
          modes: prefs.email,
        };
      },
      // The modes live in notification_preferences, erased with the preferences section.
      erase: async (readerId, manager) => {
        await this.sql.run('DELETE FROM reader_emails WHERE reader_id = $1', [readerId], manager);
      },
    });
  }

  get available(): boolean {
    return this.queue.available;
  }

  get key(): Buffer {
    return this.unsubscribeKey;
  }

  async row(readerId: string): Promise<EmailRow | undefined> {
    const [row] = await this.sql.rows<EmailRow>(
      'SELECT reader_id, address, language, confirmed_at, token_hash, token_expires_at, confirmation_sent_at FROM reader_emails WHERE reader_id = $1',
      [readerId],
    );
    return row;
  }

  async state(readerId: string): Promise<EmailState> {
    const row = await this.row(readerId);
    const confirmed = row?.confirmed_at != null;
    return {
      available: this.available,
      address: row?.address ?? null,
      confirmed,
      language: row?.language ?? null,
      confirmationSentAt: row && !confirmed && row.confirmation_sent_at != null ? this.sql.time(row.confirmation_sent_at).toISOString() : null,
    };
  }

  /** 202 and a confirmation mail for a new (or still unconfirmed) address; 200 for the confirmed one again. */
  async setAddress(readerId: string, address: string, language: MailLanguage): Promise<{ status: 200 | 202; state: EmailState }> {
    this.assertAvailable();
    const existing = await this.row(readerId);
    if (existing && existing.address === address && existing.confirmed_at != null) {
      if (existing.language !== language) {
        await this.sql.run('UPDATE reader_emails SET language = $1, updated_at = $2 WHERE reader_id = $3', [language, new Date(), readerId]);
      }
      return { status: 200, state: await this.state(readerId) };
    }
    await this.limits.consume('email', readerId, this.rateRule());
    // However many accounts ask, one inbox gets a bounded number of confirmation mails.
    await this.limits.consume('email-to', hashToken(address), ADDRESS_RULE);
    const now = new Date();
    // A new address starts unconfirmed, with no valid link until the confirm job makes one (every older link stops working now).
    await this.sql.run(
      `INSERT INTO reader_emails (reader_id, address, language, confirmed_at, token_hash, token_expires_at, confirmation_sent_at, created_at, updated_at)
       VALUES ($1, $2, $3, NULL, NULL, NULL, $4, $4, $4)
       ON CONFLICT (reader_id) DO UPDATE SET address = excluded.address, language = excluded.language, confirmed_at = NULL, token_hash = NULL,
         token_expires_at = NULL, confirmation_sent_at = excluded.confirmation_sent_at, updated_at = excluded.updated_at`,
      [readerId, address, language, now],
    );
    await this.queueConfirmation(readerId, address, now);
    return { status: 202, state: await this.state(readerId) };
  }

  /** A new link for the unconfirmed address (the older one stops working at once). */
  async resend(readerId: string): Promise<EmailState> {
    this.assertAvailable();
    const row = await this.row(readerId);
    if (!row || row.confirmed_at != null) throw new AppError('NO_EMAIL_PENDING', 409, 'There is no unconfirmed address to send a link to');
    await this.limits.consume('email', readerId, this.rateRule());
    await this.limits.consume('email-to', hashToken(row.address), ADDRESS_RULE);
    const now = new Date();
    await this.sql.run('UPDATE reader_emails SET token_hash = NULL, token_expires_at = NULL, confirmation_sent_at = $1, updated_at = $1 WHERE reader_id = $2', [now, readerId]);
    await this.queueConfirmation(readerId, row.address, now);
    return this.state(readerId);
  }

  async remove(readerId: string): Promise<void> {
    await this.sql.run('DELETE FROM reader_emails WHERE reader_id = $1', [readerId]);
  }

  /** The confirmation link: once, before it expires. */
  async confirm(token: unknown): Promise<TokenOutcome<{ lang: MailLanguage; address: string }>> {
    if (!looksLikeConfirmToken(token)) return { ok: false, why: 'invalid' };
    const hash = hashToken(token);
    const [row] = await this.sql.rows<EmailRow>('SELECT reader_id, address, language, token_expires_at FROM reader_emails WHERE token_hash = $1', [hash]);
    if (!row) return { ok: false, why: 'invalid' };
    const now = new Date();
    if (row.token_expires_at == null || this.sql.time(row.token_expires_at) <= now) return { ok: false, why: 'expired', lang: row.language };
    const done = await this.sql.run(
      'UPDATE reader_emails SET confirmed_at = $1, token_hash = NULL, token_expires_at = NULL, confirmation_sent_at = NULL, updated_at = $1 WHERE reader_id = $2 AND token_hash = $3',
      [now, row.reader_id, hash],
    );
    if (done.affected !== 1) return { ok: false, why: 'invalid', lang: row.language };
    this.log.log({ readerId: row.reader_id }, 'e-mail address confirmed');
    return { ok: true, lang: row.language, address: row.address };
  }

  /** Whose link it is (the page before the button): valid only for the address it was made for. */
  async unsubscribeTarget(token: unknown): Promise<TokenOutcome<{ lang: MailLanguage; scope: UnsubscribeScope; readerId: string }>> {
    const parsed = parseUnsubscribeToken(token);
    if (!parsed) return { ok: false, why: 'invalid' };
    const row = await this.row(parsed.readerId);
    if (!row || !verifyUnsubscribe(this.unsubscribeKey, parsed, row.address)) return { ok: false, why: 'invalid' };
    return { ok: true, lang: row.language, scope: parsed.scope, readerId: parsed.readerId };
  }

  /** One-click unsubscribe: the scope's e-mail mode off, and its mail still waiting dropped. */
  async unsubscribe(token: unknown): Promise<TokenOutcome<{ lang: MailLanguage; scope: UnsubscribeScope }>> {
    const target = await this.unsubscribeTarget(token);
    if (!target.ok) return target;
    const types = target.scope === 'all' ? NOTIFICATION_TYPES : [target.scope];
    await this.transactions.run(async (manager) => {
      await this.notifications.setEmailModes(target.readerId, Object.fromEntries(types.map((type) => [type, 'off'])), manager);
      await this.sql.run(
        `UPDATE notifications SET mail_state = 'skip' WHERE reader_id = $1 AND type IN (${types.map((_, i) => `$${i + 2}`).join(', ')})
            AND (mail_state IS NULL OR mail_state IN ('held', 'digest'))`,
        [target.readerId, ...types],
        manager,
      );
    });
    this.log.log({ readerId: target.readerId, scope: target.scope }, 'unsubscribed by link');
    return { ok: true, lang: target.lang, scope: target.scope };
  }

  private async queueConfirmation(readerId: string, address: string, at: Date): Promise<void> {
    try {
      await this.queue.add('confirm', { readerId, address, sentAt: at.getTime() }, `confirm-${readerId}-${at.getTime()}`);
    } catch (err) {
      this.log.warn({ err: (err as Error).message, readerId }, 'confirmation mail not queued');
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'The confirmation mail cannot be sent just now; please try again shortly', {}, { 'retry-after': '5' });
    }
  }

  private assertAvailable(): void {
    if (!this.available) throw new AppError('EMAIL_NOT_AVAILABLE', 503, 'E-mail notifications are not available on this service');
  }

  private rateRule() {
    return { points: this.config.emailRateLimit, windowSeconds: 3600, message: `Too many address changes or resends: at most ${this.config.emailRateLimit} an hour` };
  }
}
