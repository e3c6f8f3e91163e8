import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A moderator's note on a commenter: context for the next shift. Never shown to the commenter. */
@Entity('commenter_notes')
@Index('ix_commenter_notes_commenter', ['commenterId', 'id'])
export class CommenterNote {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;
}
