import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A moderator's warning to a commenter, shown by the widget until they acknowledge it. */
@Entity('commenter_warnings')
@Index('ix_commenter_warnings_commenter', ['commenterId', 'id'])
export class CommenterWarning {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  @Column({ type: 'varchar', length: 500 })
  message!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'acknowledged_at', type: Date, nullable: true })
  acknowledgedAt!: Date | null;
}
