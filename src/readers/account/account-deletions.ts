import { Injectable, Logger } from '@nestjs/common';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterCache } from '../../auth/commenter-cache.js';
import { AppConfig } from '../../config.js';
import { Sql } from '../../db/sql.js';
import { AppError } from '../../errors.js';
import { AccountsQueue } from './accounts.queue.js';

/** Due deletions the sweep starts per run (the next run takes the rest). */
const SWEEP_BATCH = 100;
/** How long after a deletion the sweep still looks for what it may have left behind (a reaction or comment racing it). */
const LEFTOVER_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * A reader's request to delete their account: stored on the commenter (deletion_at), woken by a
 * delayed job, cancellable until it runs. The sweep makes sure nothing scheduled is forgotten.
 */
@Injectable()
export class AccountDeletions {
  private readonly log = new Logger(AccountDeletions.name);

  constructor(
    private readonly sql: Sql,
    private readonly queue: AccountsQueue,
    private readonly cache: CommenterCache,
    private readonly config: AppConfig,
  ) {}

  /** Schedules the deletion after the grace period; asked again, keeps the first schedule. */
  async schedule(reader: Commenter): Promise<{ deletionAt: string }> {
    const at = new Date(Date.now() + this.config.accountDeletionGraceHours * 3600 * 1000);
    await this.sql.run("UPDATE commenters SET deletion_at = $1 WHERE id = $2 AND deletion_at IS NULL AND status <> 'deleted'", [at, reader.id]);
    const [row] = await this.sql.rows<{ deletion_at: unknown; status: string }>('SELECT deletion_at, status FROM commenters WHERE id = $1', [reader.id]);
    if (!row || row.status === 'deleted' || row.deletion_at == null) throw new AppError('UNAUTHENTICATED', 401, 'This account no longer exists; sign in again');
    const deletionAt = this.sql.time(row.deletion_at);
    await this.cache.changed([reader.id]);
    await this.queue.scheduleDeletion(reader.id, deletionAt).catch((err: Error) => this.log.warn({ err: err.message, readerId: reader.id }, 'deletion job not queued; the sweep will start it'));
    return { deletionAt: deletionAt.toISOString() };
  }

  async cancel(reader: Commenter): Promise<void> {
    const cancelled = await this.sql.run("UPDATE commenters SET deletion_at = NULL WHERE id = $1 AND deletion_at IS NOT NULL AND status <> 'deleted'", [reader.id]);
    if (cancelled.affected !== 1) throw new AppError('NO_DELETION_SCHEDULED', 409, 'No deletion of this account is scheduled');
    await this.cache.changed([reader.id]);
    // A job left behind finds deletion_at empty and does nothing.
    await this.queue.cancelDeletion(reader.id).catch((err: Error) => this.log.warn({ err: err.message, readerId: reader.id }, 'deletion job not removed; it will find the deletion cancelled'));
  }

  /**
   * Starts every due deletion that is not done (its job lost with Redis's data, or failed for
   * good), and runs again the recent ones something raced (a comment or reaction that landed
   * meanwhile). Runs every few minutes on the worker.
   */
  async sweep(): Promise<number> {
    const now = new Date();
    const due = await this.sql.rows<{ id: string }>(
      `SELECT id FROM commenters WHERE deletion_at IS NOT NULL AND deletion_at <= $1 AND status <> 'deleted' ORDER BY deletion_at LIMIT ${SWEEP_BATCH}`,
      [now],
    );
    const since = new Date(now.getTime() - LEFTOVER_WINDOW_MS);
    const leftover = await this.sql.rows<{ id: string }>(
      `SELECT m.id FROM commenters m WHERE m.deletion_at > $1 AND m.deletion_at <= $2 AND m.status = 'deleted'
          AND (EXISTS (SELECT 1 FROM comment_reactions r WHERE r.commenter_id = m.id)
               ${this.config.accountDeletionComments === 'remove' ? "OR EXISTS (SELECT 1 FROM comments c WHERE c.commenter_id = m.id AND c.status <> 'deleted')" : ''})
        LIMIT ${SWEEP_BATCH}`,
      [since, now],
    );
    const ids = [...due, ...leftover].map((row) => row.id);
    for (const id of ids) await this.queue.deleteNow(id);
    if (ids.length > 0) this.log.log({ due: due.length, leftover: leftover.length }, 'account deletions started by the sweep');
    return ids.length;
  }
}
