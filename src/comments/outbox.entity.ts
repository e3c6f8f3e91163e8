import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Written in the same transaction as the comment; the relay moves it into the queue. A row exists
 * only until its job is safely in Redis, so nothing accepted is lost while Redis is away.
 */
@Entity('outbox')
@Index('ix_outbox_comment', ['commentId'])
@Index('ix_outbox_created', ['createdAt'])
export class OutboxEntry {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'comment_id', type: 'varchar', length: 36 })
  commentId!: string;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
