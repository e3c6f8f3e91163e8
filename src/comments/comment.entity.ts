import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Finding } from '../rules/types.js';

/** `deleted`: taken back by its author; moderators still see it, nobody can publish it again. */
export type CommentStatus = 'pending' | 'in_review' | 'published' | 'rejected' | 'deleted';
export const COMMENT_STATUSES: CommentStatus[] = ['pending', 'in_review', 'published', 'rejected', 'deleted'];

/** A published comment's edit, waiting for moderation while the public keeps the published text. */
export type RevisionStatus = 'pending' | 'in_review';

@Entity('comments')
@Index('ix_comments_article_published', ['articleId', 'status', 'publishedAt', 'id'])
@Index('ix_comments_commenter_created', ['commenterId', 'createdAt'])
@Index('uq_comments_idempotency', ['commenterId', 'idempotencyKey'], { unique: true })
@Index('ix_comments_text_hash', ['textHash', 'createdAt'])
@Index('ix_comments_thread', ['articleId', 'parentId', 'publishedAt', 'id'])
@Index('ix_comments_replies', ['parentId', 'publishedAt', 'id'])
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

  /** Hash of the normalised text (rules/normalise.ts dedupeKey), set when the rules decide; the duplicate rules look it up. */
  @Column({ name: 'text_hash', type: 'varchar', length: 64, nullable: true })
  textHash!: string | null;

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

  /** The thread's top comment, for a reply (threads are two levels). */
  @Column({ name: 'parent_id', type: 'varchar', length: 36, nullable: true })
  parentId!: string | null;

  /** The reply this one answers, when it answers a reply rather than the top comment (the mention). */
  @Column({ name: 'reply_to_id', type: 'varchar', length: 36, nullable: true })
  replyToId!: string | null;

  /** Published, visible replies (kept with every status change, like the article's count). */
  @Column({ name: 'reply_count', type: 'integer', default: 0 })
  replyCount!: number;

  @Column({ type: 'integer', default: 0 })
  likes!: number;

  @Column({ type: 'integer', default: 0 })
  dislikes!: number;

  /** Edits by the author so far (EDIT_MAX); also the text's version, which decisions are checked against. */
  @Column({ name: 'edit_count', type: 'integer', default: 0 })
  editCount!: number;

  /** When an edited text was last published. */
  @Column({ name: 'edited_at', type: Date, nullable: true })
  editedAt!: Date | null;

  /** Set while a published comment's edit waits for moderation (its text is the latest revision). */
  @Column({ name: 'revision_status', type: 'varchar', length: 16, nullable: true })
  revisionStatus!: RevisionStatus | null;

  /** An editor's pick since then. */
  @Column({ name: 'featured_at', type: Date, nullable: true })
  featuredAt!: Date | null;
}
