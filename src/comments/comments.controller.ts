import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiPayloadTooLargeResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
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
import { acceptsGzip } from '../common/compression.js';
import { CdnHeaders } from '../integrations/cdn/cache-headers.js';
import { AppError } from '../errors.js';
import { parseLimit } from '../common/query-params.js';
import { ModeratorResolver } from '../moderators/moderator.guard.js';
import { CommentListCache } from './comment-list.cache.js';
import { acceptArticleId, acceptIdempotencyKey } from './comment-text.js';
import {
  AcceptedCommentDto,
  CommentPageDto,
  HighlightsDto,
  ReplyPageDto,
  OwnCommentListDto,
  PublishedCommentDto,
  SubmitCommentDto,
  parseOrFail,
  submitCommentSchema,
} from './comments.dto.js';
import { CommentEdits } from './comment-edits.js';
import { CommentsService, type OwnComment } from './comments.service.js';
import { CommentReader, LIST_SORTS, parseSort } from './comment-reader.js';
import type { ListedComment } from './listed-comment.js';

@ApiTags('comments')
@Controller('api')
export class CommentsController {
  constructor(
    private readonly comments: CommentsService,
    private readonly cache: CommentListCache,
    private readonly reader: CommentReader,
    private readonly resolver: CommenterResolver,
    private readonly moderators: ModeratorResolver,
    private readonly edits: CommentEdits,
    private readonly cdn: CdnHeaders,
  ) {}

  @Post('articles/:articleId/comments')
  @HttpCode(202)
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Submit a comment; it is published once moderation lets it through' })
  @ApiBody({ type: SubmitCommentDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The same key from the same reader returns the first comment' })
  @ApiAcceptedResponse({ type: AcceptedCommentDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'COMMENT_EMPTY, COMMENT_TOO_LONG (with length and limit), VALIDATION_FAILED (with field), INVALID_JSON' })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'UNAUTHENTICATED' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'COMMENTER_BANNED, COMMENTS_CLOSED, FORBIDDEN_ORIGIN (cookie-authenticated request from a foreign site)' })
  @ApiPayloadTooLargeResponse({ type: ErrorDto, description: 'PAYLOAD_TOO_LARGE: the body is over 16 KB' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: 'RATE_LIMITED, with Retry-After and retryAfter (seconds)' })
  async submit(
    @Param('articleId') articleId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentCommenter() commenter: Commenter,
  ): Promise<AcceptedCommentDto> {
    const input = parseOrFail(submitCommentSchema, body);
    const comment = await this.comments.submit(commenter, acceptArticleId(articleId), input, acceptIdempotencyKey(idempotencyKey));
    const accepted: AcceptedCommentDto = { id: comment.id, status: comment.status, createdAt: comment.createdAt.toISOString() };
    return comment.parentId ? { ...accepted, parentId: comment.parentId } : accepted;
  }

