import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Article } from '../comments/article.entity.js';
import { Comment, type CommentStatus } from '../comments/comment.entity.js';
import { evaluate } from '../rules/engine.js';
import type { Verdict } from '../rules/types.js';
import { ModerationService, type TransitionResult } from './moderation.service.js';
import { RulesService } from './rules.service.js';

const STATUS_FOR: Record<Verdict, CommentStatus> = { publish: 'published', review: 'in_review', reject: 'rejected' };

export class CommentNotFound extends Error {}

/** The worker's job: gather the facts, run the rules, record the decision through the status service. */
@Injectable()
export class ModerateComment {
  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly rules: RulesService,
    private readonly moderation: ModerationService,
  ) {}

  async run(commentId: string): Promise<TransitionResult | 'already-decided'> {
    const comment = await this.comments.findOneBy({ id: commentId });
    if (!comment) throw new CommentNotFound(`comment ${commentId} not found`);
    if (comment.status !== 'pending') return 'already-decided';
    const article = await this.articles.findOneBy({ id: comment.articleId });
    const decision = evaluate({ body: comment.body }, { articleMode: article?.moderationMode ?? undefined }, this.rules.current());
    return this.moderation.transition({
      commentId,
      from: ['pending'],
      to: STATUS_FOR[decision.verdict],
      actor: 'rules',
      reason: decision.reason,
      findings: decision.findings,
    });
  }
}
