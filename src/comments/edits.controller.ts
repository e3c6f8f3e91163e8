import { Body, Controller, Delete, HttpCode, Param, Patch, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../auth/auth.dto.js';
import type { Commenter } from '../auth/commenter.entity.js';
import { CommenterGuard, CurrentCommenter } from '../auth/commenter.guard.js';
import { CommentEdits } from './comment-edits.js';
import { EditCommentDto, OwnCommentDto, editCommentSchema, parseOrFail } from './comments.dto.js';
import type { OwnComment } from './comments.service.js';

@ApiTags('comments')
@ApiBearerAuth()
@Controller('api/comments')
@UseGuards(CommenterGuard)
export class EditsController {
  constructor(private readonly edits: CommentEdits) {}

  @Patch(':id')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Edit your own comment within EDIT_WINDOW_SECONDS of posting, at most 3 times; the new text is moderated like a new comment',
  })
  @ApiBody({ type: EditCommentDto })
  @ApiAcceptedResponse({ type: OwnCommentDto, description: 'The comment as its author sees it (a published one keeps its public text while the edit waits: pendingBody)' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'COMMENT_EMPTY, COMMENT_TOO_LONG (with length and limit), VALIDATION_FAILED (with field), INVALID_JSON' })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'UNAUTHENTICATED' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'NOT_AUTHOR, COMMENTER_BANNED, COMMENTS_CLOSED, FORBIDDEN_ORIGIN' })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'EDIT_WINDOW_CLOSED, EDIT_LIMIT_REACHED (with limit), COMMENT_REJECTED, COMMENT_DELETED' })
  edit(@Param('id') id: string, @Body() body: unknown, @CurrentCommenter() commenter: Commenter): Promise<OwnComment> {
    const input = parseOrFail(editCommentSchema, body);
    return this.edits.edit(commenter, id, input.body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete your own comment: it leaves the lists, counts and streams at once (a placeholder while it has published replies)' })
  @ApiNoContentResponse({ description: 'Deleted (also when it already was)' })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'UNAUTHENTICATED' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'NOT_AUTHOR, FORBIDDEN_ORIGIN' })
  @ApiNotFoundResponse({ type: ErrorDto })
  async delete(@Param('id') id: string, @CurrentCommenter() commenter: Commenter): Promise<void> {
    await this.edits.delete(commenter, id);
  }
}
