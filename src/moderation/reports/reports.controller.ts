import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Commenter } from '../../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../../auth/commenter.guard.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { ReportDto, reportSchema } from '../moderation.dto.js';
import { ReportsService, type ReportAnswer } from './reports.service.js';

@ApiTags('comments')
@Controller('api/comments')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post(':id/reports')
  @HttpCode(201)
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Report a published comment (once per reader; a repeat answers the same and adds nothing)' })
  @ApiBody({ type: ReportDto })
  @ApiCreatedResponse({ description: 'Errors: VALIDATION_FAILED, UNAUTHENTICATED, COMMENTER_BANNED (403), NOT_FOUND, COMMENT_NOT_PUBLISHED (409), OWN_COMMENT (409), RATE_LIMITED (429, REPORT_RATE_LIMIT an hour)' })
  report(@Param('id') id: string, @Body() body: unknown, @CurrentCommenter() reader: Commenter): Promise<ReportAnswer> {
    const input = parseOrFail(reportSchema, body);
    return this.reports.report(reader, id, input);
  }
}
