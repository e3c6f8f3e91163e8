import { Body, Controller, Get, Header, HttpCode, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorDto } from '../../auth/auth.dto.js';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { parseLimit } from '../../common/query-params.js';
import {
  NotificationPageDto,
  PreferencesDto,
  preferencesSchema,
  ReadDto,
  readAllSchema,
  readIdsSchema,
  UnreadDto,
  type NotificationPage,
  type Preferences,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

const UNAUTHORIZED = { type: ErrorDto, description: 'UNAUTHENTICATED' };
const TOO_MANY = { type: ErrorDto, description: 'RATE_LIMITED: 60 changes a minute per reader (Retry-After)' };

@ApiTags('readers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/me')
@UseGuards(CommenterGuard)
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get('notifications')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "The reader's notifications, newest first, and how many are unread" })
  @ApiQuery({ name: 'limit', required: false, description: '1–50, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (limit, cursor)' })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  list(@CurrentCommenter() reader: Commenter, @Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<NotificationPage> {
    return this.notifications.page(reader.id, parseLimit(limit, 20, 50), cursor || undefined);
  }

  @Get('notifications/unread')
  @ApiOperation({ summary: "The bell's count, for polling: weak ETag, 304 on If-None-Match while nothing changed" })
  @ApiOkResponse({ type: UnreadDto })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  async unread(@CurrentCommenter() reader: Commenter, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { unread, latest } = await this.notifications.unreadState(reader.id);
    const etag = `W/"${latest}-${unread}"`;
    // Private: the browser keeps it and asks again with If-None-Match; no shared cache may.
    void reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
    if (request.headers['if-none-match'] === etag) {
      await reply.code(304).send();
      return;
    }
    await reply.send({ unread });
  }

  @Post('notifications/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark notifications read: `{ids}` (at most 100, the reader’s own) or `{all: true}`; answers the unread count' })
  @ApiBody({ type: ReadDto })
  @ApiOkResponse({ type: UnreadDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED, INVALID_JSON' })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiTooManyRequestsResponse(TOO_MANY)
  async read(@CurrentCommenter() reader: Commenter, @Body() body: unknown): Promise<{ unread: number }> {
    const which = body !== null && typeof body === 'object' && 'all' in body ? parseOrFail(readAllSchema, body) : parseOrFail(readIdsSchema, body);
    return { unread: await this.notifications.markRead(reader.id, which) };
  }

  @Get('preferences')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Which notification types the reader gets (all on by default), and how each is mailed' })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  preferences(@CurrentCommenter() reader: Commenter): Promise<Preferences> {
    return this.notifications.preferences(reader.id);
  }

  @Put('preferences')
  @ApiOperation({ summary: 'Turn notification types on or off and set their e-mail modes (the types named; the others stay); answers all of them' })
  @ApiBody({ type: PreferencesDto })
  @ApiOkResponse({ type: PreferencesDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (an unknown key or type, a value not true/false or not immediate/digest/off), INVALID_JSON' })
  @ApiUnauthorizedResponse(UNAUTHORIZED)
  @ApiTooManyRequestsResponse(TOO_MANY)
  setPreferences(@CurrentCommenter() reader: Commenter, @Body() body: unknown): Promise<Preferences> {
    return this.notifications.setPreferences(reader.id, parseOrFail(preferencesSchema, body));
  }
}
