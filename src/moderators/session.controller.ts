import { Body, Controller, Delete, Get, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokensService } from '../auth/tokens.service.js';
import { assertTrustedOrigin } from '../auth/trusted-origin.js';
import { AppConfig } from '../config.js';
import { parseOrFail } from '../comments/comments.dto.js';
import { addressBucket } from '../common/client-address.js';
import { AppError } from '../errors.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_PATH, DEVICE_COOKIE_TTL_SECONDS, DeviceCookies } from './device-cookie.js';
import { MODERATOR_COOKIE, ModeratorSessions } from './moderator-sessions.js';
import { ISSUED_AT_MS, ModeratorGuard, type ModeratorRequest } from './moderator.guard.js';
import { SessionDto, SignInDto, signInSchema } from './moderators.dto.js';
import { ModeratorsService } from './moderators.service.js';

/**
 * Login CSRF: a cross-site form must not sign a browser in to someone else's account. A form can
 * send neither JSON nor a foreign page's Origin past these checks.
 */
function assertSignInRequest(request: FastifyRequest, config: AppConfig): void {
  assertTrustedOrigin(request, config);
  if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 415, 'Sign in with a JSON body (Content-Type: application/json)');
  }
}

@ApiTags('moderation')
@Controller('api/moderation/session')
export class SessionController {
  private readonly devices: DeviceCookies;

  constructor(
    private readonly config: AppConfig,
    private readonly moderators: ModeratorsService,
    private readonly sessions: ModeratorSessions,
    private readonly tokens: TokensService,
  ) {
    this.devices = new DeviceCookies(config.authSecret);
  }

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Moderator sign-in (JSON only): the dashboard cookie with its CSRF token, and a bearer token unless cookieOnly' })
  @ApiBody({ type: SignInDto })
  @ApiOkResponse({
    type: SessionDto,
    description:
      'Errors: VALIDATION_FAILED, INVALID_CREDENTIALS (401), ACCOUNT_DISABLED (403), FORBIDDEN_ORIGIN (403), UNSUPPORTED_MEDIA_TYPE (415), ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS (429, Retry-After)',
  })
  async signIn(@Body() body: unknown, @Req() request: ModeratorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    assertSignInRequest(request, this.config);
    const input = parseOrFail(signInSchema, body);
    const device = this.devices.read(request.cookies?.[DEVICE_COOKIE]);
    const moderator = await this.moderators.authenticate(input.email, input.password, { address: addressBucket(request.ip), device });
    const ttl = this.config.moderatorSessionTtlSeconds;
    const minted = input.cookieOnly ? null : await this.tokens.issueRevocable(moderator.id, 'moderator', ttl, { [ISSUED_AT_MS]: Date.now() });
    const issued = minted?.issued;
    const { id, session } = await this.sessions.create(moderator.id, minted?.revocation);
    const cookie = { httpOnly: true, sameSite: 'strict', secure: this.config.secureCookies } as const;
    void reply.setCookie(MODERATOR_COOKIE, id, { ...cookie, path: '/', maxAge: ttl });
    const deviceId = device?.moderatorId === moderator.id ? device.id : DeviceCookies.newId();
    void reply.setCookie(DEVICE_COOKIE, this.devices.issue({ moderatorId: moderator.id, id: deviceId }), {
      ...cookie,
      path: DEVICE_COOKIE_PATH,
      maxAge: DEVICE_COOKIE_TTL_SECONDS,
    });
    return {
      ...(issued ? { token: issued.token } : {}),
      expiresAt: issued?.expiresAt ?? session.expiresAt,
      csrfToken: session.csrfToken,
      moderator: { id: moderator.id, email: moderator.email, role: moderator.role },
    };
  }

  @Get()
  @UseGuards(ModeratorGuard)
  @Header('cache-control', 'no-store')
  @ApiBearerAuth()
  @ApiCookieAuth(MODERATOR_COOKIE)
  @ApiOperation({ summary: 'Who is signed in; for the dashboard cookie also its CSRF token (after a reload)' })
  current(@Req() request: ModeratorRequest): { moderator: { id: string; email: string; role: string }; csrfToken: string | null } {
    const m = request.moderator!;
    const auth = request.moderatorAuth!;
    return { moderator: { id: m.id, email: m.email, role: m.role }, csrfToken: auth.kind === 'cookie' ? auth.session.csrfToken : null };
  }

  @Delete()
  @HttpCode(204)
  @UseGuards(ModeratorGuard)
  @ApiBearerAuth()
  @ApiCookieAuth(MODERATOR_COOKIE)
  @ApiOperation({ summary: 'Sign out: ends the dashboard session and revokes the bearer token minted with it (either one signs both out)' })
  @ApiNoContentResponse()
  async signOut(@Req() request: ModeratorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const auth = request.moderatorAuth!;
    if (auth.kind === 'cookie') {
      await this.sessions.destroy(auth.sessionId);
      if (auth.session.token) await this.tokens.revoke(auth.session.token);
    } else {
      await this.tokens.revoke(auth.claims);
      await this.sessions.destroyForToken(auth.claims.jti);
    }
    void reply.clearCookie(MODERATOR_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.config.secureCookies });
  }
}
