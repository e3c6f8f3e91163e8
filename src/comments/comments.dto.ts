import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError } from '../errors.js';

export const submitCommentSchema = z
  .object({
    body: z.string({ message: 'body must be a string' }),
    articleUrl: z
      .string()
      .max(2000)
      .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'articleUrl must be an absolute http(s) URL')
      .optional(),
    articleTitle: z.string().max(300, 'articleTitle must be at most 300 characters').optional(),
  })
  .strict();

export type SubmitCommentInput = z.infer<typeof submitCommentSchema>;

export function parseOrFail<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.code === 'unrecognized_keys' ? issue.keys.join(',') : issue.path.join('.') || 'body';
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unknown field(s): ${issue.keys.join(', ')}`
      : issue.path.length === 0
        ? 'The request body must be a JSON object'
        : issue.message.startsWith(field)
          ? issue.message
          : `${field}: ${issue.message}`;
  throw new AppError('VALIDATION_FAILED', 400, message, { field });
}

export class SubmitCommentDto {
  @ApiProperty({ description: 'At most 250 user-perceived characters after NFC and trimming', example: '좋은 기사 감사합니다.' })
  body!: string;
  @ApiPropertyOptional({ description: 'Recorded when the article is created by its first comment' }) articleUrl?: string;
  @ApiPropertyOptional() articleTitle?: string;
}

export class AcceptedCommentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['pending'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AuthorDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl!: string | null;
  @ApiProperty({ enum: ['twitter', 'facebook'] }) provider!: string;
}

export class PublishedCommentDto {
  @ApiProperty() id!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: AuthorDto }) author!: AuthorDto;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
}

export class CommentPageDto {
  @ApiProperty({ type: [PublishedCommentDto] }) items!: PublishedCommentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= for the next (older) page' }) nextCursor!: string | null;
  @ApiProperty({ description: 'Published comments on the article' }) total!: number;
  @ApiProperty({ description: 'False once a moderator has closed comments on the article' }) commentsOpen!: boolean;
}

export class OwnCommentDto {
  @ApiProperty() id!: string;
  @ApiProperty() articleId!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ enum: ['pending', 'in_review', 'published', 'rejected'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was rejected (rejected comments only)' }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) publishedAt!: string | null;
}

export class OwnCommentListDto {
  @ApiProperty({ type: [OwnCommentDto] }) items!: OwnCommentDto[];
}

export class ArticleCountsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Published comments per requested article id, in the order asked (0 for an article the service does not know)',
    example: { '2018-10-30-pompeo-talks': 12, 'article-42': 0 },
  })
  counts!: Record<string, number>;
}
