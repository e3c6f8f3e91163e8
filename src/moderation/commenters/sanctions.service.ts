import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, type Repository } from 'typeorm';
import { Commenter } from '../../auth/commenter.entity.js';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { Moderator } from '../../moderators/moderator.entity.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';
import { CommenterNote } from './note.entity.js';
import type { NoteView, ReaderWarningView, WarningView } from './sanctions.dto.js';
import { CommenterWarning } from './warning.entity.js';
import { notifyReader } from '../../readers/notifications/notification-writes.js';

export function toWarningView(w: CommenterWarning): WarningView {
  return {
    id: w.id,
    commenterId: w.commenterId,
    message: w.message,
    createdAt: w.createdAt.toISOString(),
    createdBy: w.createdBy,
    acknowledgedAt: w.acknowledgedAt?.toISOString() ?? null,
  };
}

/**
 * Sanctions short of a ban: warnings the reader must acknowledge, pre-moderation of one commenter
 * (commenters.premoderated, read by the worker with the commenter's history), and moderators' notes.
 */
@Injectable()
export class SanctionsService {
  constructor(
    @InjectRepository(CommenterWarning) private readonly warnings: Repository<CommenterWarning>,
    @InjectRepository(CommenterNote) private readonly notes: Repository<CommenterNote>,
    @InjectRepository(Commenter) private readonly commenters: Repository<Commenter>,
    @InjectRepository(Moderator) private readonly moderators: Repository<Moderator>,
    private readonly transactions: Transactions,
    private readonly sql: Sql,
  ) {}

  async warn(moderatorId: string, commenterId: string, message: string): Promise<CommenterWarning> {
    await this.mustExist(commenterId);
    const now = new Date();
    const warning = Object.assign(new CommenterWarning(), { commenterId, message, createdAt: now, createdBy: moderatorId, acknowledgedAt: null });
    await this.transactions.run(async (manager) => {
      await manager.save(CommenterWarning, warning);
      await manager.insert(AuditEntry, auditRow({ createdAt: now, action: 'commenter.warn', moderatorId, commenterId, note: message, detail: { warningId: warning.id } }));
      await notifyReader(this.sql, manager, { readerId: commenterId, type: 'warning', eventKey: `warning:${warning.id}` }, now);
    });
    return warning;
  }

  /** Every warning given to the commenter, newest first (the moderators' view). */
  history(commenterId: string): Promise<CommenterWarning[]> {
    return this.warnings.find({ where: { commenterId }, order: { id: 'DESC' } });
  }

  /** The reader's warnings still to acknowledge, oldest first. */
  async unacknowledged(commenterId: string): Promise<ReaderWarningView[]> {
    const rows = await this.warnings.find({ where: { commenterId, acknowledgedAt: IsNull() }, order: { id: 'ASC' } });
    return rows.map((w) => ({ id: w.id, message: w.message, createdAt: w.createdAt.toISOString() }));
  }

  /** Idempotent: an acknowledged warning stays acknowledged at its first time. Another reader's warning is a 404, as an unknown one. */
  async acknowledge(commenterId: string, id: string): Promise<void> {
    const warningId = /^\d{1,15}$/.test(id) ? Number(id) : NaN;
    const warning = Number.isSafeInteger(warningId) ? await this.warnings.findOneBy({ id: warningId, commenterId }) : null;
    if (!warning) throw new AppError('NOT_FOUND', 404, 'No such warning');
    if (warning.acknowledgedAt === null) await this.warnings.update({ id: warningId, acknowledgedAt: IsNull() }, { acknowledgedAt: new Date() });
  }

  async isPremoderated(commenterId: string): Promise<boolean> {
    const [row] = await this.sql.rows<{ premoderated: unknown }>('SELECT premoderated FROM commenters WHERE id = $1', [commenterId]);
    return row ? this.sql.bool(row.premoderated) : false;
  }

  /** Idempotent; audited only when the setting changes. */
  async setPremoderated(moderatorId: string, commenterId: string, on: boolean): Promise<boolean> {
    await this.mustExist(commenterId);
    await this.transactions.run(async (manager) => {
      const { affected } = await this.sql.run('UPDATE commenters SET premoderated = $1 WHERE id = $2 AND premoderated <> $1', [on, commenterId], manager);
      if (affected > 0) await manager.insert(AuditEntry, auditRow({ action: on ? 'commenter.premod' : 'commenter.unpremod', moderatorId, commenterId }));
    });
    return on;
  }

  async addNote(moderatorId: string, commenterId: string, text: string): Promise<NoteView> {
    await this.mustExist(commenterId);
    const note = await this.notes.save(Object.assign(new CommenterNote(), { commenterId, text, createdAt: new Date(), createdBy: moderatorId }));
    return (await this.views([note]))[0]!;
  }

  /** Newest first, each with who wrote it. */
  async notesOf(commenterId: string): Promise<NoteView[]> {
    return this.views(await this.notes.find({ where: { commenterId }, order: { id: 'DESC' } }));
  }

  private async views(notes: CommenterNote[]): Promise<NoteView[]> {
    const ids = [...new Set(notes.map((n) => n.createdBy).filter((id): id is string => id !== null))];
    const moderators = ids.length ? await this.moderators.find({ select: { id: true, email: true }, where: { id: In(ids) } }) : [];
    const email = new Map(moderators.map((m) => [m.id, m.email]));
    return notes.map((n) => ({
      id: n.id,
      text: n.text,
      createdAt: n.createdAt.toISOString(),
      createdBy: n.createdBy ? { id: n.createdBy, email: email.get(n.createdBy) ?? '' } : null,
    }));
  }

  private async mustExist(commenterId: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(commenterId) || !(await this.commenters.existsBy({ id: commenterId }))) {
      throw new AppError('NOT_FOUND', 404, 'No such commenter');
    }
  }
}
