import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, type Repository } from 'typeorm';
import { Sql, placeholders } from '../db/sql.js';
import { ModerationQueue, type QueuedText } from '../moderation/worker/moderation.queue.js';
import { Comment } from './comment.entity.js';
import { AppConfig } from '../config.js';
import { requestLogger } from '../logger.js';
import type { Redis } from 'ioredis';
import { InjectRedis, within } from '../redis/redis.module.js';

const BATCH = 500;
const SWEEP_MS = 1000;
/** Rows younger than this belong to a relay that is about to flush them itself. */
const ORPHAN_AGE_MS = 2000;

/**
 * Moves outbox rows into the `moderation` queue. A submit kicks it at once (the fast path: rows
 * written by this process, flushed in batches); a sweep every second picks up rows left behind
 * by a crash or by a Redis outage, from any process. Adding twice is harmless: the job id is the
 * comment id (with its edit's version, jobId()) and moderation is idempotent.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(OutboxRelay.name);
  /** Comment id → the text's version (edit_count) to judge. */
  private pending = new Map<string, number>();
  private running?: Promise<void>;
  private again = false;
  private sweeper?: NodeJS.Timeout;
  private sweepDue = false;
  private redisDown = false;
  private lastStuckCheck = Date.now();

  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    private readonly config: AppConfig,
    private readonly sql: Sql,
    private readonly queue: ModerationQueue,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => {
      this.sweepDue = true;
      this.schedule();
    }, SWEEP_MS);
    this.sweeper.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await within(this.running ?? Promise.resolve(), 3000);
  }

  /** Called once a comment (or its edit, `version` = its edit_count) and its outbox row are committed. */
  kick(commentId: string, version = 0): void {
    this.pending.set(commentId, Math.max(version, this.pending.get(commentId) ?? 0));
    this.schedule();
  }

  /** Flushes now, once at a time; whatever arrives meanwhile goes in the next round. */
  private schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    // Rounds serve many requests: they must not carry the request id of the one that kicked them.
    this.running = requestLogger
      .exit(() => this.round())
      .catch((err: Error) => this.log.warn({ err }, 'outbox relay round failed'))
      .finally(() => {
        this.running = undefined;
        if (this.again) this.schedule();
      });
  }

  private async round(): Promise<void> {
    while (this.pending.size > 0) {
      const texts = [...this.pending].slice(0, BATCH).map(([commentId, version]) => ({ commentId, version }));
      texts.forEach(({ commentId }) => this.pending.delete(commentId));
      if (!(await this.publish(texts))) break; // kept in the outbox for the sweep
    }
    if (this.sweepDue) {
      this.sweepDue = false;
      await this.sweep();
      if (Date.now() - this.lastStuckCheck >= this.config.pendingRetryAfterSeconds * 1000) {
        this.lastStuckCheck = Date.now();
        await this.requeueStuck();
      }
    }
  }

  /** Comments accepted long ago and still pending: their job was lost; queue them again. */
  private async requeueStuck(): Promise<void> {
    // One process per period does this (every API process and worker runs a relay).
    const periodMs = this.config.pendingRetryAfterSeconds * 1000;
    const mine = await this.redis.set(`${this.config.queuePrefix}:requeue-stuck`, String(process.pid), 'PX', Math.max(1000, periodMs - 500), 'NX').catch(() => null);
    if (mine !== 'OK') return;
    const before = new Date(Date.now() - this.config.pendingRetryAfterSeconds * 1000);
    const [comments, edits] = await Promise.all([
      this.comments.find({ select: { id: true }, where: { status: 'pending', createdAt: LessThan(before) }, order: { createdAt: 'ASC' }, take: BATCH }),
      // A published comment's edit waits in its revision, not in the comment's status.
      this.sql.rows<{ comment_id: string }>("SELECT DISTINCT comment_id FROM comment_revisions WHERE status = 'pending' AND created_at < $1 LIMIT $2", [before, BATCH]),
    ]);
    const stuck = [...new Set([...comments.map((c) => c.id), ...edits.map((row) => row.comment_id)])];
    if (stuck.length === 0) return;
    try {
      await this.queue.requeue(stuck);
      this.log.warn({ count: stuck.length }, 'requeued comments still pending after PENDING_RETRY_AFTER');
    } catch {
      // Redis still away: the next check tries again.
    }
  }

  /** Rows from crashed processes, and everything held back while Redis was away. */
  private async sweep(): Promise<void> {
    for (;;) {
      const rows = await this.sql.rows<{ comment_id: string; version: unknown }>(
        `SELECT o.comment_id, COALESCE(c.edit_count, 0) AS version FROM outbox o LEFT JOIN comments c ON c.id = o.comment_id
          WHERE o.created_at < $1 ORDER BY o.id ASC LIMIT $2`,
        [new Date(Date.now() - (this.redisDown ? 0 : ORPHAN_AGE_MS)), BATCH],
      );
      if (rows.length === 0 || !(await this.publish(rows.map((row) => ({ commentId: row.comment_id, version: Number(row.version) })))) || rows.length < BATCH) return;
    }
  }

  private async publish(texts: QueuedText[]): Promise<boolean> {
    if (texts.length === 0) return true;
    const commentIds = texts.map((text) => text.commentId);
    try {
      await this.queue.addAll(texts);
    } catch (err) {
      if (!this.redisDown) this.log.warn({ err: (err as Error).message, held: commentIds.length }, 'queue unavailable: comments held in the outbox');
      this.redisDown = true;
      return false;
    }
    if (this.redisDown) this.log.log('queue available again: releasing held comments');
    this.redisDown = false;
    await this.sql.run(`DELETE FROM outbox WHERE comment_id IN (${placeholders(commentIds.length)})`, commentIds);
    return true;
  }
}
