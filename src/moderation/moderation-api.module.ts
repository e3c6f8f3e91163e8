import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Commenter } from '../auth/commenter.entity.js';
import { Article } from '../comments/article.entity.js';
import { Comment } from '../comments/comment.entity.js';
import { ModeratorsModule } from '../moderators/moderators.module.js';
import { ArticlesController } from './articles.controller.js';
import { ArticlesService } from './articles.service.js';
import { AuditService } from './audit.service.js';
import { CommentersController } from './commenters.controller.js';
import { DecisionsService } from './decisions.service.js';
import { FeaturingService } from './featuring.service.js';
import { ModerationController } from './moderation.controller.js';
import { QueueService } from './queue.service.js';
import { CommentReport } from './report.entity.js';
import { ReportsController } from './reports.controller.js';
import { ReportsService } from './reports.service.js';
import { RulesAdminService } from './rules-admin.service.js';
import { RulesController } from './rules.controller.js';
import { RulesDryRun } from './rules-dry-run.js';

/** The moderators' HTTP API (queues, decisions, commenters, articles, audit) and readers' reports. API process only. */
@Module({
  imports: [ModeratorsModule, TypeOrmModule.forFeature([Comment, Commenter, CommentReport, Article])],
  controllers: [ModerationController, CommentersController, ArticlesController, ReportsController, RulesController],
  providers: [QueueService, DecisionsService, FeaturingService, ArticlesService, AuditService, ReportsService, RulesAdminService, RulesDryRun],
  exports: [QueueService],
})
export class ModerationApiModule {}
