import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { acceptArticleId } from '../../comments/comment-text.js';
import { COMMENT_STATUSES, type CommentStatus } from '../../comments/comment.entity.js';
import { parseLimit } from '../../common/query-params.js';
import { AppError } from '../../errors.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import { ModeratorGuard } from '../../moderators/moderator.guard.js';
import type { QueuePage } from '../queue/queue.service.js';
import { searchText } from './search-text.js';
import { SearchService } from './search.service.js';

const MAX_CHARS = 100;

const invalid = (field: string, message: string) => new AppError('VALIDATION_FAILED', 400, message, { field });

/** 1 to 100 characters (code points), not only spaces; empty or missing is not given. */
function optionalText(raw: string | undefined, field: string): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const text = raw.trim();
  if (text === '' || [...text].length > MAX_CHARS) throw invalid(field, `${field} must be 1 to ${MAX_CHARS} characters`);
  return text;
}

@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation')
@UseGuards(ModeratorGuard)
export class SearchController {
  constructor(private readonly service: SearchService) {}

  @Get('search')
  @ApiOperation({ summary: 'Comments by text (read as the rules read it), author and article, newest first; at least one of q, author, articleId' })
  @ApiQuery({ name: 'q', required: false, description: '1–100 characters; case, width, spacing and the evasions the rules undo are ignored' })
  @ApiQuery({ name: 'author', required: false, description: "Part of the commenter's display name (any case), or their id" })
  @ApiQuery({ name: 'articleId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: COMMENT_STATUSES })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1–100, default 20' })
  @ApiOkResponse({ description: '{items, nextCursor}, items as in the queue. Errors: VALIDATION_FAILED (400, with field), SEARCH_TIMEOUT (503)' })
  search(
    @Query('q') qRaw: string | undefined,
    @Query('author') authorRaw: string | undefined,
    @Query('articleId') articleRaw: string | undefined,
    @Query('status') statusRaw: string | undefined,
    @Query('cursor') cursor: string | undefined,
    @Query('limit') limitRaw: string | undefined,
  ): Promise<QueuePage> {
    const q = optionalText(qRaw, 'q');
    const text = q === undefined ? undefined : searchText(q);
    if (text === '') throw invalid('q', 'q has no letters or digits to search for');
    const author = optionalText(authorRaw, 'author')?.toLowerCase();
    const articleId = articleRaw ? acceptArticleId(articleRaw) : undefined;
    if (text === undefined && author === undefined && articleId === undefined) throw invalid('q', 'Give at least one of q, author and articleId');
    let status: CommentStatus | undefined;
    if (statusRaw) {
      if (!COMMENT_STATUSES.includes(statusRaw as CommentStatus)) throw invalid('status', `status must be one of ${COMMENT_STATUSES.join(', ')}`);
      status = statusRaw as CommentStatus;
    }
    return this.service.search({ text, author, articleId, status, cursor: cursor || undefined, limit: parseLimit(limitRaw) });
  }
}