  @Get('articles/:articleId/comments')
  @ApiOperation({ summary: 'Top-level comments (placeholders for removed ones with replies), in four orders (cached; ETag / If-None-Match)' })
  @ApiQuery({ name: 'sort', required: false, enum: LIST_SORTS, description: 'newest (default), oldest, likes, replies' })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page (likes/replies: 410 CURSOR_EXPIRED after 15 minutes)' })
  @ApiOkResponse({ type: CommentPageDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (field sort, limit or cursor)' })
  async list(
    @Param('articleId') articleId: string,
    @Query('sort') sortRaw: string | undefined,
    @Query('limit') limitRaw: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const id = acceptArticleId(articleId);
    const sort = parseSort(sortRaw);
    const limit = parseLimit(limitRaw);
    // Checked before the cache: a page is kept for every distinct cursor.
    if (cursor) this.reader.checkCursor(id, sort, cursor);
    const key = this.cache.key(id, sort, limit, cursor);
    await this.sendCached(request, reply, key, async () => ({ articleId: id, page: await this.reader.list(id, sort, limit, cursor) }));
  }

  @Get('articles/:articleId/comments/highlights')
  @ApiOperation({ summary: "Editor's picks and the best comments (BEST_COMMENTS_COUNT with at least BEST_MIN_LIKES likes)" })
  @ApiOkResponse({ type: HighlightsDto })
  async highlights(@Param('articleId') articleId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const id = acceptArticleId(articleId);
    await this.sendCached(request, reply, this.cache.key(id, 'highlights'), async () => ({ articleId: id, page: await this.reader.highlights(id) }));
  }

  @Get('comments/:id/replies')
  @ApiOperation({ summary: "A thread's published replies, oldest first (cached; ETag)" })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ type: ReplyPageDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such thread in the public list' })
  async replies(
    @Param('id') id: string,
    @Query('limit') limitRaw: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const limit = parseLimit(limitRaw);
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError('NOT_FOUND', 404, 'No such comment');
    if (cursor) this.reader.checkReplyCursor(id, cursor);
    await this.sendCached(request, reply, this.cache.key('replies', id, limit, cursor), async () => {
      const { articleId, ...page } = await this.reader.replies(id, limit, cursor);
      return { articleId, page };
    });
  }

  /** A public page from the cache, or made and cached; with its ETag, gzip when asked, 304 when unchanged. */
  private async sendCached(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    make: () => Promise<{ articleId: string; page: unknown }>,
  ): Promise<void> {
    const page =
      this.cache.get(key) ??
      (await this.cache.fill(key, async () => {
        const made = await make();
        return { articleId: made.articleId, json: JSON.stringify(made.page) };
      }));
    void reply.header('etag', page.etag).header('vary', 'accept-encoding');
    // Not personalised (a reader's own comments, reactions and mutes come from /api/me/…): a CDN may keep it.
    this.cdn.setPublic(reply, [page.articleId], 'max-age=5, stale-while-revalidate=30');
    if (request.headers['if-none-match'] === page.etag) {
      await reply.code(304).send();
      return;
    }
    void reply.type('application/json; charset=utf-8');
    if (!acceptsGzip(request)) {
      await reply.send(page.body);
      return;
    }
    await reply.header('content-encoding', 'gzip').send(this.cache.gzip(key, page));
  }

  @Get('comments/:id')
  @ApiOperation({ summary: 'One comment: its author and moderators see it in any status, anyone else only once published' })
  @ApiOkResponse({ type: PublishedCommentDto, description: 'For the author and moderators: the OwnComment shape (status, reason)' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async one(
    @Param('id') id: string,
    @Req() request: CommenterRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OwnComment | ListedComment> {
    const moderator = await this.moderators.resolveIfModerator(request);
    const viewer = moderator ? null : await this.resolver.resolve(request);
    const comment = /^[0-9a-f-]{36}$/.test(id) ? await this.comments.findById(id) : null;
    // The author's and moderators' view carries status and reason: never kept by a shared cache.
    void reply.header('vary', 'authorization, cookie').header('cache-control', 'no-store');
    if (comment && (moderator || viewer?.id === comment.commenterId)) return (await this.edits.ownViews([comment]))[0]!;
    const shown = comment ? await this.reader.visible(comment.id) : null;
    if (!shown) throw new AppError('NOT_FOUND', 404, 'No such comment');
    void reply.header('cache-control', 'public, max-age=5');
    return shown;
  }

  @Get('me/comments')
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The reader's own recent comments, with their statuses" })
  @ApiQuery({ name: 'articleId', required: false, description: 'Only the comments on this article (the widget)' })
  @ApiOkResponse({ type: OwnCommentListDto })
  async mine(
    @CurrentCommenter() commenter: Commenter,
    @Query('articleId') articleId: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ items: OwnComment[] }> {
    void reply.header('cache-control', 'no-store');
    const article = articleId === undefined ? undefined : acceptArticleId(articleId);
    return { items: await this.edits.ownViews(await this.comments.recentOf(commenter.id, 50, article)) };
  }
}
