import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';
import { REACTION_TYPES, type ReactionType } from './comment-reaction.entity.js';

export const reactionSchema = z
  .object({
    type: z.enum(REACTION_TYPES as [ReactionType, ...ReactionType[]], { message: 'type must be "like" or "dislike"' }),
  })
  .strict();

export class ReactionDto {
  @ApiProperty({ enum: REACTION_TYPES, description: '공감 (like) or 비공감 (dislike)' }) type!: ReactionType;
}

export class ReactionStateDto {
  @ApiProperty({ description: "The comment's likes after this request" }) likes!: number;
  @ApiProperty({ description: "The comment's dislikes after this request" }) dislikes!: number;
  @ApiProperty({ enum: REACTION_TYPES, nullable: true, description: "The reader's reaction now (null after DELETE)" }) myReaction!: ReactionType | null;
}

export class MyReactionsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', enum: [...REACTION_TYPES] },
    description: "The reader's reactions on the article's comments, by comment id (the newest 1,000)",
    example: { '01939a4e-7c1a-7d3e-9f00-5a1b2c3d4e5f': 'like' },
  })
  reactions!: Record<string, ReactionType>;
}
