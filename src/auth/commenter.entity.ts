import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type Provider = 'twitter' | 'facebook' | 'sso';
/** `deleted`: the reader deleted their account (profile erased, provider link freed): it can no longer act. */
export type CommenterStatus = 'active' | 'banned' | 'deleted';

@Entity('commenters')
@Index('uq_commenters_provider_user', ['provider', 'providerUserId'], { unique: true })
export class Commenter {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: Provider;

  @Column({ name: 'provider_user_id', type: 'varchar', length: 64 })
  providerUserId!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  username!: string | null;

  @Column({ name: 'avatar_url', type: 'varchar', length: 1000, nullable: true })
  avatarUrl!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: CommenterStatus;

  @Column({ name: 'first_seen_at' })
  firstSeenAt!: Date;

  @Column({ name: 'last_login_at' })
  lastLoginAt!: Date;

  /** When the reader's requested account deletion is due (readers/account); null when none is scheduled. */
  @Column({ name: 'deletion_at', type: Date, nullable: true })
  deletionAt!: Date | null;

  /** When the account was deleted (status `deleted` since). */
  @Column({ name: 'deleted_at', type: Date, nullable: true })
  deletedAt!: Date | null;

  /** SSO readers: the `iat` of the newest token that set the name and picture (an older one changes nothing). */
  @Column({ name: 'sso_iat', type: 'bigint', nullable: true, select: false })
  ssoIat!: string | null;

  /*
   * The commenter's history for the rules, kept by ModerationService with every status change:
   * comments decided (past `pending`), and of those, published and rejected now.
   */
  @Column({ name: 'comment_count', type: 'integer', default: 0, select: false })
  commentCount!: number;

  @Column({ name: 'published_count', type: 'integer', default: 0, select: false })
  publishedCount!: number;

  @Column({ name: 'rejected_count', type: 'integer', default: 0, select: false })
  rejectedCount!: number;
}
