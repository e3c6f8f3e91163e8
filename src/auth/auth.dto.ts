import { ApiProperty } from '@nestjs/swagger';

export class CommenterDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['twitter', 'facebook'] }) provider!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) avatarUrl!: string | null;
  @ApiProperty({ enum: ['active', 'banned'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the account deletion the reader asked for is due (DELETE /api/me)' }) deletionAt!: string | null;
}

export class TokenDto {
  @ApiProperty({ description: 'Signed bearer token for `Authorization: Bearer …`' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class ProviderDto {
  @ApiProperty({ enum: ['twitter', 'facebook'] }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Open this (add ?popup=1 for a popup, &returnTo=… to come back)' }) signInUrl!: string;
}

export class ProvidersDto {
  @ApiProperty({ type: [String], example: ['twitter', 'facebook'] }) providers!: string[];
  @ApiProperty({ type: [ProviderDto] }) details!: ProviderDto[];
  @ApiProperty({ description: 'True when sign-in goes to the local emulator, not the real providers' }) emulator!: boolean;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'UNAUTHENTICATED' }) error!: string;
  @ApiProperty() message!: string;
}
