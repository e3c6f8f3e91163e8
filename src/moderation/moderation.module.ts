import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Article } from '../comments/article.entity.js';
import { CommentEvents } from '../comments/comment-events.js';
import { Comment } from '../comments/comment.entity.js';
import { OutboxEntry } from '../comments/outbox.entity.js';
import { OutboxRelay } from '../comments/outbox.relay.js';
import { DecisionStats } from '../metrics/decision-stats.js';
import { Commenter } from '../auth/commenter.entity.js';
import { BansService } from './commenters/bans.service.js';
import { CommenterBan } from './commenters/ban.entity.js';
import { ModerateComment } from './worker/moderate-comment.js';
import { ModerationLogEntry } from './decisions/moderation-log.entity.js';
import { ModerationQueue } from './worker/moderation.queue.js';
import { FirstDecisions } from './decisions/first-decisions.js';
import { ModerationService } from './decisions/moderation.service.js';
import { ModerationWorker } from './worker/moderation.worker.js';
import { RulesService } from './rule-sets/rules.service.js';

/** Status changes, the queue and its relay, the rules; with `worker`, also the queue consumer. */
@Module({})
export class ModerationModule {
  static register(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [ModerationService, FirstDecisions, CommentEvents, ModerationQueue, OutboxRelay, RulesService, ModerateComment, DecisionStats, BansService];
    if (options.worker) providers.push(ModerationWorker);
    return {
      module: ModerationModule,
      global: true,
      imports: [TypeOrmModule.forFeature([Comment, Article, ModerationLogEntry, OutboxEntry, Commenter, CommenterBan])],
      providers,
      exports: [ModerationService, CommentEvents, ModerationQueue, OutboxRelay, RulesService, DecisionStats, BansService],
    };
  }
}
