import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorDto } from '../auth/auth.dto.js';
import type { Commenter } from '../auth/commenter.entity.js';
import { CommenterGuard, CommenterResolver, CurrentCommenter, type CommenterRequest } from '../auth/commenter.guard.js';
import { AppError } from '../errors.js';
import { CommentListCache } from './comment-list.cache.js';
import { acceptArticleId, acceptIdempotencyKey } from './comment-text.js';
import {
  AcceptedCommentDto,
  CommentPageDto,
  OwnCommentDto,
  PublishedCommentDto,
  SubmitCommentDto,
  parseOrFail,
  submitCommentSchema,
} from './comments.dto.js';
import { CommentsService, toOwnComment, type OwnComment, type PublishedComment } from './comments.service.js';

function parseLimit(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 20;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AppError('VALIDATION_FAILED', 400, 'limit must be a whole number from 1 to 100', { field: 'limit' });
  }
  return limit;
}

@ApiTags('comments')
@Controller('api')
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly cache: CommentListCache,
    private readonly resolver: CommenterResolver,
  ) {}

  @Post('articles/:articleId/comments')
  @HttpCode(202)
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Submit a comment; it is published once moderation lets it through' })
  @ApiBody({ type: SubmitCommentDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key from the same reader returns the first comment' })
  @ApiAcceptedResponse({ type: AcceptedCommentDto })
  @ApiOkResponse({ type: ErrorDto, description: 'Errors: COMMENT_EMPTY, COMMENT_TOO_LONG, VALIDATION_FAILED, UNAUTHENTICATED, COMMENTER_BANNED, COMMENTS_CLOSED, RATE_LIMITED' })
  async submit(
    @Param('articleId') articleId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCommenter() commenter: Commenter,
  ): Promise<AcceptedCommentDto> {
    const input = parseOrFail(submitCommentSchema, body);
    const comment = await this.comments.submit(commenter, acceptArticleId(articleId), input, acceptIdempotencyKey(idempotencyKey));
    return { id: comment.id, status: comment.status, createdAt: comment.createdAt.toISOString() };
  }

  @Get('articles/:articleId/comments')
  @ApiOperation({ summary: 'Published comments, newest first (cached; ETag / If-None-Match)' })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ type: CommentPageDto })
  async list(
    @Param('articleId') articleId: string,
    @Query('limit') limitRaw: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const id = acceptArticleId(articleId);
    const limit = parseLimit(limitRaw);
    const key = this.cache.key(id, limit, cursor);
    const page = this.cache.get(key) ?? this.cache.set(id, key, JSON.stringify(await this.comments.listPublished(id, limit, cursor || undefined)));
    void reply.header('etag', page.etag).header('cache-control', 'public, max-age=5, stale-while-revalidate=30');
    if (request.headers['if-none-match'] === page.etag) {
      await reply.code(304).send();
      return;
    }
    await reply.type('application/json; charset=utf-8').send(page.json);
  }

  @Get('comments/:id')
  @ApiOperation({ summary: 'One comment: its author sees it in any status, anyone else only once published' })
  @ApiOkResponse({ type: PublishedCommentDto, description: 'For the author: the OwnComment shape (status, reason)' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async one(@Param('id') id: string, @Req() request: CommenterRequest): Promise<OwnComment | PublishedComment> {
    const viewer = await this.resolver.resolve(request);
    const comment = /^[0-9a-f-]{36}$/.test(id) ? await this.comments.findById(id) : null;
    if (comment && viewer?.id === comment.commenterId) return toOwnComment(comment);
    if (!comment || comment.status !== 'published' || comment.hiddenAt) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const author = await this.comments.authorOf(comment);
    return { id: comment.id, body: comment.body, author, publishedAt: comment.publishedAt!.toISOString() };
  }

  @Get('me/comments')
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The reader's own recent comments, with their statuses" })
  @ApiOkResponse({ type: [OwnCommentDto] })
  async mine(@CurrentCommenter() commenter: Commenter, @Res({ passthrough: true }) reply: FastifyReply): Promise<{ items: OwnComment[] }> {
    void reply.header('cache-control', 'no-store');
    return { items: (await this.comments.recentOf(commenter.id)).map(toOwnComment) };
  }
}
