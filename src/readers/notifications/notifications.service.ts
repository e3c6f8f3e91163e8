import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RateLimits } from '../../common/rate-limits.js';
import { placeholders, Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { ReaderData } from '../reader-data.js';
import type { EmailMode } from '../email/reader-email.entity.js';
import { NOTIFICATION_TYPES, type NotificationType } from './notification.entity.js';
import { KEPT_PER_READER, TRIM_SLACK, trimReader } from './notification-writes.js';
import type { NotificationPage, NotificationView, PreferenceChanges, Preferences } from './notifications.dto.js';

/** Marking read and changing preferences, per reader per minute (the widget needs a handful). */
const WRITE_LIMIT = { points: 60, windowSeconds: 60, message: 'Too many changes to notifications: at most 60 a minute' };
const MAX_ID = 2 ** 31 - 1;

interface Row {
  id: number | string;
  type: NotificationType;
  comment_id: string | null;
  article_id: string | null;
  article_url: string | null;
  reason: string | null;
  actor_name: string | null;
  created_at: unknown;
  read_at: unknown;
}

/** Each type's e-mail mode when the reader chose none. */
export const DEFAULT_EMAIL_MODES: Readonly<Record<NotificationType, EmailMode>> = {
  reply: 'immediate',
  published: 'off',
  rejected: 'immediate',
  featured: 'immediate',
  warning: 'immediate',
};

/** A stored email_mode, or the type's default. */
export function emailModeOf(type: NotificationType, stored: unknown): EmailMode {
  return stored === 'immediate' || stored === 'digest' || stored === 'off' ? stored : DEFAULT_EMAIL_MODES[type];
}

/** The page's cursor: the last id shown, opaque to the widget. */
export function encodeCursor(id: number): string {
  return Buffer.from(`n${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,16}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString() : '';
  const id = /^n\d{1,10}$/.test(text) ? Number(text.slice(1)) : NaN;
  if (!(id >= 1 && id <= MAX_ID)) throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
  return id;
}

/**
 * The reader's notifications (written by the changes they tell of: notification-writes.ts), what
 * they have read, and which types they get.
 */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly limits: RateLimits,
    readerData: ReaderData,
  ) {
    readerData.register({
      name: 'notifications',
      export: async (readerId) => (await this.rows(readerId, KEPT_PER_READER * 2)).map((row) => this.view(row)),
      // Theirs, and their name in others' reply notifications.
      erase: async (readerId, manager) => {
        await this.sql.run('DELETE FROM notifications WHERE reader_id = $1', [readerId], manager);
        await this.sql.run('UPDATE notifications SET actor_id = NULL, actor_name = NULL WHERE actor_id = $1', [readerId], manager);
      },
    });
    readerData.register({
      name: 'preferences',
      export: (readerId) => this.preferences(readerId),
      erase: async (readerId, manager) => {
        await this.sql.run('DELETE FROM notification_preferences WHERE reader_id = $1', [readerId], manager);
      },
    });
  }

  /** Newest first; `before` is a cursor from an earlier page. */
  async page(readerId: string, limit: number, cursor?: string): Promise<NotificationPage> {
    const before = cursor ? decodeCursor(cursor) : undefined;
    // The first page's look also trims the reader's notifications when needed.
    const unread = before ? await this.unread(readerId) : (await this.unreadState(readerId)).unread;
    const rows = await this.rows(readerId, limit + 1, before);
    const items = rows.slice(0, limit).map((row) => this.view(row));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor(Number(last.id)) : null, unread };
  }

  /** Unread ones, and the newest id (the poll's ETag changes with either). */
  async unreadState(readerId: string): Promise<{ unread: number; latest: number }> {
    const [row] = await this.sql.rows<{ unread: unknown; latest: unknown; kept: unknown }>(
      'SELECT COUNT(*) FILTER (WHERE read_at IS NULL) AS unread, MAX(id) AS latest, COUNT(*) AS kept FROM notifications WHERE reader_id = $1',
      [readerId],
    );
    // The rules' batches do not trim (notification-writes.ts): the bell's poll does, now and then.
    if (Number(row?.kept ?? 0) > KEPT_PER_READER + TRIM_SLACK) {
      await trimReader(this.sql, readerId);
      return this.unreadState(readerId);
    }
    return { unread: Number(row?.unread ?? 0), latest: Number(row?.latest ?? 0) };
  }

  async unread(readerId: string, manager?: EntityManager): Promise<number> {
    const [row] = await this.sql.rows<{ n: unknown }>('SELECT COUNT(*) AS n FROM notifications WHERE reader_id = $1 AND read_at IS NULL', [readerId], manager);
    return Number(row?.n ?? 0);
  }

  /** Marks the reader's own among `ids` (others' are ignored, as unknown ones), or all of them; answers the unread count after. */
  async markRead(readerId: string, which: { ids: Array<string | number> } | { all: true }): Promise<number> {
    await this.limits.consume('notifications', readerId, WRITE_LIMIT);
    const now = this.sql.timeParam(new Date());
    return this.transactions.run(async (manager) => {
      if ('all' in which) {
        await this.sql.run('UPDATE notifications SET read_at = $1 WHERE reader_id = $2 AND read_at IS NULL', [now, readerId], manager);
      } else {
        const ids = [...new Set(which.ids.map(Number))].filter((id) => id <= MAX_ID);
        if (ids.length) {
          await this.sql.run(
            `UPDATE notifications SET read_at = $1 WHERE reader_id = $2 AND read_at IS NULL AND id IN (${placeholders(ids.length, 3)})`,
            [now, readerId, ...ids],
            manager,
          );
        }
      }
      return this.unread(readerId, manager);
    });
  }

  async preferences(readerId: string): Promise<Preferences> {
    const rows = await this.sql.rows<{ type: NotificationType; enabled: unknown; email_mode: unknown }>(
      'SELECT type, enabled, email_mode FROM notification_preferences WHERE reader_id = $1',
      [readerId],
    );
    const notifications = Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, true])) as Record<NotificationType, boolean>;
    const email = { ...DEFAULT_EMAIL_MODES };
    for (const row of rows) {
      if (!(row.type in notifications)) continue;
      notifications[row.type] = this.sql.bool(row.enabled);
      email[row.type] = emailModeOf(row.type, row.email_mode);
    }
    return { notifications, email };
  }

  /** Sets the types named (on/off, e-mail mode); the others keep their setting. */
  async setPreferences(readerId: string, changes: PreferenceChanges): Promise<Preferences> {
    await this.limits.consume('notifications', readerId, WRITE_LIMIT);
    const switches = changes.notifications ?? {};
    const named = NOTIFICATION_TYPES.filter((type) => switches[type] !== undefined);
    await this.transactions.run(async (manager) => {
      if (named.length) {
        await this.sql.run(
          `INSERT INTO notification_preferences (reader_id, type, enabled) VALUES ${named.map((_, i) => `($1, $${i * 2 + 2}, $${i * 2 + 3}::boolean)`).join(', ')}
           ON CONFLICT (reader_id, type) DO UPDATE SET enabled = excluded.enabled`,
          [readerId, ...named.flatMap((type) => [type, switches[type]])],
          manager,
        );
      }
      await this.setEmailModes(readerId, changes.email ?? {}, manager);
    });
    return this.preferences(readerId);
  }

  /** The e-mail modes named (a type without a row stays on for the bell). */
  async setEmailModes(readerId: string, modes: Partial<Record<NotificationType, EmailMode>>, manager?: EntityManager): Promise<void> {
    const named = NOTIFICATION_TYPES.filter((type) => modes[type] !== undefined);
    if (named.length === 0) return;
    await this.sql.run(
      `INSERT INTO notification_preferences (reader_id, type, enabled, email_mode) VALUES ${named.map((_, i) => `($1, $${i * 2 + 2}, $${named.length * 2 + 2}::boolean, $${i * 2 + 3})`).join(', ')}
       ON CONFLICT (reader_id, type) DO UPDATE SET email_mode = excluded.email_mode`,
      [readerId, ...named.flatMap((type) => [type, modes[type]]), true],
      manager,
    );
  }

  private rows(readerId: string, limit: number, before?: number): Promise<Row[]> {
    return this.sql.rows<Row>(
      `SELECT id, type, comment_id, article_id, article_url, reason, actor_name, created_at, read_at
         FROM notifications WHERE reader_id = $1 ${before === undefined ? '' : 'AND id < $3'}
        ORDER BY id DESC LIMIT $2`,
      before === undefined ? [readerId, limit] : [readerId, limit, before],
    );
  }

  private view(row: Row): NotificationView {
    const url = row.article_url && /^https?:\/\//i.test(row.article_url) ? row.article_url.split('#')[0]! : null;
    return {
      id: String(row.id),
      type: row.type,
      commentId: row.comment_id,
      articleId: row.article_id,
      articleUrl: row.article_url,
      link: url && row.comment_id ? `${url}#comment-${row.comment_id}` : url,
      at: this.sql.time(row.created_at).toISOString(),
      read: row.read_at != null,
      ...(row.type === 'rejected' ? { reason: row.reason } : {}),
      ...(row.type === 'reply' ? { actor: row.actor_name === null ? null : { displayName: row.actor_name } } : {}),
    };
  }
}
