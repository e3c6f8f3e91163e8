import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Article } from './article.entity.js';
import { CommentListCache } from './comment-list.cache.js';
import { CommentWriter } from './comment-writer.js';
import { Comment } from './comment.entity.js';
import { CommentsController } from './comments.controller.js';
import { CommentsService } from './comments.service.js';
import { CommentRateLimiter } from './rate-limiter.js';

@Module({
  imports: [TypeOrmModule.forFeature([Comment, Article])],
  controllers: [CommentsController],
  providers: [CommentsService, CommentWriter, CommentListCache, CommentRateLimiter],
  exports: [CommentsService],
})
export class CommentsModule {}
