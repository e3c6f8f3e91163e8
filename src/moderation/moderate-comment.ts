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
    private readonly rules: RulesService,
    private readonly moderation: ModerationService,
  ) {}

  async run(commentId: string): Promise<TransitionResult | 'already-decided'> {
    const [row] = await this.comments
      .createQueryBuilder('c')
      .leftJoin(Article, 'a', 'a.id = c.article_id')
      .select(['c.status AS status', 'c.body AS body', 'c.article_id AS article_id', 'a.moderation_mode AS moderation_mode'])
      .where('c.id = :id', { id: commentId })
      .getRawMany<{ status: string; body: string; article_id: string; moderation_mode: 'auto' | 'pre' | null }>();
    if (!row) throw new CommentNotFound(`comment ${commentId} not found`);
    if (row.status !== 'pending') return 'already-decided';
    const decision = evaluate({ body: row.body }, { articleMode: row.moderation_mode ?? undefined }, this.rules.current());
    return this.moderation.transition({
      commentId,
      from: ['pending'],
      to: STATUS_FOR[decision.verdict],
      actor: 'rules',
      reason: decision.reason,
      findings: decision.findings,
      articleId: row.article_id,
    });
  }
}
