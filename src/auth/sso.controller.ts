import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOrFail } from '../comments/comments.dto.js';
import { RateLimits } from '../common/rate-limits.js';
import { AppConfig } from '../config.js';
import { ErrorDto, SsoSignInDto, TokenDto } from './auth.dto.js';
import { countSignIn } from './sign-in.guard.js';
import { SSO_TOKEN_MAX_LENGTH, SsoService, ssoDisabled } from './sso.service.js';

const ssoSignInSchema = z
  .object({
    token: z
      .string({ message: 'token must be a string' })
      .min(1, 'token must not be empty')
      .max(SSO_TOKEN_MAX_LENGTH, `token must be at most ${SSO_TOKEN_MAX_LENGTH} characters`),
  })
  .strict();

@ApiTags('auth')
@Controller('auth')
export class SsoController {
  constructor(
    private readonly config: AppConfig,
    private readonly limits: RateLimits,
    private readonly sso: SsoService,
  ) {}

  @Post('sso')
  @HttpCode(200)
  @ApiOperation({ summary: "Sign in with the site's own account: exchange the JWT the site signed for a bearer token" })
  @ApiBody({ type: SsoSignInDto })
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (field token: missing, not a string, over 8,192 characters), INVALID_JSON' })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'SSO_TOKEN_INVALID, the reason in message: bad signature, expired, exp too far ahead, alg none or not allowed, jti already used, a claim missing or malformed, keys unavailable' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'PROVIDER_DISABLED: neither SSO_SECRET nor SSO_JWKS_URL is set' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: SIGNIN_RATE_LIMIT sign-ins a minute from this address' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'SESSION_UNAVAILABLE: Redis is away and the token has a jti' })
  async signIn(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenDto> {
    void reply.header('cache-control', 'no-store');
    if (!this.config.sso) throw ssoDisabled();
    await countSignIn(this.limits, this.config, request);
    const { token } = parseOrFail(ssoSignInSchema, body);
    return this.sso.exchange(token);
  }
}
