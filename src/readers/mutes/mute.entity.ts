import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A reader (muter) who chose not to see another reader's (muted) comments: at most one row per pair. */
@Entity('reader_mutes')
@Index('ix_reader_mutes_muted', ['mutedId'])
export class ReaderMute {
  @PrimaryColumn({ name: 'muter_id', type: 'varchar', length: 36 })
  muterId!: string;

  @PrimaryColumn({ name: 'muted_id', type: 'varchar', length: 36 })
  mutedId!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
