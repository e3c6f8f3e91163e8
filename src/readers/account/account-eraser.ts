import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CommenterCache } from '../../auth/commenter-cache.js';
import { CommentEvents } from '../../comments/comment-events.js';
import type { CommentStatus } from '../../comments/comment.entity.js';
import { AppConfig } from '../../config.js';
import { Sql, placeholders } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AuditEntry, auditRow } from '../../moderation/decisions/audit-entry.entity.js';
import { ModerationService } from '../../moderation/decisions/moderation.service.js';
import { ReaderData } from '../reader-data.js';

/** What a deleted account's name becomes in the database (the widget shows its own words: "탈퇴한 회원"). */
export const DELETED_ACCOUNT_NAME = 'Deleted account';
/** The reason logged on comments removed with their account. */
export const ACCOUNT_DELETED_REASON = 'account_deleted';

const BATCH = 500;
/** Rounds of removing comments before the job gives up and is retried (a moderator racing every round). */
const MAX_ROUNDS = 20;
const REMOVABLE: CommentStatus[] = ['pending', 'in_review', 'published', 'rejected'];

export type ErasureOutcome = 'deleted' | 'cancelled';

/**
 * Tests only (read when NODE_ENV=test): ACCOUNT_DELETION_STEP_DELAY_MS pauses the eraser after each
 * step and batch, so a test can kill a worker halfway through a deletion.
 */
function stepDelayMs(config: AppConfig): number {
  if (config.nodeEnv !== 'test') return 0;
  const ms = Number(process.env.ACCOUNT_DELETION_STEP_DELAY_MS ?? 0);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : 0;
}

/**
 * An account's deletion, as ordered steps that can each run again: a retried job (a crash, a
 * restart, a lost lock) repeats them all and ends in the same state.
 *   1. the profile, in one transaction: the reader marked deleted (from then on every token and
 *      session of theirs is refused), name and picture erased, the provider link freed (signing in
 *      again makes a new reader), every ReaderData section erased, the audit entry written once;
 *   2. their reactions, in batches, the comments' counts moving by exactly what was removed;
 *   3. their comments: kept under "Deleted account" (the lists learn it at once), or removed the
 *      way an author's deletion removes one (ACCOUNT_DELETION_COMMENTS).
 */
