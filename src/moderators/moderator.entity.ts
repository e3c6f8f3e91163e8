import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ModeratorRole = 'moderator' | 'admin';
export const MODERATOR_ROLES: ModeratorRole[] = ['moderator', 'admin'];
export type ModeratorStatus = 'active' | 'disabled';

@Entity('moderators')
@Index('uq_moderators_email', ['email'], { unique: true })
export class Moderator {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** Stored lower-cased: one account per address however it is typed. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** argon2id, PHC string. Never leaves this service. */
  @Column({ name: 'password_hash', type: 'varchar', length: 200 })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: ModeratorRole;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: ModeratorStatus;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;

  @Column({ name: 'last_login_at', type: Date, nullable: true })
  lastLoginAt!: Date | null;

  @Column({ name: 'password_changed_at', type: Date, nullable: true })
  passwordChangedAt!: Date | null;

  /** Sessions and tokens issued before this no longer count: set by a disable, a role change and a password reset. */
  @Column({ name: 'credentials_changed_at', type: Date, nullable: true })
  credentialsChangedAt!: Date | null;
}

export interface ModeratorView {
  id: string;
  email: string;
  role: ModeratorRole;
  status: ModeratorStatus;
  createdAt: string;
  lastLoginAt: string | null;
}

export function toModeratorView(m: Moderator): ModeratorView {
  return {
    id: m.id,
    email: m.email,
    role: m.role,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    lastLoginAt: m.lastLoginAt?.toISOString() ?? null,
  };
}
