import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { EMAIL_MODES, type EmailMode } from '../email/reader-email.entity.js';
import { NOTIFICATION_TYPES, type NotificationType } from './notification.entity.js';

/** How many ids one POST /api/me/notifications/read may name. */
export const READ_IDS_MAX = 100;

const notificationId = z.union([z.number().int().positive(), z.string().regex(/^\d{1,10}$/, 'ids must be notification ids')]);

/** `{ids}` or `{all: true}`: told apart by the key, so that a mistake in either gets its own message. */
export const readIdsSchema = z
  .object({ ids: z.array(notificationId).min(1, 'ids must name at least one notification').max(READ_IDS_MAX, `ids: at most ${READ_IDS_MAX}`) })
  .strict();
export const readAllSchema = z.object({ all: z.literal(true, { message: 'all must be true' }) }).strict();

const typeSwitches = Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, z.boolean({ message: `${type} must be true or false` }).optional()])) as Record<
  NotificationType,
  z.ZodOptional<z.ZodBoolean>
>;

const emailModes = Object.fromEntries(
  NOTIFICATION_TYPES.map((type) => [type, z.enum(EMAIL_MODES as [EmailMode, ...EmailMode[]], { message: `${type} must be immediate, digest or off` }).optional()]),
) as Record<NotificationType, z.ZodOptional<z.ZodEnum<Record<EmailMode, EmailMode>>>>;

/** PUT may name `notifications` and/or `email`, and some types only: the others stay as they are. */
export const preferencesSchema = z
  .object({ notifications: z.object(typeSwitches).strict().optional(), email: z.object(emailModes).strict().optional() })
  .strict()
  .refine((body) => body.notifications !== undefined || body.email !== undefined, { message: 'name notifications and/or email', path: ['notifications'] });

export type PreferenceChanges = z.infer<typeof preferencesSchema>;

export interface NotificationView {
  id: string;
  type: NotificationType;
  commentId: string | null;
  articleId: string | null;
  articleUrl: string | null;
  /** The article's URL with the comment's anchor (`#comment-<id>`), when the article's URL is a web address. */
  link: string | null;
  at: string;
  read: boolean;
  /** `rejected`: the reason code. */
  reason?: string | null;
  /** `reply`: who replied (their name then; null once their account is deleted). */
  actor?: { displayName: string } | null;
}

export interface NotificationPage {
  items: NotificationView[];
  nextCursor: string | null;
  unread: number;
}

export interface Preferences {
  notifications: Record<NotificationType, boolean>;
  /** How each type is mailed (when the reader has a confirmed address). */
  email: Record<NotificationType, EmailMode>;
}

export class NotificationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES }) type!: string;
  @ApiProperty({ nullable: true, type: String }) commentId!: string | null;
  @ApiProperty({ nullable: true, type: String }) articleId!: string | null;
  @ApiProperty({ nullable: true, type: String }) articleUrl!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'articleUrl#comment-<commentId>' }) link!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() read!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'rejected: the reason code' }) reason?: string | null;
  @ApiPropertyOptional({ nullable: true, description: 'reply: { displayName } of who replied' }) actor?: { displayName: string } | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items!: NotificationDto[];
  @ApiProperty({ nullable: true, type: String, description: 'Opaque; pass as ?cursor= for the next (older) page' }) nextCursor!: string | null;
  @ApiProperty({ description: 'Unread notifications in all' }) unread!: number;
}

export class UnreadDto {
  @ApiProperty() unread!: number;
}

export class ReadDto {
  @ApiPropertyOptional({ type: [String], maxItems: READ_IDS_MAX, description: 'The reader’s own notification ids (others’ are ignored)' }) ids?: string[];
  @ApiPropertyOptional({ enum: [true] }) all?: true;
}

export class PreferencesDto {
  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, { type: 'boolean' }])),
    description: 'Which notification types the reader gets (all on by default). PUT may name some only.',
  })
  notifications!: Record<NotificationType, boolean>;

  @ApiProperty({
    type: 'object',
    properties: Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, { type: 'string', enum: EMAIL_MODES }])),
    description: 'How each type is mailed to a confirmed address: immediate, digest (daily) or off. Default: published off, the others immediate. PUT may name some only.',
  })
  email!: Record<NotificationType, EmailMode>;
}
