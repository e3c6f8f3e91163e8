import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { QUEUES, REJECT_REASONS, REPORT_REASONS } from './reasons.js';

export { QUEUES, REJECT_REASONS, type QueueName, type RejectReason } from './reasons.js';

const note = z.string({ message: 'note must be a string' }).max(2000, 'note must be at most 2000 characters').optional();
const rejectReason = z.enum(REJECT_REASONS, { message: `reason must be one of ${REJECT_REASONS.join(', ')}` });

/** The status the moderator saw: when given, any other current status is a 409 (no silent reversal). */
const expectedStatus = z.enum(['pending', 'in_review', 'published', 'rejected'], { message: 'expectedStatus must be pending, in_review, published or rejected' }).optional();

/** The text the moderator read: the last of the item's `revisions` (null: a comment never edited); an edit since is a 409. */
const revisionId = z
  .string({ message: 'revisionId must be a revision id or null' })
  .regex(/^[0-9a-f-]{36}$/, 'revisionId must be a revision id or null')
  .nullable()
  .optional();

export const approveSchema = z.object({ note, expectedStatus, revisionId }).strict();
export const rejectSchema = z.object({ reason: rejectReason, note, expectedStatus, revisionId }).strict();

export const bulkSchema = z
  .object({
    ids: z
      .array(z.string().regex(/^[0-9a-f-]{36}$/, 'ids must be comment ids'), { message: 'ids must be a list of comment ids' })
      .min(1, 'ids must not be empty')
      .max(100, 'at most 100 ids at once'),
    action: z.enum(['approve', 'reject'], { message: 'action must be approve or reject' }),
    reason: rejectReason.optional(),
    note,
    expectedStatus,
  })
  .strict()
  .refine((b) => b.action !== 'reject' || b.reason !== undefined, { message: 'reason is required to reject', path: ['reason'] });

export const banSchema = z
  .object({
    reason: z.string({ message: 'reason must be a string' }).trim().min(1, 'reason is required').max(200, 'reason must be at most 200 characters'),
    until: z.iso.datetime({ offset: true, message: 'until must be an ISO 8601 date-time' }).optional(),
    note,
    rejectPending: z.boolean({ message: 'rejectPending must be true or false' }).optional(),
  })
  .strict();

export const articleSettingsSchema = z
  .object({
    commentsOpen: z.boolean({ message: 'commentsOpen must be true or false' }).optional(),
    moderationMode: z.enum(['auto', 'pre'], { message: 'moderationMode must be auto, pre or null' }).nullable().optional(),
    note,
  })
  .strict()
  .refine((v) => v.commentsOpen !== undefined || v.moderationMode !== undefined, { message: 'Send commentsOpen, moderationMode or both' });

export const reportSchema = z
  .object({
    reason: z.enum(REPORT_REASONS, { message: `reason must be one of ${REPORT_REASONS.join(', ')}` }),
    note: z.string({ message: 'note must be a string' }).max(500, 'note must be at most 500 characters').optional(),
  })
  .strict();

const EXPECTED = { enum: ['pending', 'in_review', 'published', 'rejected'], description: 'The status the moderator saw; anything else now is a 409 CONFLICT' };
const REVISION = {
  type: String,
  nullable: true,
  format: 'uuid',
  description: "The text the moderator read: the id of the last of the item's `revisions`, null for a comment never edited; another text now is a 409 CONFLICT",
};

export class RejectDto {
  @ApiProperty({ enum: REJECT_REASONS }) reason!: string;
  @ApiPropertyOptional({ description: 'Internal, never shown to readers' }) note?: string;
  @ApiPropertyOptional(EXPECTED) expectedStatus?: string;
  @ApiPropertyOptional(REVISION) revisionId?: string | null;
}

export class ApproveDto {
  @ApiPropertyOptional({ description: 'Internal, never shown to readers' }) note?: string;
  @ApiPropertyOptional(EXPECTED) expectedStatus?: string;
  @ApiPropertyOptional(REVISION) revisionId?: string | null;
}

export class BulkDto {
  @ApiProperty({ type: [String], maxItems: 100 }) ids!: string[];
  @ApiProperty({ enum: ['approve', 'reject'] }) action!: string;
  @ApiPropertyOptional({ enum: REJECT_REASONS, description: 'Required to reject' }) reason?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional(EXPECTED) expectedStatus?: string;
}

export class BanDto {
  @ApiProperty({ maxLength: 200 }) reason!: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'Omitted: until lifted' }) until?: string;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ description: 'Also reject their comments still pending or in review' }) rejectPending?: boolean;
}

export class ArticleSettingsDto {
  @ApiPropertyOptional({ description: 'false closes comments: new ones are refused with 403 COMMENTS_CLOSED' }) commentsOpen?: boolean;
  @ApiPropertyOptional({ enum: ['auto', 'pre'], nullable: true, description: "pre holds every comment that passes the rules for review; null follows the rule set's mode" })
  moderationMode?: string | null;
  @ApiPropertyOptional({ description: 'Internal, kept in the audit log' }) note?: string;
}

export class ReportDto {
  @ApiProperty({ enum: REPORT_REASONS }) reason!: string;
  @ApiPropertyOptional({ maxLength: 500 }) note?: string;
}

/** PUT /api/moderation/rules: the rule set itself is checked by the rule engine's own schema (src/rules/rule-set.ts). */
export const saveRulesSchema = z
  .object({
    ruleSet: z.custom<unknown>((v) => v !== undefined, { message: 'ruleSet is required' }),
    expectedVersion: z.int({ message: 'expectedVersion must be a version number' }).min(0, 'expectedVersion must be a version number').optional(),
  })
  .strict();

export const dryRunSchema = z
  .object({
    ruleSet: z.custom<unknown>((v) => v !== undefined, { message: 'ruleSet is required' }),
    limit: z.int({ message: 'limit must be a whole number' }).min(1, 'limit must be at least 1').max(50_000, 'limit must be at most 50000').optional(),
    examples: z.int({ message: 'examples must be a whole number' }).min(0, 'examples must be at least 0').max(50, 'examples must be at most 50').optional(),
  })
  .strict();

export class SaveRulesDto {
  @ApiProperty({ description: 'The full rule set (docs/rules.md#the-rule-set-format)', type: Object }) ruleSet!: object;
  @ApiPropertyOptional({ description: 'The version edited; if another was saved since, 409 CONFLICT' }) expectedVersion?: number;
}

export class DryRunDto {
  @ApiProperty({ description: 'The draft rule set', type: Object }) ruleSet!: object;
  @ApiPropertyOptional({ description: 'How many of the latest decided comments to judge: 1–50,000, default 10,000' }) limit?: number;
  @ApiPropertyOptional({ description: 'Examples per change of outcome: 0–50, default 5' }) examples?: number;
}
