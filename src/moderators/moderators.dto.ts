import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { MODERATOR_ROLES } from './moderator.entity.js';

export const signInSchema = z
  .object({
    email: z.string({ message: 'email must be a string' }).min(1, 'email is required').max(254),
    password: z.string({ message: 'password must be a string' }).min(1, 'password is required').max(200),
    cookieOnly: z.boolean({ message: 'cookieOnly must be true or false' }).optional(),
  })
  .strict();

export const addModeratorSchema = z
  .object({
    email: z.string({ message: 'email must be a string' }).max(254),
    role: z.enum(MODERATOR_ROLES, { message: 'role must be moderator or admin' }).default('moderator'),
    password: z.string({ message: 'password must be a string' }).optional(),
  })
  .strict();

export const updateModeratorSchema = z
  .object({
    role: z.enum(MODERATOR_ROLES, { message: 'role must be moderator or admin' }).optional(),
    status: z.enum(['active', 'disabled'], { message: 'status must be active or disabled' }).optional(),
  })
  .strict();

export const changeOwnPasswordSchema = z
  .object({
    currentPassword: z.string({ message: 'currentPassword must be a string' }).min(1, 'currentPassword is required').max(200),
    newPassword: z.string({ message: 'newPassword must be a string' }),
  })
  .strict();

export const resetPasswordSchema = z.object({ password: z.string({ message: 'password must be a string' }).optional() }).strict();

export class SignInDto {
  @ApiProperty({ example: 'desk@news.example' }) email!: string;
  @ApiProperty() password!: string;
  @ApiPropertyOptional({ description: 'true: the dashboard cookie only, no bearer token (what the dashboard asks for)' }) cookieOnly?: boolean;
}

export class ModeratorIdentityDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: MODERATOR_ROLES }) role!: string;
}

export class SessionDto {
  @ApiPropertyOptional({ description: 'Bearer token for API clients (Authorization: Bearer …); left out for cookieOnly. Signing out the cookie revokes it too, and the other way round' })
  token?: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'Send as X-CSRF-Token on cookie-authenticated POST/PUT/PATCH/DELETE' }) csrfToken!: string;
  @ApiProperty({ type: ModeratorIdentityDto }) moderator!: ModeratorIdentityDto;
}

export class ModeratorDto extends ModeratorIdentityDto {
  @ApiProperty({ enum: ['active', 'disabled'] }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) lastLoginAt!: string | null;
}

export class AddModeratorDto {
  @ApiProperty() email!: string;
  @ApiPropertyOptional({ enum: MODERATOR_ROLES, default: 'moderator' }) role?: string;
  @ApiPropertyOptional({ description: 'At least 12 characters; generated (and returned once) when left out' }) password?: string;
}

export class UpdateModeratorDto {
  @ApiPropertyOptional({ enum: MODERATOR_ROLES }) role?: string;
  @ApiPropertyOptional({ enum: ['active', 'disabled'] }) status?: string;
}

export class ResetPasswordDto {
  @ApiPropertyOptional({ description: 'Generated (and returned once) when left out' }) password?: string;
}

export class ChangeOwnPasswordDto {
  @ApiProperty() currentPassword!: string;
  @ApiProperty({ description: 'At least 12 characters, not the current one' }) newPassword!: string;
}

export class PasswordChangedDto {
  @ApiPropertyOptional({ description: 'Cookie session: the new session’s CSRF token (the cookie is re-issued)' }) csrfToken?: string;
  @ApiPropertyOptional({ description: 'Bearer: a new token replacing the one sent (which no longer works)' }) token?: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class ModeratorWithPasswordDto {
  @ApiProperty({ type: ModeratorDto }) moderator!: ModeratorDto;
  @ApiPropertyOptional({ description: 'Only when the service generated it; shown this once' }) password?: string;
}
