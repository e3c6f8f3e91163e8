import { Body, Controller, Delete, Get, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TokensService } from '../auth/tokens.service.js';
import { AppConfig } from '../config.js';
import { parseOrFail } from '../comments/comments.dto.js';
import { MODERATOR_COOKIE, ModeratorSessions } from './moderator-sessions.js';
import { ModeratorGuard, type ModeratorRequest } from './moderator.guard.js';
import { SessionDto, SignInDto, signInSchema } from './moderators.dto.js';
import { ModeratorsService } from './moderators.service.js';

@ApiTags('moderation')
@Controller('api/moderation/session')
export class SessionController {
  constructor(
    private readonly config: AppConfig,
    private readonly moderators: ModeratorsService,
    private readonly sessions: ModeratorSessions,
    private readonly tokens: TokensService,
  ) {}

  @Post()
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Moderator sign-in: a bearer token, and the dashboard cookie with its CSRF token' })
  @ApiBody({ type: SignInDto })
  @ApiOkResponse({ type: SessionDto, description: 'Errors: VALIDATION_FAILED, INVALID_CREDENTIALS (401), ACCOUNT_DISABLED (403), ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS (429, Retry-After)' })
  async signIn(@Body() body: unknown, @Req() request: ModeratorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<SessionDto> {
    const input = parseOrFail(signInSchema, body);
    const moderator = await this.moderators.authenticate(input.email, input.password, request.ip);
    const ttl = this.config.moderatorSessionTtlSeconds;
    const [{ id, session }, issued] = await Promise.all([this.sessions.create(moderator.id), this.tokens.issue(moderator.id, 'moderator', ttl)]);
    void reply.setCookie(MODERATOR_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.secureCookies,
      maxAge: ttl,
    });
    return {
      token: issued.token,
      expiresAt: issued.expiresAt,
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
  @ApiOperation({ summary: 'Sign out: ends the dashboard session or revokes the bearer token' })
  @ApiNoContentResponse()
  async signOut(@Req() request: ModeratorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const auth = request.moderatorAuth!;
    if (auth.kind === 'cookie') await this.sessions.destroy(auth.sessionId);
    else await this.tokens.revoke(auth.claims);
    void reply.clearCookie(MODERATOR_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.config.secureCookies });
  }
}
