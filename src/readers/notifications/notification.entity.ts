import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type NotificationType = 'reply' | 'published' | 'rejected' | 'featured' | 'warning';
export const NOTIFICATION_TYPES: readonly NotificationType[] = ['reply', 'published', 'rejected', 'featured', 'warning'];

/**
 * Something that happened to a reader's comment (or to the reader), for the widget's bell. Written
 * in the same transaction as the change it tells of; the unique key makes a retried job's second
 * write a no-op.
 */
@Entity('notifications')
@Index('uq_notifications_event', ['readerId', 'type', 'eventKey'], { unique: true })
@Index('ix_notifications_reader', ['readerId', 'id'])
@Index('ix_notifications_actor', ['actorId'])
export class Notification {
  /** Increasing: newest first is id order, and the list's cursor is an id. */
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'reader_id', type: 'varchar', length: 36 })
  readerId!: string;

  @Column({ type: 'varchar', length: 16 })
  type!: NotificationType;

  /** What it is about, once per reader and type: the comment's id, or `warning:<id>`. */
  @Column({ name: 'event_key', type: 'varchar', length: 64 })
  eventKey!: string;

  /** The reader's comment, or for `reply` the reply. */
  @Column({ name: 'comment_id', type: 'varchar', length: 36, nullable: true })
  commentId!: string | null;

  @Column({ name: 'article_id', type: 'varchar', length: 200, nullable: true })
  articleId!: string | null;

  /** The article's URL when it happened (the link in the panel). */
  @Column({ name: 'article_url', type: 'varchar', length: 2000, nullable: true })
  articleUrl!: string | null;

  /** `rejected`: the rule's or moderator's reason code. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason!: string | null;

  /** `reply`: who replied, and their display name then (erased with their account). */
  @Column({ name: 'actor_id', type: 'varchar', length: 36, nullable: true })
  actorId!: string | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 100, nullable: true })
  actorName!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'read_at', type: Date, nullable: true })
  readAt!: Date | null;

  /** Its e-mail (readers/email): null until the mail scan has looked at it; then held, sent, skip, digest or failed. */
  @Column({ name: 'mail_state', type: 'varchar', length: 16, nullable: true })
  mailState!: string | null;

  /** `held`: the thread (top comment id) whose one immediate mail it goes in. */
  @Column({ name: 'mail_thread', type: 'varchar', length: 64, nullable: true })
  mailThread!: string | null;
}

/** A type the reader turned off or back on; no row: on (the default). */
@Entity('notification_preferences')
export class NotificationPreference {
  @PrimaryColumn({ name: 'reader_id', type: 'varchar', length: 36 })
  readerId!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  type!: NotificationType;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  /** How this type is mailed: immediate, digest or off; null: the default (readers/email). */
  @Column({ name: 'email_mode', type: 'varchar', length: 16, nullable: true })
  emailMode!: string | null;
}
