import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCookieAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StreamSlots } from '../common/stream-slots.js';
import { ErrorDto } from '../auth/auth.dto.js';
import { MODERATOR_COOKIE } from '../moderators/moderator-sessions.js';
import { ModeratorGuard } from '../moderators/moderator.guard.js';
import { LiveEvents } from './live-events.js';

@ApiTags('moderation')
@Controller('api/moderation')
@UseGuards(ModeratorGuard)
export class EventsController {
  constructor(
    private readonly live: LiveEvents,
    private readonly slots: StreamSlots,
  ) {}

  /**
   * Not Nest's @Sse (an Observable per request, written through Nest's own stream handling): the
   * stream is handed to LiveEvents on the raw response, after the guard has run.
   */
  @Get('events')
  @ApiBearerAuth()
  @ApiCookieAuth(MODERATOR_COOKIE)
  @ApiOperation({
    summary: 'Live updates for moderators (server-sent events)',
    description:
      'text/event-stream. Events: `item` {commentId, articleId, queue} when a comment enters review or reported; ' +
      '`decision` {commentId, articleId, from, to, actor, moderatorId, reason} when a held comment is decided or a moderator acts; ' +
      '`counts` (same shape as GET /api/moderation/queue/counts) on connect and after changes. A comment line every 15 s keeps the stream open.',
  })
  @ApiOkResponse({ description: 'An event stream' })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: this address holds SSE_MAX_PER_CLIENT streams already (Retry-After)' })
  async events(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const slot = await this.slots.take(request.ip);
    reply.hijack();
    this.live.attach(reply.raw, reply.getHeaders(), () => slot.release());
  }
}
