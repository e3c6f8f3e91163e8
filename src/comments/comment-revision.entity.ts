import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Finding } from '../rules/types.js';

export type RevisionOutcome = 'pending' | 'in_review' | 'published' | 'rejected' | 'superseded';

/**
 * One text of an edited comment, with its moderation outcome: the original is kept as the first
 * revision when the comment is first edited, so moderators see every text the author wrote.
 */
@Entity('comment_revisions')
@Index('ix_comment_revisions_comment', ['commentId', 'createdAt'])
export class CommentRevision {
  /** UUIDv7. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'comment_id', type: 'varchar', length: 36 })
  commentId!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RevisionOutcome;

  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  findings!: Finding[] | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: Date, nullable: true })
  decidedAt!: Date | null;
}
