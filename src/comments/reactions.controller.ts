import { Body, Controller, Delete, Get, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorDto } from '../auth/auth.dto.js';
import type { Commenter } from '../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../auth/commenter.guard.js';
import { acceptArticleId } from './comment-text.js';
import { parseOrFail } from './comments.dto.js';
import type { ReactionState } from './reaction-writer.js';
import { MyReactionsDto, ReactionDto, ReactionStateDto, reactionSchema } from './reactions.dto.js';
import { ReactionsService } from './reactions.service.js';

const ERRORS = {
  unauthorized: { type: ErrorDto, description: 'UNAUTHENTICATED' },
  forbidden: { type: ErrorDto, description: 'COMMENTER_BANNED, FORBIDDEN_ORIGIN (cookie-authenticated request from a foreign site)' },
  notFound: { type: ErrorDto, description: 'NOT_FOUND: no such comment, or one the public never saw' },
  conflict: { type: ErrorDto, description: 'OWN_COMMENT; COMMENT_NOT_PUBLISHED: it was public and no longer is (rejected, deleted, hidden after reports)' },
  tooMany: { type: ErrorDto, description: 'RATE_LIMITED: REACTION_RATE_LIMIT a minute per reader (Retry-After, retryAfter)' },
};

@ApiTags('comments')
@Controller('api')
export class ReactionsController {
  constructor(private readonly reactions: ReactionsService) {}

  @Put('comments/:id/reaction')
  @HttpCode(200)
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: '공감 / 비공감: set the reader\'s reaction (one per comment; switching allowed; a repeat changes nothing)' })
  @ApiBody({ type: ReactionDto })
  @ApiOkResponse({ type: ReactionStateDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (field type), INVALID_JSON' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiForbiddenResponse(ERRORS.forbidden)
  @ApiNotFoundResponse(ERRORS.notFound)
  @ApiConflictResponse(ERRORS.conflict)
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  react(@Param('id') id: string, @Body() body: unknown, @CurrentCommenter() reader: Commenter): Promise<ReactionState> {
    const { type } = parseOrFail(reactionSchema, body);
    return this.reactions.react(reader, id, type);
  }

  @Delete('comments/:id/reaction')
  @HttpCode(200)
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Take the reader's reaction back (none to take back: the same answer)" })
  @ApiOkResponse({ type: ReactionStateDto, description: 'myReaction is null' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  @ApiForbiddenResponse(ERRORS.forbidden)
  @ApiNotFoundResponse(ERRORS.notFound)
  @ApiConflictResponse(ERRORS.conflict)
  @ApiTooManyRequestsResponse(ERRORS.tooMany)
  withdraw(@Param('id') id: string, @CurrentCommenter() reader: Commenter): Promise<ReactionState> {
    return this.reactions.react(reader, id, null);
  }

  @Get('articles/:articleId/my-reactions')
  @UseGuards(CommenterGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The reader's own reactions on an article's comments (lists stay public and cacheable)" })
  @ApiOkResponse({ type: MyReactionsDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'VALIDATION_FAILED (field articleId)' })
  @ApiUnauthorizedResponse(ERRORS.unauthorized)
  async mine(
    @Param('articleId') articleId: string,
    @CurrentCommenter() reader: Commenter,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MyReactionsDto> {
    const id = acceptArticleId(articleId);
    void reply.header('cache-control', 'no-store');
    return { reactions: await this.reactions.mine(reader.id, id) };
  }
}
