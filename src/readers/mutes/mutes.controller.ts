import { Controller, Delete, Get, Header, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCookieAuth,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../../auth/auth.dto.js';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import { MutedListDto, MutedReaderDto } from './mutes.dto.js';
import { MUTES_MAX, MutesService } from './mutes.service.js';

const ERRORS = {
  invalid: { type: ErrorDto, description: 'VALIDATION_FAILED (field commenterId): not a reader id' },
  unauthorized: { type: ErrorDto, description: 'UNAUTHENTICATED' },
  notFound: { type: ErrorDto, description: 'NOT_FOUND: no reader has this id' },
  tooMany: { type: ErrorDto, description: 'RATE_LIMITED: MUTE_RATE_LIMIT mutes and unmutes a minute per reader (Retry-After, retryAfter)' },
};

@ApiTags('readers')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api/me/muted')
@UseGuards(CommenterGuard)
export class MutesController {
  constructor(private readonly mutes: MutesService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The readers the signed-in reader muted, newest first (the widget hides their comments)' })
  @ApiOkResponse({ type: MutedListDto })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  async list(@CurrentCommenter() reader: Commenter): Promise<MutedListDto> {
    return { items: await this.mutes.list(reader.id), max: MUTES_MAX };
  }

  @Post(':commenterId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mute a reader (muting again answers the same and changes nothing)' })
  @ApiOkResponse({ type: MutedReaderDto })
  @ApiBadRequestResponse(ERRORS.invalid)
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiNotFoundResponse(ERRORS.notFound)
  @ApiConflictResponse({ type: ErrorDto, description: 'CANNOT_MUTE_SELF; MUTE_LIMIT_REACHED (1,000 muted already; `limit`)' })
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  mute(@Param('commenterId') commenterId: string, @CurrentCommenter() reader: Commenter): Promise<MutedReaderDto> {
    return this.mutes.mute(reader.id, commenterId);
  }

  @Delete(':commenterId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unmute a reader (one not muted: the same answer)' })
  @ApiNoContentResponse()
  @ApiBadRequestResponse(ERRORS.invalid)
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiNotFoundResponse(ERRORS.notFound)
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  async unmute(@Param('commenterId') commenterId: string, @CurrentCommenter() reader: Commenter): Promise<void> {
    await this.mutes.unmute(reader.id, commenterId);
  }
}
