import { ApiProperty } from '@nestjs/swagger';
import { z } from 'zod';

export const warnSchema = z
  .object({
    message: z.string({ message: 'message must be a string' }).trim().min(1, 'message is required').max(500, 'message must be at most 500 characters'),
  })
  .strict();

export const noteSchema = z
  .object({
    text: z.string({ message: 'text must be a string' }).trim().min(1, 'text is required').max(2000, 'text must be at most 2000 characters'),
  })
  .strict();

export class WarnDto {
  @ApiProperty({ description: 'Shown to the commenter as plain text until they acknowledge it (1–500 characters)' }) message!: string;
}

export class NoteDto {
  @ApiProperty({ description: 'For moderators only (1–2000 characters)' }) text!: string;
}

export interface WarningView {
  id: number;
  commenterId: string;
  message: string;
  createdAt: string;
  createdBy: string | null;
  acknowledgedAt: string | null;
}

export interface NoteView {
  id: number;
  text: string;
  createdAt: string;
  createdBy: { id: string; email: string } | null;
}

/** What the reader sees of a warning: never who gave it. */
export interface ReaderWarningView {
  id: number;
  message: string;
  createdAt: string;
}
