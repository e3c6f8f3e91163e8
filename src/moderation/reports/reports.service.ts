import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { Commenter } from '../../auth/commenter.entity.js';
import { Article } from '../../comments/article.entity.js';
import { CommentEvents } from '../../comments/comment-events.js';
import { Comment } from '../../comments/comment.entity.js';
import { RateLimits } from '../../common/rate-limits.js';
import { AppConfig } from '../../config.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { adjustListedCounts } from '../decisions/listed-counts.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';
import { BansService } from '../commenters/bans.service.js';
import { CommentReport, type ReportReason } from './report.entity.js';
import { Sql } from '../../db/sql.js';
import { recordWebhookEvent } from '../../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../../integrations/webhooks/webhook-types.js';

export interface ReportAnswer {
  commentId: string;
  reason: ReportReason;
  createdAt: string;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const REPORT_WINDOW_SECONDS = 3600;

/**
 * Readers' reports. The REPORT_THRESHOLD-th distinct reader puts the comment in the `reported`
 * queue (and, with HIDE_REPORTED, out of the public list) — once, by a conditional update, however
 * many reports arrive together. A moderator's decision clears it (ModerationService.transition).
 */
@Injectable()
export class ReportsService {
  private readonly log = new Logger(ReportsService.name);

  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(CommentReport) private readonly reports: Repository<CommentReport>,
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
    private readonly config: AppConfig,
    private readonly bans: BansService,
    private readonly limits: RateLimits,
    private readonly sql: Sql,
    private readonly webhooks: WebhookTypes,
  ) {}

  async report(reader: Pick<Commenter, 'id' | 'status'>, commentId: string, input: { reason: ReportReason; note?: string }): Promise<ReportAnswer> {
    const readerId = reader.id;
    if (await this.bans.isBanned(reader)) throw new AppError('COMMENTER_BANNED', 403, 'This account may not report comments');
    // Every request counts, a repeat of an earlier report too: the limit guards the database work below.
    await this.limits.consume('report', readerId, {
      points: this.config.reportRateLimit,
      windowSeconds: REPORT_WINDOW_SECONDS,
      message: `Too many reports: at most ${this.config.reportRateLimit} an hour`,
    });
    const comment = /^[0-9a-f-]{36}$/.test(commentId) ? await this.comments.findOneBy({ id: commentId }) : null;
    if (!comment) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const earlier = await this.reports.findOneBy({ commentId, commenterId: readerId });
    if (earlier) return answer(earlier);
    if (comment.status !== 'published' || comment.hiddenAt) throw new AppError('COMMENT_NOT_PUBLISHED', 409, 'Only published comments can be reported');
    if (comment.commenterId === readerId) throw new AppError('OWN_COMMENT', 409, 'You cannot report your own comment');

    const report = Object.assign(new CommentReport(), { commentId, commenterId: readerId, reason: input.reason, note: input.note ?? null, createdAt: new Date() });
    let entered: { reportCount: number; hidden: boolean } | null;
    try {
      entered = await this.transactions.run(async (manager) => {
        await manager.insert(CommentReport, report);
        await manager
          .createQueryBuilder()
          .update(Comment)
          .set({ reportCount: () => 'report_count + 1' })
          .where('id = :id', { id: commentId })
          .execute();
        const now = new Date();
        const hide = this.config.hideReported;
        const reached = await manager
          .createQueryBuilder()
          .update(Comment)
          .set({ reportedAt: now, hiddenAt: hide ? now : null })
          .where("id = :id AND status = 'published' AND reported_at IS NULL AND report_count >= :threshold", { id: commentId, threshold: this.config.reportThreshold })
          .execute();
        const queued = reached.affected === 1;
        // Webhooks hear of every report (a newsroom's chat room wants the first one too); `queued`: this one reached REPORT_THRESHOLD.
        const hooked = this.webhooks.wants('comment.reported');
        if (!queued && !hooked) return null;
        if (queued && hide) await adjustListedCounts(manager, comment, -1);
        const counted = await manager.findOne(Comment, { select: { id: true, reportCount: true }, where: { id: commentId } });
        const reportCount = counted?.reportCount ?? this.config.reportThreshold;
        if (hooked) {
          const detail = { reportCount, reason: input.reason, queued, hidden: queued && hide };
          await recordWebhookEvent(this.sql, manager, { type: 'comment.reported', commentId, commenterId: comment.commenterId, detail }, now);
        }
        if (!queued) return null;
        await manager.insert(
          AuditEntry,
          auditRow({ createdAt: now, action: 'comment.reported', commentId, commenterId: comment.commenterId, detail: { reportCount, hidden: hide } }),
        );
        return { reportCount, hidden: hide };
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const first = await this.reports.findOneBy({ commentId, commenterId: readerId });
      if (first) return answer(first);
      throw err;
    }
    if (entered) {
      this.log.log({ commentId, ...entered }, 'comment entered the reported queue');
      await this.events.emit({ type: 'comment.reported', articleId: comment.articleId, commentId, ...entered });
    }
    return answer(report);
  }
}

function answer(report: CommentReport): ReportAnswer {
  return { commentId: report.commentId, reason: report.reason, createdAt: report.createdAt.toISOString() };
}
