import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RateLimits } from '../../common/rate-limits.js';
import { AppConfig } from '../../config.js';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { ReaderData } from '../reader-data.js';

/** How many readers one reader may mute; the widget loads them all, so this also bounds GET /api/me/muted. */
export const MUTES_MAX = 1000;

const READER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A muted reader as the widget's list shows them. */
export interface MutedReader {
  id: string;
  displayName: string;
  avatarUrl: string | null;
  mutedAt: string;
}

/**
 * Readers muting readers. A mute changes nothing for anyone else: the public list stays public and
 * cacheable, the widget hides muted readers' comments from the one who muted them, and
 * notifications skip their replies (hasMuted).
 */
@Injectable()
export class MutesService {
  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
    readerData: ReaderData,
  ) {
    readerData.register({
      name: 'mutes',
      export: (readerId) => this.list(readerId),
      // Theirs, and everyone's mutes of them: nothing keeps the deleted reader's id behind.
      erase: async (readerId, manager) => {
        await this.sql.run('DELETE FROM reader_mutes WHERE muter_id = $1 OR muted_id = $1', [readerId], manager);
      },
    });
  }

  /** Mutes `mutedId` for `readerId`; muting again answers the same and changes nothing. */
  async mute(readerId: string, mutedId: string): Promise<MutedReader> {
    acceptReaderId(mutedId);
    if (mutedId === readerId) throw new AppError('CANNOT_MUTE_SELF', 409, 'You cannot mute yourself');
    await this.countWrite(readerId);
    return this.transactions.run(async (manager) => {
      // One reader's mutes take turns (SQLite runs transactions one at a time anyway), so the cap holds under parallel requests.
      if (this.sql.isPostgres) await this.sql.run('SELECT id FROM commenters WHERE id = $1 FOR UPDATE', [readerId], manager);
      const [muted] = await this.sql.rows<{ display_name: string; avatar_url: string | null }>(
        'SELECT display_name, avatar_url FROM commenters WHERE id = $1',
        [mutedId],
        manager,
      );
      if (!muted) throw new AppError('NOT_FOUND', 404, 'No such reader');
      const [earlier] = await this.sql.rows<{ created_at: unknown }>(
        'SELECT created_at FROM reader_mutes WHERE muter_id = $1 AND muted_id = $2',
        [readerId, mutedId],
        manager,
      );
      const mutedAt = earlier ? this.sql.time(earlier.created_at) : new Date();
      if (!earlier) {
        const [count] = await this.sql.rows<{ n: unknown }>('SELECT COUNT(*) AS n FROM reader_mutes WHERE muter_id = $1', [readerId], manager);
        if (Number(count?.n ?? 0) >= MUTES_MAX) {
          throw new AppError('MUTE_LIMIT_REACHED', 409, `You can mute at most ${MUTES_MAX} readers; unmute someone first`, { limit: MUTES_MAX });
        }
        await this.sql.run(
          'INSERT INTO reader_mutes (muter_id, muted_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (muter_id, muted_id) DO NOTHING',
          [readerId, mutedId, this.sql.timeParam(mutedAt)],
          manager,
        );
      }
      return { id: mutedId, displayName: muted.display_name, avatarUrl: muted.avatar_url ?? null, mutedAt: mutedAt.toISOString() };
    });
  }

  /** Unmutes; unmuting a reader not muted changes nothing. NOT_FOUND only for an id that is no reader at all. */
  async unmute(readerId: string, mutedId: string): Promise<void> {
    acceptReaderId(mutedId);
    await this.countWrite(readerId);
    const { affected } = await this.sql.run('DELETE FROM reader_mutes WHERE muter_id = $1 AND muted_id = $2', [readerId, mutedId]);
    if (affected > 0) return;
    const [known] = await this.sql.rows('SELECT id FROM commenters WHERE id = $1', [mutedId]);
    if (!known) throw new AppError('NOT_FOUND', 404, 'No such reader');
  }

  /** The readers `readerId` muted, newest first (at most MUTES_MAX, the cap). */
  async list(readerId: string): Promise<MutedReader[]> {
    const rows = await this.sql.rows<{ muted_id: string; created_at: unknown; display_name: string; avatar_url: string | null }>(
      `SELECT m.muted_id, m.created_at, c.display_name, c.avatar_url
         FROM reader_mutes m JOIN commenters c ON c.id = m.muted_id
        WHERE m.muter_id = $1
        ORDER BY m.created_at DESC, m.muted_id
        LIMIT $2`,
      [readerId, MUTES_MAX],
    );
    return rows.map((row) => ({ id: row.muted_id, displayName: row.display_name, avatarUrl: row.avatar_url ?? null, mutedAt: this.sql.time(row.created_at).toISOString() }));
  }

  /**
   * Whether `readerId` muted `authorId` (the notifications ask before telling a reader of a reply).
   * Inside a transaction, pass its manager (on SQLite a statement outside it would wait for it).
   */
  async hasMuted(readerId: string, authorId: string, manager?: EntityManager): Promise<boolean> {
    const rows = await this.sql.rows('SELECT 1 AS x FROM reader_mutes WHERE muter_id = $1 AND muted_id = $2', [readerId, authorId], manager);
    return rows.length > 0;
  }

  /** Every write counts, repeats too: the limit guards the database work. */
  private countWrite(readerId: string): Promise<void> {
    return this.limits.consume('mute', readerId, {
      points: this.config.muteRateLimit,
      windowSeconds: 60,
      message: `Too many mutes and unmutes: at most ${this.config.muteRateLimit} a minute`,
    });
  }
}

function acceptReaderId(id: string): void {
  if (!READER_ID.test(id)) throw new AppError('VALIDATION_FAILED', 400, 'commenterId must be a reader id', { field: 'commenterId' });
}