@Injectable()
export class AccountEraser {
  private readonly log = new Logger(AccountEraser.name);
  private readonly stepDelayMs: number;

  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly readerData: ReaderData,
    private readonly cache: CommenterCache,
    private readonly events: CommentEvents,
    private readonly moderation: ModerationService,
    private readonly config: AppConfig,
  ) {
    this.stepDelayMs = stepDelayMs(config);
  }

  async run(readerId: string): Promise<ErasureOutcome> {
    if ((await this.eraseProfile(readerId)) === 'cancelled') return 'cancelled';
    await this.cache.changed([readerId]);
    await this.pause();
    await this.removeReactions(readerId);
    if (this.config.accountDeletionComments === 'remove') await this.removeComments(readerId);
    else await this.announceAnonymised(readerId);
    this.log.log({ readerId }, 'account deleted');
    return 'deleted';
  }

  /** Step 1. Nothing happens unless the deletion is due (a cancel wins over a job that comes late). */
  async eraseProfile(readerId: string): Promise<ErasureOutcome> {
    return this.transactions.run(async (manager) => {
      const now = new Date();
      const marked = await this.sql.run(
        `UPDATE commenters SET status = 'deleted', deleted_at = $1, display_name = $2, username = NULL, avatar_url = NULL, provider_user_id = $3
          WHERE id = $4 AND status <> 'deleted' AND deletion_at IS NOT NULL AND deletion_at <= $1`,
        [now, DELETED_ACCOUNT_NAME, `deleted:${readerId}`, readerId],
        manager,
      );
      if (marked.affected === 1) {
        // That it happened, and to which id: nothing that names the person.
        await manager.insert(AuditEntry, auditRow({ createdAt: now, action: 'commenter.deleted', commenterId: readerId }));
      } else {
        const [row] = await this.sql.rows<{ status: string }>('SELECT status FROM commenters WHERE id = $1', [readerId], manager);
        if (row?.status !== 'deleted') return 'cancelled';
      }
      await this.eraseKept(readerId, manager);
      return 'deleted';
    });
  }

  /** What other tables keep about the reader: the registered sections, moderators' warnings and notes, their reports' notes. */
  private async eraseKept(readerId: string, manager: EntityManager): Promise<void> {
    for (const section of this.readerData.sections()) await section.erase(readerId, manager);
    await this.sql.run('DELETE FROM commenter_warnings WHERE commenter_id = $1', [readerId], manager);
    await this.sql.run('DELETE FROM commenter_notes WHERE commenter_id = $1', [readerId], manager);
    await this.sql.run('UPDATE comment_reports SET note = NULL WHERE commenter_id = $1 AND note IS NOT NULL', [readerId], manager);
  }

  /** Step 2: a batch at a time, each removal and the counts it moves in one transaction. */
  async removeReactions(readerId: string): Promise<void> {
    for (;;) {
      const removed = await this.transactions.run(async (manager) => {
        const rows = await this.sql.rows<{ comment_id: string; article_id: string; type: string }>(
          `DELETE FROM comment_reactions WHERE commenter_id = $1
              AND comment_id IN (SELECT comment_id FROM comment_reactions WHERE commenter_id = $1 ORDER BY comment_id LIMIT ${BATCH})
           RETURNING comment_id, article_id, type`,
          [readerId],
          manager,
        );
        const delta = new Map<string, { likes: number; dislikes: number; articleId: string }>();
        for (const row of rows) {
          const d = delta.get(row.comment_id) ?? { likes: 0, dislikes: 0, articleId: row.article_id };
          if (row.type === 'like') d.likes++;
          else d.dislikes++;
          delta.set(row.comment_id, d);
        }
        // In id order, as ReactionWriter locks them, so the two never deadlock.
        for (const id of [...delta.keys()].sort()) {
          const d = delta.get(id)!;
          await this.sql.run('UPDATE comments SET likes = likes - $1, dislikes = dislikes - $2 WHERE id = $3', [d.likes, d.dislikes, id], manager);
        }
        return delta;
      });
      for (const [commentId, { articleId }] of removed) void this.events.emit({ type: 'comment.reacted', articleId, commentId });
      if (removed.size === 0) return;
      await this.pause();
    }
  }

  /**
   * Step 3, remove: each comment through ModerationService, as an author's deletion (counts,
   * threads' placeholders, lists and live streams follow); then the texts are blanked. A comment
   * a moderator is deciding at that moment is taken in the next round.
   */
  async removeComments(readerId: string): Promise<void> {
    for (let round = 1; ; round++) {
      const rows = await this.sql.rows<{ id: string }>(
        `SELECT id FROM comments WHERE commenter_id = $1 AND status <> 'deleted' ORDER BY id LIMIT ${BATCH}`,
        [readerId],
      );
      if (rows.length === 0) break;
      if (round > MAX_ROUNDS) throw new Error(`comments of ${readerId} still changing after ${MAX_ROUNDS} rounds`);
      for (const { id } of rows) {
        await this.moderation.transition({ commentId: id, from: REMOVABLE, to: 'deleted', actor: 'author', actorId: readerId, reason: ACCOUNT_DELETED_REASON });
      }
      await this.pause();
    }
    await this.blankRemovedTexts(readerId);
  }

  /** Removed comments keep no text: not the comment's, its edits', nor the search copy. */
  private async blankRemovedTexts(readerId: string): Promise<void> {
    for (;;) {
      const rows = await this.sql.rows<{ id: string }>(
        `SELECT id FROM comments WHERE commenter_id = $1 AND status = 'deleted' AND (body <> '' OR search_text IS NOT NULL) LIMIT ${BATCH}`,
        [readerId],
      );
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.id);
      await this.transactions.run(async (manager) => {
        await this.sql.run(`UPDATE comment_revisions SET body = '' WHERE comment_id IN (${placeholders(ids.length)})`, ids, manager);
        await this.sql.run(`UPDATE comments SET body = '', search_text = NULL, findings = NULL WHERE status = 'deleted' AND id IN (${placeholders(ids.length)})`, ids, manager);
      });
    }
  }

  /**
   * Step 3, anonymise: the comments stay; their author is now "Deleted account". Each published one
   * is announced as changed, so list caches drop its article and open widgets show the new name.
   */
  async announceAnonymised(readerId: string): Promise<void> {
    for (let after = ''; ; ) {
      const rows = await this.sql.rows<{ id: string; article_id: string }>(
        `SELECT id, article_id FROM comments WHERE commenter_id = $1 AND status = 'published' AND id > $2 ORDER BY id LIMIT ${BATCH}`,
        [readerId, after],
      );
      for (const row of rows) {
        await this.events.emit({ type: 'comment.changed', articleId: row.article_id, commentId: row.id, from: 'published', to: 'published', actor: 'author', actorId: null, reason: ACCOUNT_DELETED_REASON, edited: true });
      }
      if (rows.length < BATCH) return;
      after = rows[rows.length - 1]!.id;
      await this.pause();
    }
  }

  private async pause(): Promise<void> {
    if (this.stepDelayMs > 0) await sleep(this.stepDelayMs);
  }
}
