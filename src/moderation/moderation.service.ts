import { Injectable, Logger } from '@nestjs/common';
import { Article } from '../comments/article.entity.js';
import { Transactions } from '../db/transactions.js';
import { CommentEvents } from '../comments/comment-events.js';
import { Comment, type CommentStatus } from '../comments/comment.entity.js';
import { DecisionStats, uuidv7Time } from '../metrics/decision-stats.js';
import type { Finding } from '../rules/types.js';
import { ModerationLogEntry, type Actor } from './moderation-log.entity.js';

export interface Transition {
  commentId: string;
  /** The statuses the change is allowed from; anything else is a conflict. */
  from: readonly CommentStatus[];
  to: CommentStatus;
  actor: Actor;
  actorId?: string | null;
  reason?: string | null;
  note?: string | null;
  findings?: Finding[];
  /** The comment's article, when the caller already knows it (saves a read). */
  articleId?: string;
}

export type TransitionResult =
  | { changed: true; comment: Comment; previous: CommentStatus }
  | { changed: false; comment: Comment | null };

/**
 * The one place a comment's status changes — the worker and moderators both come through here.
 * The update is conditional on the status it expects, so retries, duplicate jobs and two moderators
 * at once can never apply a decision twice or log it twice.
 */
@Injectable()
export class ModerationService {
  private readonly log = new Logger(ModerationService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
    private readonly stats: DecisionStats,
  ) {}

  async transition(t: Transition): Promise<TransitionResult> {
    const result = await this.transactions.run(async (manager): Promise<TransitionResult> => {
      // With a single expected status (the worker's pending → …), the conditional update alone
      // decides; otherwise read which of the expected statuses it is in.
      const skipRead = t.from.length === 1 && t.articleId !== undefined;
      const current = skipRead ? undefined : await manager.findOneBy(Comment, { id: t.commentId });
      if (current === null || (current && !t.from.includes(current.status))) return { changed: false, comment: current };
      const previous = current?.status ?? t.from[0]!;
      const articleId = current?.articleId ?? t.articleId!;
      if (previous === t.to) return { changed: false, comment: current ?? (await manager.findOneBy(Comment, { id: t.commentId })) };
      const now = new Date();
      const update = await manager
        .createQueryBuilder()
        .update(Comment)
        .set({
          status: t.to,
          decisionReason: t.reason ?? null,
          decidedAt: now,
          publishedAt: t.to === 'published' ? now : null,
          ...(t.findings ? { findings: t.findings } : {}),
        })
        .where('id = :id AND status = :previous', { id: t.commentId, previous })
        .execute();
      if (update.affected !== 1) return { changed: false, comment: await manager.findOneBy(Comment, { id: t.commentId }) };

      const delta = (t.to === 'published' ? 1 : 0) - (previous === 'published' ? 1 : 0);
      if (delta !== 0) {
        await manager
          .createQueryBuilder()
          .update(Article)
          .set({ publishedCount: () => `published_count + ${delta}` })
          .where('id = :id', { id: articleId })
          .execute();
      }
      await manager.insert(ModerationLogEntry, {
        commentId: t.commentId,
        fromStatus: previous,
        toStatus: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
        note: t.note ?? null,
        createdAt: now,
      });
      return {
        changed: true,
        previous,
        comment: Object.assign(current ?? Object.assign(new Comment(), { id: t.commentId, articleId, findings: null }), {
          status: t.to,
          decisionReason: t.reason ?? null,
          decidedAt: now,
          publishedAt: t.to === 'published' ? now : null,
          findings: t.findings ?? current?.findings ?? null,
        }),
      };
    });
    if (result.changed) {
      this.log.debug({ commentId: t.commentId, from: result.previous, to: t.to, actor: t.actor }, 'comment status changed');
      const { comment } = result;
      this.stats.record({
        commentId: t.commentId,
        from: result.previous,
        to: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
        submittedAt: comment.createdAt ?? uuidv7Time(t.commentId),
        decidedAt: comment.decidedAt ?? new Date(),
      });
      await this.events.emit({
        type: 'comment.changed',
        articleId: comment.articleId,
        commentId: t.commentId,
        from: result.previous,
        to: t.to,
        actor: t.actor,
        actorId: t.actorId ?? null,
        reason: t.reason ?? null,
      });
    }
    return result;
  }
}
