import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One ban: in force from created_at until `until` (null: no end) unless lifted earlier. */
@Entity('commenter_bans')
@Index('ix_commenter_bans_commenter', ['commenterId', 'id'])
export class CommenterBan {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  @Column({ type: 'varchar', length: 200 })
  reason!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: Date, nullable: true })
  until!: Date | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'lifted_at', type: Date, nullable: true })
  liftedAt!: Date | null;

  @Column({ name: 'lifted_by', type: 'varchar', length: 36, nullable: true })
  liftedBy!: string | null;
}

export function isInForce(ban: CommenterBan, now = new Date()): boolean {
  return ban.liftedAt === null && (ban.until === null || ban.until.getTime() > now.getTime());
}
