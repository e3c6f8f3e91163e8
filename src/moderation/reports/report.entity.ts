import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ReportReason } from '../reasons.js';

export { REPORT_REASONS, type ReportReason } from '../reasons.js';

/** A reader's report of a published comment: at most one per reader per comment. */
@Entity('comment_reports')
@Index('uq_comment_reports_reader', ['commentId', 'commenterId'], { unique: true })
export class CommentReport {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'comment_id', type: 'varchar', length: 36 })
  commentId!: string;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  @Column({ type: 'varchar', length: 32 })
  reason!: ReportReason;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
