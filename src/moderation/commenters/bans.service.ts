import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, type Repository } from 'typeorm';
import { CommenterCache } from '../../auth/commenter-cache.js';
import { Commenter } from '../../auth/commenter.entity.js';
import { Comment } from '../../comments/comment.entity.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';
import { CommenterBan, isInForce } from './ban.entity.js';
import { REJECT_REASONS, type RejectReason } from '../moderation.dto.js';
import { ModerationService } from '../decisions/moderation.service.js';
import { Sql } from '../../db/sql.js';
import { recordWebhookEvent } from '../../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../../integrations/webhooks/webhook-types.js';

export interface BanInput {
  reason: string;
  until?: string;
  note?: string;
  rejectPending?: boolean;
}

/**
 * Bans: a row per ban with who, why and until when. commenters.status mirrors "has a ban" so the
 * comment path only reads the bans table for a commenter marked banned (an expired `until` then
 * lets them through).
 */
@Injectable()
export class BansService {
  constructor(
    @InjectRepository(CommenterBan) private readonly bans: Repository<CommenterBan>,
    @InjectRepository(Commenter) private readonly commenters: Repository<Commenter>,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    private readonly transactions: Transactions,
    private readonly moderation: ModerationService,
    private readonly readers: CommenterCache,
    private readonly sql: Sql,
    private readonly webhooks: WebhookTypes,
  ) {}

  /** The ban in force, if any. */
  async activeBan(commenterId: string, now = new Date()): Promise<CommenterBan | null> {
    const open = await this.bans.find({ where: { commenterId, liftedAt: IsNull() }, order: { id: 'DESC' } });
    return open.find((b) => isInForce(b, now)) ?? null;
  }

  /**
   * For the comment path: free for the commenters never banned. A commenter marked banned with no
   * ban record at all (set directly in the database) stays banned until unbanned.
   */
  async isBanned(commenter: Pick<Commenter, 'id' | 'status'>): Promise<boolean> {
    if (commenter.status !== 'banned') return false;
    const bans = await this.bans.find({ where: { commenterId: commenter.id }, order: { id: 'DESC' } });
    return bans.length === 0 || bans.some((b) => isInForce(b));
  }

  history(commenterId: string): Promise<CommenterBan[]> {
    return this.bans.find({ where: { commenterId }, order: { id: 'DESC' } });
  }

  async historyOf(commenterIds: string[]): Promise<Map<string, CommenterBan[]>> {
    const byCommenter = new Map<string, CommenterBan[]>();
    if (commenterIds.length === 0) return byCommenter;
    for (const ban of await this.bans.find({ where: { commenterId: In(commenterIds) }, order: { id: 'DESC' } })) {
      const list = byCommenter.get(ban.commenterId) ?? [];
      list.push(ban);
      byCommenter.set(ban.commenterId, list);
    }
    return byCommenter;
  }

  async ban(moderatorId: string, commenterId: string, input: BanInput): Promise<{ ban: CommenterBan; rejected: string[] }> {
    await this.mustExist(commenterId);
    const now = new Date();
    const until = input.until ? new Date(input.until) : null;
    if (until && until.getTime() <= now.getTime()) throw new AppError('VALIDATION_FAILED', 400, 'until must be in the future', { field: 'until' });
    const ban = Object.assign(new CommenterBan(), {
      commenterId,
      reason: input.reason,
      note: input.note ?? null,
      until,
      createdAt: now,
      createdBy: moderatorId,
      liftedAt: null,
      liftedBy: null,
    });
    await this.transactions.run(async (manager) => {
      await manager.save(CommenterBan, ban);
      await manager.update(Commenter, { id: commenterId }, { status: 'banned' });
      await manager.insert(
        AuditEntry,
        auditRow({
          createdAt: now,
          action: 'commenter.ban',
          moderatorId,
          commenterId,
          reason: input.reason,
          note: input.note ?? null,
          detail: { until: until?.toISOString() ?? null, rejectPending: input.rejectPending ?? false },
        }),
      );
      if (this.webhooks.wants('commenter.banned')) {
        await recordWebhookEvent(this.sql, manager, { type: 'commenter.banned', commenterId, detail: { reason: input.reason, until: until?.toISOString() ?? null } }, now);
      }
    });
    await this.readers.changed([commenterId]); // status: banned, on every process's next request
    const rejected: string[] = [];
    if (input.rejectPending) {
      const reason: RejectReason = (REJECT_REASONS as readonly string[]).includes(input.reason) ? (input.reason as RejectReason) : 'other';
      const waiting = await this.comments.find({ select: { id: true }, where: { commenterId, status: In(['pending', 'in_review']) } });
      for (const { id } of waiting) {
        const result = await this.moderation.transition({
          commentId: id,
          from: ['pending', 'in_review'],
          to: 'rejected',
          actor: 'moderator',
          actorId: moderatorId,
          reason,
          note: `banned: ${input.reason}`,
        });
        if (result.changed) rejected.push(id);
      }
    }
    return { ban, rejected };
  }

  /** Lifts every open ban; true when there was one. */
  async unban(moderatorId: string, commenterId: string): Promise<number> {
    await this.mustExist(commenterId);
    const now = new Date();
    const count = await this.transactions.run(async (manager) => {
      const lifted = await manager.update(CommenterBan, { commenterId, liftedAt: IsNull() }, { liftedAt: now, liftedBy: moderatorId });
      await manager.update(Commenter, { id: commenterId }, { status: 'active' });
      const count = lifted.affected ?? 0;
      if (count > 0) await manager.insert(AuditEntry, auditRow({ createdAt: now, action: 'commenter.unban', moderatorId, commenterId, detail: { lifted: count } }));
      return count;
    });
    await this.readers.changed([commenterId]);
    return count;
  }

  private async mustExist(commenterId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(commenterId) || !(await this.commenters.existsBy({ id: commenterId }))) {
      throw new AppError('NOT_FOUND', 404, 'No such commenter');
    }
  }
}
