import { ApiProperty } from '@nestjs/swagger';

export class CommenterDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['twitter', 'facebook', 'sso'] }) provider!: string;
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
  @ApiProperty({ enum: ['twitter', 'facebook', 'sso'] }) id!: string;
  @ApiProperty({ description: 'For the button: "Log in with {name}" (sso: SSO_NAME)' }) name!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "Twitter, Facebook: open this (add ?popup=1 for a popup, &returnTo=… to come back). sso: the site's own sign-in page (SSO_LOGIN_URL), or null; its token is exchanged at POST /auth/sso",
  })
  signInUrl!: string | null;
}

export class SsoSignInDto {
  @ApiProperty({ description: "The JWT the site signed for its signed-in reader (sub, name, picture?, iat, exp at most 10 minutes ahead, jti?); at most 8,192 characters" })
  token!: string;
}

export class ProvidersDto {
  @ApiProperty({ type: [String], example: ['twitter', 'facebook', 'sso'] }) providers!: string[];
  @ApiProperty({ type: [ProviderDto] }) details!: ProviderDto[];
  @ApiProperty({ description: 'True when sign-in goes to the local emulator, not the real providers' }) emulator!: boolean;
}

export class ErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty({ example: 'UNAUTHENTICATED' }) error!: string;
  @ApiProperty() message!: string;
}
