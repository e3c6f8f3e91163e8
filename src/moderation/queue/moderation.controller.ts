import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { acceptArticleId } from '../../comments/comment-text.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { Comment } from '../../comments/comment.entity.js';
import { AppError } from '../../errors.js';
import { parseLimit } from '../../common/query-params.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import type { Moderator } from '../../moderators/moderator.entity.js';
import { CurrentModerator, ModeratorGuard } from '../../moderators/moderator.guard.js';
import type { Repository } from 'typeorm';
import { AuditService, type AuditView } from '../decisions/audit.service.js';
import { DecisionsService, type BulkResult } from './decisions.service.js';
import { FeaturingService, type FeatureResult } from './featuring.service.js';
import { ApproveDto, BulkDto, QUEUES, RejectDto, approveSchema, bulkSchema, rejectSchema, type QueueName } from '../moderation.dto.js';
import { QueueService, type QueueCounts, type QueueItem, type QueuePage } from './queue.service.js';
import type { ModerationCommentView } from './views.js';

export function optionalUuid(raw: string | undefined, field: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9a-f-]{36}$/i.test(raw)) throw new AppError('VALIDATION_FAILED', 400, `${field} must be an id`, { field });
  return raw.toLowerCase();
}

@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation')
@UseGuards(ModeratorGuard)
export class ModerationController {
  constructor(
    private readonly queue: QueueService,
    private readonly decisions: DecisionsService,
    private readonly featuring: FeaturingService,
    private readonly audit: AuditService,
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
  ) {}

  @Get('queue')
  @ApiOperation({ summary: 'A queue: review (oldest first), reported, rejected, published (newest first)' })
  @ApiQuery({ name: 'queue', enum: QUEUES, required: false, description: 'Default review' })
  @ApiQuery({ name: 'articleId', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  list(
    @Query('queue') queueRaw: string | undefined,
    @Query('articleId') articleId: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<QueuePage> {
    const queue = (queueRaw || 'review') as QueueName;
    if (!QUEUES.includes(queue)) throw new AppError('VALIDATION_FAILED', 400, `queue must be one of ${QUEUES.join(', ')}`, { field: 'queue' });
    return this.queue.list(queue, { articleId: articleId ? acceptArticleId(articleId) : undefined, cursor: cursor || undefined, limit: parseLimit(limit) });
  }

  @Get('queue/counts')
  @ApiOperation({ summary: 'How many comments each queue holds' })
  @ApiQuery({ name: 'articleId', required: false })
  counts(@Query('articleId') articleId: string | undefined): Promise<QueueCounts> {
    return this.queue.counts(articleId ? acceptArticleId(articleId) : undefined);
  }

  @Get('comments/:id')
  @ApiOperation({ summary: 'One comment as a queue item (comment, article, findings, reports, author)' })
  async one(@Param('id') id: string): Promise<QueueItem> {
    const comment = /^[0-9a-f-]{36}$/.test(id) ? await this.comments.findOneBy({ id }) : null;
    if (!comment) throw new AppError('NOT_FOUND', 404, 'No such comment');
    return (await this.queue.hydrate([comment]))[0]!;
  }

  @Post('comments/bulk')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve or reject several comments; a result per id' })
  @ApiBody({ type: BulkDto })
  async bulk(@Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ results: BulkResult[] }> {
    const input = parseOrFail(bulkSchema, body);
    return { results: await this.decisions.bulk(moderator.id, input.ids, { action: input.action, reason: input.reason, note: input.note, expectedStatus: input.expectedStatus }) };
  }

  @Post('comments/:id/approve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a comment waiting for a decision (pending, in review), or clear the reports of a reported one; reversing a rejection needs expectedStatus "rejected"' })
  @ApiBody({ type: ApproveDto, required: false })
  @ApiOkResponse({ description: 'Errors: NOT_FOUND, CONFLICT (409, with `current`)' })
  approve(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ comment: ModerationCommentView; previous: string }> {
    const input = parseOrFail(approveSchema, body);
    return this.decisions.decide(moderator.id, id, { action: 'approve', note: input.note, expectedStatus: input.expectedStatus, revisionId: input.revisionId });
  }

  @Post('comments/:id/reject')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a comment waiting for a decision (pending, in review, reported); removing a published, unreported one needs expectedStatus "published"' })
  @ApiBody({ type: RejectDto })
  @ApiOkResponse({ description: 'Errors: VALIDATION_FAILED, NOT_FOUND, CONFLICT (409, with `current`)' })
  reject(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<{ comment: ModerationCommentView; previous: string }> {
    const input = parseOrFail(rejectSchema, body);
    return this.decisions.decide(moderator.id, id, { action: 'reject', reason: input.reason, note: input.note, expectedStatus: input.expectedStatus, revisionId: input.revisionId });
  }

  @Post('comments/:id/feature')
  @HttpCode(200)
  @ApiOperation({ summary: "Make a published comment an editor's pick (highlights `featured`); a repeat changes nothing" })
  @ApiOkResponse({ description: '{comment, changed}. Errors: NOT_FOUND, COMMENT_NOT_PUBLISHED (409: not published, or hidden after reports)' })
  feature(@Param('id') id: string, @CurrentModerator() moderator: Moderator): Promise<FeatureResult> {
    return this.featuring.set(moderator.id, id, true);
  }

  @Post('comments/:id/unfeature')
  @HttpCode(200)
  @ApiOperation({ summary: "Withdraw an editor's pick (in any status); a repeat changes nothing" })
  @ApiOkResponse({ description: '{comment, changed}. Errors: NOT_FOUND, COMMENT_NOT_PUBLISHED (409: not a pick and not published)' })
  unfeature(@Param('id') id: string, @CurrentModerator() moderator: Moderator): Promise<FeatureResult> {
    return this.featuring.set(moderator.id, id, false);
  }

  @Get('log')
  @ApiOperation({ summary: 'The audit trail, newest first: decisions, reports reaching the threshold, bans, account changes' })
  @ApiQuery({ name: 'commentId', required: false })
  @ApiQuery({ name: 'moderatorId', required: false })
  @ApiQuery({ name: 'commenterId', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 50' })
  log(
    @Query('commentId') commentId: string | undefined,
    @Query('moderatorId') moderatorId: string | undefined,
    @Query('commenterId') commenterId: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limit: string | undefined,
  ): Promise<{ items: AuditView[]; nextCursor: string | null }> {
    return this.audit.list({
      commentId: optionalUuid(commentId, 'commentId'),
      moderatorId: optionalUuid(moderatorId, 'moderatorId'),
      commenterId: optionalUuid(commenterId, 'commenterId'),
      cursor: cursor || undefined,
      limit: parseLimit(limit, 50),
    });
  }
}
