import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { MAX_URL_LENGTH } from './url-guard.js';
import { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from './webhook.entity.js';

const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { message: `events: each one of ${WEBHOOK_EVENT_TYPES.join(', ')}` }), { message: 'events must be a list' })
  .min(1, 'events: at least one event type')
  .max(WEBHOOK_EVENT_TYPES.length)
  .transform((list) => [...new Set(list)]);
const url = z.string({ message: 'url must be a string' }).trim().min(1, 'url is required').max(MAX_URL_LENGTH, `url: at most ${MAX_URL_LENGTH} characters`);
const description = z
  .string({ message: 'description must be a string' })
  .trim()
  .max(200, 'description: at most 200 characters')
  .nullable()
  .transform((v) => (v ? v : null));
const format = z.enum(WEBHOOK_FORMATS, { message: 'format must be json or slack' });
// The site's to choose (its receiver holds it); the generated one (32 random bytes) is the safe choice.
const secret = z
  .string({ message: 'secret must be a string' })
  .min(1, 'secret: at least 1 character')
  .max(200, 'secret: at most 200 characters')
  .regex(/^[\x21-\x7e]+$/, 'secret: printable ASCII without spaces');

export const createWebhookSchema = z
  .object({ url, events, format: format.default('json'), enabled: z.boolean({ message: 'enabled must be true or false' }).default(true), description: description.optional(), secret: secret.optional() })
  .strict();

export const updateWebhookSchema = z
  .object({
    url: url.optional(),
    events: events.optional(),
    format: format.optional(),
    enabled: z.boolean({ message: 'enabled must be true or false' }).optional(),
    description: description.optional(),
    secret: secret.optional(),
  })
  .strict();

export const rotateSecretSchema = z.object({ secret: secret.optional() }).strict();

export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookSchema>;

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://cms.example.com/hooks/comments', description: 'http(s), at most 2048 characters; private addresses are refused unless WEBHOOK_ALLOW_PRIVATE=true' })
  url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events!: string[];
  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS, default: 'json', description: 'slack: a Slack-compatible {text, blocks} message instead of the event' }) format?: string;
  @ApiPropertyOptional({ default: true }) enabled?: boolean;
  @ApiPropertyOptional({ maxLength: 200 }) description?: string;
  @ApiPropertyOptional({ description: '1-200 printable characters; generated (32 random bytes, returned once) when left out' }) secret?: string;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events?: string[];
  @ApiPropertyOptional({ enum: WEBHOOK_FORMATS }) format?: string;
  @ApiPropertyOptional({ description: 'true also clears a switch-off by the service (and its failure count)' }) enabled?: boolean;
  @ApiPropertyOptional({ nullable: true }) description?: string;
  @ApiPropertyOptional({ description: 'A new secret: a rotation, as POST …/rotate-secret (the old one also signs until finish-rotation)' }) secret?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'The new secret; generated when left out' }) secret?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, isArray: true }) events!: string[];
  @ApiProperty({ enum: WEBHOOK_FORMATS }) format!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'Masked: only its start and last 4 characters' }) secret!: string;
  @ApiProperty({ description: 'A previous secret still signs too (during a rotation)' }) rotating!: boolean;
  @ApiProperty({ description: 'Delivery attempts failed in a row (switched off at 50)' }) failures!: number;
  @ApiProperty({ type: String, nullable: true, description: 'Why the service switched it off' }) disabledReason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) disabledAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookWithSecretDto {
  @ApiProperty({ type: WebhookDto }) webhook!: WebhookDto;
  @ApiPropertyOptional({ description: 'The secret in full: shown only in this answer' }) secret?: string;
}

export class WebhookDeliveryDto {
  @ApiProperty() id!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ enum: ['delivered', 'failed', 'retrying'] }) status!: string;
  @ApiProperty({ description: '1 for the first try' }) attempt!: number;
  @ApiProperty({ type: Number, nullable: true }) responseCode!: number | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}
