import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { AppError } from '../../errors.js';
import { Moderator } from '../../moderators/moderator.entity.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditView {
  id: number;
  at: string;
  action: AuditEntry['action'];
  /** Who did it; null for the command-line tool and the service itself. */
  moderator: { id: string; email: string } | null;
  commentId: string | null;
  commenterId: string | null;
  targetModerator: { id: string; email: string } | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  note: string | null;
  detail: AuditEntry['detail'];
}

export interface AuditFilter {
  commentId?: string;
  moderatorId?: string;
  commenterId?: string;
  cursor?: string;
  limit: number;
}

/** The audit trail, newest first, by id keyset. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(filter: AuditFilter): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    const query = this.dataSource.getRepository(AuditEntry).createQueryBuilder('e').orderBy('e.id', 'DESC').limit(filter.limit + 1);
    if (filter.commentId) query.andWhere('e.comment_id = :commentId', { commentId: filter.commentId });
    if (filter.moderatorId) query.andWhere('e.moderator_id = :moderatorId', { moderatorId: filter.moderatorId });
    if (filter.commenterId) query.andWhere('e.commenter_id = :commenterId', { commenterId: filter.commenterId });
    if (filter.cursor) {
      if (!/^\d{1,15}$/.test(filter.cursor)) throw new AppError('VALIDATION_FAILED', 400, 'cursor is not one this service gave out', { field: 'cursor' });
      query.andWhere('e.id < :before', { before: Number(filter.cursor) });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.limit);
    const ids = [...new Set(page.flatMap((e) => [e.moderatorId, e.targetModeratorId]).filter((id): id is string => id !== null))];
    const moderators = ids.length ? await this.dataSource.getRepository(Moderator).find({ select: { id: true, email: true }, where: { id: In(ids) } }) : [];
    const email = new Map(moderators.map((m) => [m.id, m.email]));
    const who = (id: string | null) => (id ? { id, email: email.get(id) ?? '' } : null);
    return {
      items: page.map((e) => ({
        id: e.id,
        at: e.createdAt.toISOString(),
        action: e.action,
        moderator: who(e.moderatorId),
        commentId: e.commentId,
        commenterId: e.commenterId,
        targetModerator: who(e.targetModeratorId),
        from: e.fromStatus,
        to: e.toStatus,
        reason: e.reason,
        note: e.note,
        detail: e.detail,
      })),
      nextCursor: rows.length > filter.limit && page.length ? String(page[page.length - 1]!.id) : null,
    };
  }
}
