import { Controller, Delete, Get, Header, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorDto } from '../../auth/auth.dto.js';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import { RateLimits } from '../../common/rate-limits.js';
import { AppConfig } from '../../config.js';
import { AccountDeletions } from './account-deletions.js';
import { AccountExport } from './account-export.js';
import { DeletionCancelledDto, DeletionScheduleDto } from './account.dto.js';

/** Scheduling and cancelling, together, per reader per hour (each is a few writes and a queue call). */
const DELETION_REQUESTS_PER_HOUR = 20;

const ERRORS = {
  unauthorized: { type: ErrorDto, description: 'UNAUTHENTICATED (a deleted account too)' },
  forbidden: { type: ErrorDto, description: 'FORBIDDEN_ORIGIN (cookie-authenticated request from a foreign site)' },
};

@ApiTags('readers')
@Controller('api/me')
@UseGuards(CommenterGuard)
@ApiBearerAuth()
export class AccountController {
  constructor(
    private readonly deletions: AccountDeletions,
    private readonly exporter: AccountExport,
    private readonly limits: RateLimits,
    private readonly config: AppConfig,
  ) {}

  @Delete()
  @HttpCode(202)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Delete my account after ACCOUNT_DELETION_GRACE_HOURS (cancellable until then; asking again keeps the first date)' })
  @ApiAcceptedResponse({ type: DeletionScheduleDto })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiForbiddenResponse(ERRORS.forbidden)
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED' })
  async schedule(@CurrentCommenter() reader: Commenter): Promise<DeletionScheduleDto> {
    await this.limitDeletionRequests(reader);
    return this.deletions.schedule(reader);
  }

  @Post('deletion/cancel')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Cancel the scheduled deletion of my account' })
  @ApiOkResponse({ type: DeletionCancelledDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'NO_DELETION_SCHEDULED' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiForbiddenResponse(ERRORS.forbidden)
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED' })
  async cancel(@CurrentCommenter() reader: Commenter): Promise<DeletionCancelledDto> {
    await this.limitDeletionRequests(reader);
    await this.deletions.cancel(reader);
    return { deletionAt: null };
  }

  @Get('export')
  @ApiOperation({ summary: 'Download everything kept about me, as one JSON file (EXPORT_RATE_LIMIT an hour)' })
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'The export document (content-disposition: attachment)' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED: EXPORT_RATE_LIMIT an hour per reader' })
  async export(@CurrentCommenter() reader: Commenter, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    await this.limits.consume('export', reader.id, {
      points: this.config.exportRateLimit,
      windowSeconds: 3600,
      message: `At most ${this.config.exportRateLimit} exports an hour; try again later`,
    });
    const document = await this.exporter.build(reader);
    void reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="comments-data-${reader.id}.json"`)
      .header('content-type', 'application/json; charset=utf-8');
    return document;
  }

  private limitDeletionRequests(reader: Commenter): Promise<void> {
    return this.limits.consume('account-deletion', reader.id, {
      points: DELETION_REQUESTS_PER_HOUR,
      windowSeconds: 3600,
      message: 'Too many account deletion requests; try again later',
    });
  }
}
