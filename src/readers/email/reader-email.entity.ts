import { Column, Entity, PrimaryColumn } from 'typeorm';

export type MailLanguage = 'ko' | 'en';
export type EmailMode = 'immediate' | 'digest' | 'off';
export const EMAIL_MODES: readonly EmailMode[] = ['immediate', 'digest', 'off'];

/**
 * Where a notification's mail stands (notifications.mail_state); null: the scan has not looked at
 * it yet; `held`: waiting for its thread's immediate mail (notifications.mail_thread).
 */
export type MailState = 'held' | 'sent' | 'skip' | 'digest' | 'failed';

/** A reader's e-mail address: one per reader, mailed only once confirmed (only the link token's SHA-256 is kept). */
@Entity('reader_emails')
export class ReaderEmail {
  @PrimaryColumn({ name: 'reader_id', type: 'varchar', length: 36 })
  readerId!: string;

  @Column({ type: 'varchar', length: 254 })
  address!: string;

  @Column({ type: 'varchar', length: 2 })
  language!: MailLanguage;

  @Column({ name: 'confirmed_at', type: Date, nullable: true })
  confirmedAt!: Date | null;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, nullable: true })
  tokenHash!: string | null;

  @Column({ name: 'token_expires_at', type: Date, nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ name: 'confirmation_sent_at', type: Date, nullable: true })
  confirmationSentAt!: Date | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}
