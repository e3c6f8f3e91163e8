import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Finding } from '../rules/types.js';

export type CommentStatus = 'pending' | 'in_review' | 'published' | 'rejected';
export const COMMENT_STATUSES: CommentStatus[] = ['pending', 'in_review', 'published', 'rejected'];

@Entity('comments')
@Index('ix_comments_article_published', ['articleId', 'status', 'publishedAt', 'id'])
@Index('ix_comments_commenter_created', ['commenterId', 'createdAt'])
@Index('uq_comments_idempotency', ['commenterId', 'idempotencyKey'], { unique: true })
export class Comment {
  /** UUIDv7: time-ordered, so it also breaks ties in time order. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'article_id', type: 'varchar', length: 200 })
  articleId!: string;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  /** As stored: NFC, trimmed, CRLF as LF. */
  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: CommentStatus;

  /** The rule or moderator reason behind the current status. */
  @Column({ name: 'decision_reason', type: 'varchar', length: 64, nullable: true })
  decisionReason!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  findings!: Finding[] | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100, nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: Date, nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'published_at', type: Date, nullable: true })
  publishedAt!: Date | null;

  /** Distinct readers who reported it since a moderator last cleared it. */
  @Column({ name: 'report_count', type: 'integer', default: 0 })
  reportCount!: number;

  /** When it reached REPORT_THRESHOLD (it is in the `reported` queue while set). */
  @Column({ name: 'reported_at', type: Date, nullable: true })
  reportedAt!: Date | null;

  /** Set while HIDE_REPORTED keeps a reported comment out of the public list. */
  @Column({ name: 'hidden_at', type: Date, nullable: true })
  hiddenAt!: Date | null;
}
