import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ModerationMode } from '../rules/types.js';

@Entity('articles')
export class Article {
  /** Chosen by the news site (1–200 characters). */
  @PrimaryColumn({ type: 'varchar', length: 200 })
  id!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  url!: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  title!: string | null;

  @Column({ name: 'comments_open', type: 'boolean', default: true })
  commentsOpen!: boolean;

  /** Per-article override of the moderation mode ('pre' for sensitive stories). */
  @Column({ name: 'moderation_mode', type: 'varchar', length: 8, nullable: true })
  moderationMode!: ModerationMode | null;

  @Column({ name: 'published_count', type: 'integer', default: 0 })
  publishedCount!: number;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
