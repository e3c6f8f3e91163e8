import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StreamSlotsModule } from '../common/stream-slots.js';
import { ModeratorsModule } from '../moderators/moderators.module.js';
import { Article } from './article.entity.js';
import { ArticleCounts } from './article-counts.js';
import { CommentEdits } from './comment-edits.js';
import { CommentListCache } from './comment-list.cache.js';
import { CommentReader } from './comment-reader.js';
import { CommentStream } from './comment-stream.js';
import { CommentWriter } from './comment-writer.js';
import { Comment } from './comment.entity.js';
import { CommentsController } from './comments.controller.js';
import { CommentsService } from './comments.service.js';
import { CountsController } from './counts.controller.js';
import { EditsController } from './edits.controller.js';
import { ListCursors } from './list-cursor.js';
import { LiveController } from './live.controller.js';
import { CommentRateLimiter } from './rate-limiter.js';
import { RankingSnapshots } from './ranking-snapshots.js';
import { ReactionRelay } from './reaction-relay.js';
import { ReactionWriter } from './reaction-writer.js';
import { ReactionsController } from './reactions.controller.js';
import { ReactionsService } from './reactions.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Comment, Article]), ModeratorsModule, StreamSlotsModule],
  controllers: [CommentsController, LiveController, CountsController, ReactionsController, EditsController],
  providers: [CommentsService, CommentWriter, CommentListCache, ArticleCounts, CommentRateLimiter, CommentStream, ListCursors, CommentReader, RankingSnapshots, ReactionsService, ReactionWriter, ReactionRelay, CommentEdits],
  exports: [CommentsService, CommentReader, CommentStream, CommentListCache],
})
export class CommentsModule {}
