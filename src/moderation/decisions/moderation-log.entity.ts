import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `author`: the comment's own author (a deletion). */
export type Actor = 'rules' | 'moderator' | 'system' | 'author';

/** Append-only: one row per status change. */
@Entity('moderation_log')
@Index('ix_moderation_log_comment', ['commentId', 'id'])
export class ModerationLogEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'comment_id', type: 'varchar', length: 36 })
  commentId!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: string | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: string;

  @Column({ type: 'varchar', length: 16 })
  actor!: Actor;

  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
