import { Body, Controller, Get, Param, Patch, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { acceptArticleId } from '../../comments/comment-text.js';
import { parseOrFail } from '../../comments/comments.dto.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import type { Moderator } from '../../moderators/moderator.entity.js';
import { CurrentModerator, ModeratorGuard } from '../../moderators/moderator.guard.js';
import { ArticlesService, type ArticleView } from './articles.service.js';
import { ArticleSettingsDto, articleSettingsSchema } from '../moderation.dto.js';

@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/articles')
@UseGuards(ModeratorGuard)
export class ArticlesController {
  constructor(private readonly articles: ArticlesService) {}

  @Get(':articleId')
  @ApiOperation({ summary: 'An article: comments open or closed, its own moderation mode, published count' })
  get(@Param('articleId') articleId: string): Promise<ArticleView> {
    return this.articles.get(acceptArticleId(articleId));
  }

  @Patch(':articleId')
  @ApiOperation({ summary: 'Close or reopen comments on an article, or hold all its comments for review (pre-moderation)' })
  @ApiBody({ type: ArticleSettingsDto })
  update(@Param('articleId') articleId: string, @Body() body: unknown, @CurrentModerator() moderator: Moderator): Promise<ArticleView> {
    const id = acceptArticleId(articleId);
    return this.articles.update(moderator.id, id, parseOrFail(articleSettingsSchema, body));
  }
}
