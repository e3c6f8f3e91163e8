import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import type { MailLanguage } from './reader-email.entity.js';

export const ADDRESS_MAX = 254;

/** The address as given, its domain lower-cased (the local part is the mailbox owner's to spell). */
const address = z
  .string({ message: 'address must be an e-mail address' })
  .trim()
  .max(ADDRESS_MAX, `address: at most ${ADDRESS_MAX} characters`)
  .pipe(z.email({ message: 'address must be an e-mail address' }))
  .transform((value) => {
    const at = value.lastIndexOf('@');
    return value.slice(0, at) + '@' + value.slice(at + 1).toLowerCase();
  });

export const setEmailSchema = z
  .object({
    address,
    language: z.enum(['ko', 'en'], { message: 'language must be ko or en' }).optional(),
  })
  .strict();

export interface EmailState {
  available: boolean;
  address: string | null;
  confirmed: boolean;
  language: MailLanguage | null;
  confirmationSentAt: string | null;
}

export class EmailStateDto {
  @ApiProperty({ description: 'E-mail notifications are on for this service (SMTP_URL set)' }) available!: boolean;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ description: 'The address was confirmed through the link in the mail' }) confirmed!: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['ko', 'en'], description: 'The language of the mails' }) language!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the last confirmation mail was asked for; null once confirmed' })
  confirmationSentAt!: string | null;
}

export class SetEmailDto {
  @ApiProperty({ maxLength: ADDRESS_MAX, example: 'reader@example.com' }) address!: string;
  @ApiPropertyOptional({ enum: ['ko', 'en'], description: "The mails' language (default: from Accept-Language)" }) language?: string;
}

export class UnsubscribedDto {
  @ApiProperty({ enum: ['all', 'reply', 'published', 'rejected', 'featured', 'warning'], description: 'What was switched off' }) scope!: string;
  @ApiProperty({ enum: ['off'] }) mode!: string;
}
