import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Commenter } from '../auth/commenter.entity.js';
import { Article } from '../comments/article.entity.js';
import { Comment } from '../comments/comment.entity.js';
import { Moderator } from '../moderators/moderator.entity.js';
import { ModeratorsModule } from '../moderators/moderators.module.js';
import { ArticlesController } from './articles/articles.controller.js';
import { ArticlesService } from './articles/articles.service.js';
import { AuditService } from './decisions/audit.service.js';
import { CommentersController } from './commenters/commenters.controller.js';
import { CommenterNote } from './commenters/note.entity.js';
import { ReaderWarningsController } from './commenters/reader-warnings.controller.js';
import { SanctionsService } from './commenters/sanctions.service.js';
import { CommenterWarning } from './commenters/warning.entity.js';
import { DecisionsService } from './queue/decisions.service.js';
import { FeaturingService } from './queue/featuring.service.js';
import { ModerationController } from './queue/moderation.controller.js';
import { QueueService } from './queue/queue.service.js';
import { CommentReport } from './reports/report.entity.js';
import { ReportsController } from './reports/reports.controller.js';
import { ReportsService } from './reports/reports.service.js';
import { RulesAdminService } from './rule-sets/rules-admin.service.js';
import { RulesController } from './rule-sets/rules.controller.js';
import { RulesDryRun } from './rule-sets/rules-dry-run.js';
import { SearchController } from './search/search.controller.js';
import { SearchService } from './search/search.service.js';

/** The moderators' HTTP API (queues, decisions, commenters, articles, audit) and readers' reports. API process only. */
@Module({
  imports: [ModeratorsModule, TypeOrmModule.forFeature([Comment, Commenter, CommentReport, Article, CommenterWarning, CommenterNote, Moderator])],
  controllers: [ModerationController, CommentersController, ArticlesController, ReportsController, RulesController, ReaderWarningsController, SearchController],
  providers: [QueueService, DecisionsService, FeaturingService, ArticlesService, AuditService, ReportsService, RulesAdminService, RulesDryRun, SanctionsService, SearchService],
  exports: [QueueService],
})
export class ModerationApiModule {}
