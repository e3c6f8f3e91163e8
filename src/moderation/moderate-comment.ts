import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Article } from '../comments/article.entity.js';
import { Comment, type CommentStatus } from '../comments/comment.entity.js';
import { evaluate, type CompiledRuleSet } from '../rules/engine.js';
import { dedupeKey } from '../rules/normalise.js';
import type { Facts, Verdict } from '../rules/types.js';
import { ModerationService, type TransitionResult } from './moderation.service.js';
import { RulesService } from './rules.service.js';

const STATUS_FOR: Record<Verdict, CommentStatus> = { publish: 'published', review: 'in_review', reject: 'rejected' };

export class CommentNotFound extends Error {}

interface Row {
  status: string;
  body: string;
  article_id: string;
  commenter_id: string;
  created_at: Date | string;
  moderation_mode: 'auto' | 'pre' | null;
  comments_open: boolean | number | null;
}

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
      .select([
        'c.status AS status',
        'c.body AS body',
        'c.article_id AS article_id',
        'c.commenter_id AS commenter_id',
        'c.created_at AS created_at',
        'a.moderation_mode AS moderation_mode',
        'a.comments_open AS comments_open',
      ])
      .where('c.id = :id', { id: commentId })
      .getRawMany<Row>();
    if (!row) throw new CommentNotFound(`comment ${commentId} not found`);
    if (row.status !== 'pending') return 'already-decided';
    const compiled = this.rules.current();
    const key = dedupeKey(row.body);
    const textHash = createHash('sha256').update(key).digest('base64url').slice(0, 32);
    // Two independent indexed reads: side by side, not one after the other.
    const [history, duplicates] = await Promise.all([this.history(commentId, row, compiled), this.duplicates(commentId, row, key, textHash, compiled)]);
    const facts: Facts = {
      articleMode: row.moderation_mode ?? undefined,
      articleClosed: row.comments_open === false || row.comments_open === 0,
      ...history,
      ...duplicates,
    };
    const decision = evaluate({ body: row.body }, facts, compiled);
    return this.moderation.transition({
      commentId,
      from: ['pending'],
      to: STATUS_FOR[decision.verdict],
      actor: 'rules',
      reason: decision.reason,
      findings: decision.findings,
      articleId: row.article_id,
      textHash,
    });
  }

  /** The commenter's earlier comments by status: one indexed query (commenter_id, created_at). */
  private async history(commentId: string, row: Row, { ruleSet: { rules } }: CompiledRuleSet): Promise<Pick<Facts, 'history'>> {
    if (!rules.new_commenter.enabled && !rules.trust.enabled) return {};
    const counts = await this.comments
      .createQueryBuilder('c')
      .select(['c.status AS status', 'COUNT(*) AS n'])
      .where('c.commenter_id = :commenter AND c.id <> :id', { commenter: row.commenter_id, id: commentId })
      .groupBy('c.status')
      .getRawMany<{ status: CommentStatus; n: string | number }>();
    const count = (status?: CommentStatus) => counts.filter((c) => !status || c.status === status).reduce((sum, c) => sum + Number(c.n), 0);
    return { history: { total: count(), published: count('published'), rejected: count('rejected') } };
  }

  /**
   * Earlier comments with the same normalised text, per commenter, within the longer of the two
   * windows around this comment's own time: one indexed query (text_hash, created_at).
   */
  private async duplicates(commentId: string, row: Row, key: string, textHash: string, { ruleSet: { rules } }: CompiledRuleSet): Promise<Pick<Facts, 'duplicates'>> {
    const self = rules.duplicate_self;
    const campaign = rules.duplicate_campaign;
    const selfOn = self.enabled && key.length >= self.minLength;
    const campaignOn = campaign.enabled && key.length >= campaign.minLength;
    if (!selfOn && !campaignOn) return {};
    const at = new Date(row.created_at instanceof Date ? row.created_at : `${row.created_at.replace(' ', 'T')}Z`).getTime();
    const window = Math.max(selfOn ? self.windowSeconds : 0, campaignOn ? campaign.windowSeconds : 0);
    const rows = await this.comments
      .createQueryBuilder('c')
      .select(['c.commenter_id AS commenter_id', 'COUNT(*) AS n', 'MAX(c.created_at) AS last'])
      .where('c.text_hash = :hash AND c.created_at >= :since AND c.id <> :id', { hash: textHash, since: new Date(at - window * 1000), id: commentId })
      .groupBy('c.commenter_id')
      .limit(1000)
      .getRawMany<{ commenter_id: string; n: string | number; last: Date | string }>();
    const within = (last: Date | string, seconds: number) => {
      const time = last instanceof Date ? last.getTime() : new Date(`${String(last).replace(' ', 'T')}Z`).getTime();
      return time >= at - seconds * 1000;
    };
    const mine = rows.find((r) => r.commenter_id === row.commenter_id);
    return {
      duplicates: {
        sameCommenter: selfOn && mine && within(mine.last, self.windowSeconds) ? Number(mine.n) : 0,
        otherCommenters: campaignOn ? rows.filter((r) => r.commenter_id !== row.commenter_id && within(r.last, campaign.windowSeconds)).length : 0,
      },
    };
  }
}
