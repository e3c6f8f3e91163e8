import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type ReactionType = 'like' | 'dislike';
export const REACTION_TYPES: readonly ReactionType[] = ['like', 'dislike'];

/** A reader's 공감 / 비공감 on a comment: at most one per reader per comment. */
@Entity('comment_reactions')
@Index('ix_comment_reactions_reader', ['commenterId', 'articleId'])
export class CommentReaction {
  @PrimaryColumn({ name: 'comment_id', type: 'varchar', length: 36 })
  commentId!: string;

  @PrimaryColumn({ name: 'commenter_id', type: 'varchar', length: 36 })
  commenterId!: string;

  /** Denormalised so a reader's reactions on one article are one indexed read (my-reactions). */
  @Column({ name: 'article_id', type: 'varchar', length: 200 })
  articleId!: string;

  @Column({ type: 'varchar', length: 8 })
  type!: ReactionType;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
