import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Plain values, or (rules.update) the list of changes: stored as JSON. */
export type JsonValue = string | number | boolean | null | object[];

export type AuditAction =
  | 'article.update'
  | 'comment.approve'
  | 'comment.feature'
  | 'comment.reject'
  | 'comment.reported'
  | 'comment.unfeature'
  | 'commenter.ban'
  | 'commenter.deleted'
  | 'commenter.premod'
  | 'commenter.unban'
  | 'commenter.unpremod'
  | 'commenter.warn'
  | 'moderator.add'
  | 'moderator.disable'
  | 'moderator.enable'
  | 'moderator.locked'
  | 'moderator.password_change'
  | 'moderator.reset_password'
  | 'moderator.role'
  | 'moderator.unlock'
  | 'rules.update'
  | 'webhook.create'
  | 'webhook.delete'
  | 'webhook.disabled'
  | 'webhook.finish_rotation'
  | 'webhook.rotate_secret'
  | 'webhook.update';

/**
 * The moderators' audit trail: decisions, bans, account changes (append-only). Status changes by
 * the rules stay in moderation_log only; a moderator's decision is in both, written together.
 */
@Entity('moderation_audit')
@Index('ix_moderation_audit_comment', ['commentId', 'id'])
@Index('ix_moderation_audit_moderator', ['moderatorId', 'id'])
export class AuditEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  /** Who did it; null for the command-line tool and the service itself. */
  @Column({ name: 'moderator_id', type: 'varchar', length: 36, nullable: true })
  moderatorId!: string | null;

  @Column({ type: 'varchar', length: 40 })
  action!: AuditAction;

  @Column({ name: 'comment_id', type: 'varchar', length: 36, nullable: true })
  commentId!: string | null;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36, nullable: true })
  commenterId!: string | null;

  @Column({ name: 'target_moderator_id', type: 'varchar', length: 36, nullable: true })
  targetModeratorId!: string | null;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16, nullable: true })
  toStatus!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail!: Record<string, JsonValue> | null;
}

export type NewAuditEntry = Partial<Omit<AuditEntry, 'id' | 'createdAt' | 'action'>> & { action: AuditAction; createdAt?: Date };

export function auditRow(entry: NewAuditEntry): Omit<AuditEntry, 'id'> {
  return {
    createdAt: entry.createdAt ?? new Date(),
    moderatorId: entry.moderatorId ?? null,
    action: entry.action,
    commentId: entry.commentId ?? null,
    commenterId: entry.commenterId ?? null,
    targetModeratorId: entry.targetModeratorId ?? null,
    fromStatus: entry.fromStatus ?? null,
    toStatus: entry.toStatus ?? null,
    reason: entry.reason ?? null,
    note: entry.note ?? null,
    detail: entry.detail ?? null,
  };
}
