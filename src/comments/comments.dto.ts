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
    parentId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'parentId must be a comment id').optional(),
  })
  .strict();

export type SubmitCommentInput = z.infer<typeof submitCommentSchema>;

/** PATCH /api/comments/{id}: the author's new text (the same rules as a new comment's). */
export const editCommentSchema = z.object({ body: z.string({ message: 'body must be a string' }) }).strict();

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
  @ApiPropertyOptional({ description: 'Reply to this published comment of the same article (a reply to a reply joins its thread)', format: 'uuid' })
  parentId?: string;
}

export class AcceptedCommentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['pending'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiPropertyOptional({ description: "A reply's thread (its top comment); absent for a top comment" }) parentId?: string;
}

export class AuthorDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl!: string | null;
  @ApiProperty({ enum: ['twitter', 'facebook'] }) provider!: string;
}

export class ReplyToDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
}

export class PublishedCommentDto {
  @ApiProperty() id!: string;
  @ApiProperty({ type: String, nullable: true, description: "A reply's thread (its top comment); null for a top comment" }) parentId!: string | null;
  @ApiProperty({ type: ReplyToDto, nullable: true, description: 'The reply this one answers (the mention)' }) replyTo!: ReplyToDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'null for a placeholder' }) body!: string | null;
  @ApiProperty({ type: AuthorDto, nullable: true, description: 'null for a placeholder' }) author!: AuthorDto | null;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty({ description: 'Published replies (top comments)' }) replyCount!: number;
  @ApiProperty() likes!: number;
  @ApiProperty() dislikes!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When an edited text was published' }) editedAt!: string | null;
  @ApiProperty({ description: "An editor's pick" }) featured!: boolean;
  @ApiProperty({ description: 'A placeholder: the comment left the list but its published replies keep its thread' }) deleted!: boolean;
}

export class CommentPageDto {
  @ApiProperty({ type: [PublishedCommentDto] }) items!: PublishedCommentDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as ?cursor= (with the same sort) for the next page' }) nextCursor!: string | null;
  @ApiProperty({ description: 'Published comments on the article, replies included' }) total!: number;
  @ApiProperty({ description: 'False once a moderator has closed comments on the article' }) commentsOpen!: boolean;
}

export class ReplyPageDto {
  @ApiProperty({ type: [PublishedCommentDto] }) items!: PublishedCommentDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
  @ApiProperty({ description: "The thread's published replies" }) total!: number;
}

export class HighlightsDto {
  @ApiProperty({ type: [PublishedCommentDto], description: "Editor's picks, newest pick first" }) featured!: PublishedCommentDto[];
  @ApiProperty({ type: [PublishedCommentDto], description: 'Top comments with at least BEST_MIN_LIKES likes, by likes − dislikes' }) best!: PublishedCommentDto[];
}

export class OwnCommentDto {
  @ApiProperty() id!: string;
  @ApiProperty() articleId!: string;
  @ApiProperty({ type: String, nullable: true, description: "A reply's thread (its top comment); null for a top comment" }) parentId!: string | null;
  @ApiProperty({ description: 'Its text now (a published comment: the public text, while an edit waits in pendingBody)' }) body!: string;
  @ApiProperty({ enum: ['pending', 'in_review', 'published', 'rejected', 'deleted'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Why it waits for review or was rejected: the rule that held it (suspect_word, duplicate_self, premoderation, …) or the moderator\'s reason; null otherwise' }) reason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) publishedAt!: string | null;
  @ApiProperty({ description: 'Edits made (at most 3)' }) editCount!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: "When an edit's text was last published" }) editedAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Until when it can be edited (EDIT_WINDOW_SECONDS after posting); null once it cannot (rejected, deleted, 3 edits made)',
  })
  editableUntil!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "A published comment's edit waiting for moderation: the new text, not public yet" })
  pendingBody!: string | null;
}

export class EditCommentDto {
  @ApiProperty({ description: 'The new text: at most 250 user-perceived characters after NFC and trimming', example: '좋은 기사 감사합니다. (수정)' })
  body!: string;
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
