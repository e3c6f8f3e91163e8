import { Body, Controller, Header, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TokensService } from '../auth/tokens.service.js';
import { parseOrFail } from '../comments/comments.dto.js';
import { addressBucket } from '../common/client-address.js';
import { AppConfig } from '../config.js';
import { MODERATOR_COOKIE, ModeratorSessions } from './moderator-sessions.js';
import { ISSUED_AT_MS, ModeratorGuard, type ModeratorRequest } from './moderator.guard.js';
import { ChangeOwnPasswordDto, PasswordChangedDto, changeOwnPasswordSchema } from './moderators.dto.js';
import { ModeratorsService } from './moderators.service.js';

/** What any signed-in moderator may do to their own account. */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/me')
@UseGuards(ModeratorGuard)
export class MeController {
  constructor(
    private readonly config: AppConfig,
    private readonly moderators: ModeratorsService,
    private readonly sessions: ModeratorSessions,
    private readonly tokens: TokensService,
  ) {}

  @Post('password')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Change one’s own password: every other session and token ends; the one asking gets a fresh one' })
  @ApiBody({ type: ChangeOwnPasswordDto })
  @ApiOkResponse({
    type: PasswordChangedDto,
    description: 'Errors: VALIDATION_FAILED (400, field), INVALID_CREDENTIALS (403, wrong current password), ACCOUNT_LOCKED / TOO_MANY_ATTEMPTS (429)',
  })
  async changePassword(@Body() body: unknown, @Req() request: ModeratorRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PasswordChangedDto> {
    const input = parseOrFail(changeOwnPasswordSchema, body);
    const me = request.moderator!;
    await this.moderators.changeOwnPassword(me, input.currentPassword, input.newPassword, addressBucket(request.ip));
    // credentials_changed_at now ends every earlier credential, this one too: hand out a new one, issued after it.
    const auth = request.moderatorAuth!;
    const ttl = this.config.moderatorSessionTtlSeconds;
    if (auth.kind === 'cookie') {
      await this.sessions.destroy(auth.sessionId);
      if (auth.session.token) await this.tokens.revoke(auth.session.token);
      const { id, session } = await this.sessions.create(me.id);
      void reply.setCookie(MODERATOR_COOKIE, id, { httpOnly: true, sameSite: 'strict', secure: this.config.secureCookies, path: '/', maxAge: ttl });
      return { csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    }
    await this.tokens.revoke(auth.claims);
    await this.sessions.destroyForToken(auth.claims.jti);
    const { issued } = await this.tokens.issueRevocable(me.id, 'moderator', ttl, { [ISSUED_AT_MS]: Date.now() });
    return { token: issued.token, expiresAt: issued.expiresAt };
  }
}
