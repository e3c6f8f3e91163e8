import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { Article } from '../../comments/article.entity.js';
import { Comment } from '../../comments/comment.entity.js';
import { diffRuleSets, dryRun, type DryRunResult, type Outcome, type RuleSetChange, type StoredComment } from '../../rules/compare.js';
import { compileRuleSet } from '../../rules/engine.js';
import { dedupeKey } from '../../rules/normalise.js';
import type { RuleSet } from '../../rules/rule-set.js';
import type { Facts, ModerationMode } from '../../rules/types.js';
import { RulesService } from './rules.service.js';
import { dedupeHash } from '../decisions/text-hash.js';

export const DRY_RUN_DEFAULT_LIMIT = 10_000;
export const DRY_RUN_MAX_LIMIT = 50_000;

/** Ids per IN (…) list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

export interface DryRunReport extends Omit<DryRunResult, 'changes'> {
  /** Counts per change of outcome, largest first. */
  changes: Array<{ from: Outcome; to: Outcome; count: number }>;
  /** The version the draft is compared with, and what the draft changes in it. */
  activeVersion: number;
  diff: RuleSetChange[];
  /** The oldest and newest comment judged. */
  from: string | null;
  to: string | null;
  ms: number;
}

type Row = Pick<Comment, 'id' | 'body' | 'status' | 'articleId' | 'commenterId' | 'createdAt' | 'textHash' | 'findings'>;

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Judges the last N decided comments with a draft rule set and compares with what happened to
 * them (their status now, moderators' decisions included). The facts the worker gathers one
 * comment at a time are gathered here for all of them at once, a few queries per 500 commenters
 * or texts, and reconstructed as of each comment's own time: the commenter's comments before it,
 * the same text before it within the windows.
 */
@Injectable()
export class RulesDryRun {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RulesService,
  ) {}

  async run(draft: RuleSet, limit: number, examples: number): Promise<DryRunReport> {
    const started = Date.now();
    const compiled = compileRuleSet(draft);
    const rows: Row[] = await this.dataSource
      .getRepository(Comment)
      .createQueryBuilder('c')
      .select(['c.id', 'c.body', 'c.status', 'c.articleId', 'c.commenterId', 'c.createdAt', 'c.textHash', 'c.findings'])
      .where('c.status IN (:...statuses)', { statuses: ['published', 'in_review', 'rejected'] })
      .orderBy('c.id', 'DESC') // UUIDv7: newest first
      .limit(limit)
      .getMany();
    rows.reverse();

    const facts = new Map<string, Facts>(rows.map((r) => [r.id, { articleClosed: r.findings?.some((f) => f.rule === 'article_closed') ?? false }]));
    await this.articleModes(rows, facts);
    const { rules } = compiled.ruleSet;
    if (rules.new_commenter.enabled || rules.trust.enabled) await this.histories(rows, facts);
    if (rules.duplicate_self.enabled || rules.duplicate_campaign.enabled) await this.duplicates(rows, facts, draft);

    const stored: StoredComment[] = rows.map((r) => ({ id: r.id, body: r.body, status: r.status as Outcome, facts: facts.get(r.id) }));
    const result = dryRun(compiled, stored, examples);
    const active = this.rules.current().ruleSet;
    return {
      ...result,
      changes: Object.entries(result.changes)
        .map(([change, count]) => {
          const [from, to] = change.split('→') as [Outcome, Outcome];
          return { from, to, count };
        })
        .sort((a, b) => b.count - a.count),
      examples: result.examples,
      activeVersion: this.rules.currentVersion(),
      diff: diffRuleSets(active, draft),
      from: rows[0]?.createdAt.toISOString() ?? null,
      to: rows[rows.length - 1]?.createdAt.toISOString() ?? null,
      ms: Date.now() - started,
    };
  }

  private async articleModes(rows: Row[], facts: Map<string, Facts>): Promise<void> {
    const ids = [...new Set(rows.map((r) => r.articleId))];
    const mode = new Map<string, ModerationMode>();
    for (const chunk of chunks(ids)) {
      const articles = await this.dataSource.getRepository(Article).find({ select: { id: true, moderationMode: true }, where: { id: In(chunk) } });
      for (const a of articles) if (a.moderationMode) mode.set(a.id, a.moderationMode);
    }
    for (const r of rows) {
      const m = mode.get(r.articleId);
      if (m) facts.get(r.id)!.articleMode = m;
    }
  }

  /** Per comment: the commenter's comments before it, by status now. */
  private async histories(rows: Row[], facts: Map<string, Facts>): Promise<void> {
    const wanted = new Set(rows.map((r) => r.id));
    const newest = rows[rows.length - 1]?.id;
    for (const chunk of chunks([...new Set(rows.map((r) => r.commenterId))])) {
      const all: Array<Pick<Comment, 'id' | 'commenterId' | 'status'>> = await this.dataSource
        .getRepository(Comment)
        .createQueryBuilder('c')
        .select(['c.id', 'c.commenterId', 'c.status'])
        .where('c.commenter_id IN (:...ids) AND c.id <= :newest', { ids: chunk, newest })
        .orderBy('c.commenter_id')
        .addOrderBy('c.id')
        .getMany();
      let commenter = '';
      let total = 0;
      let published = 0;
      let rejected = 0;
      for (const c of all) {
        if (c.commenterId !== commenter) [commenter, total, published, rejected] = [c.commenterId, 0, 0, 0];
        if (wanted.has(c.id)) facts.get(c.id)!.history = { total, published, rejected };
        total++;
        if (c.status === 'published') published++;
        if (c.status === 'rejected') rejected++;
      }
    }
  }

  /** Per comment: earlier comments with the same normalised text within the windows, as the worker counts them. */
  private async duplicates(rows: Row[], facts: Map<string, Facts>, draft: RuleSet): Promise<void> {
    const self = draft.rules.duplicate_self;
    const campaign = draft.rules.duplicate_campaign;
    const window = Math.max(self.enabled ? self.windowSeconds : 0, campaign.enabled ? campaign.windowSeconds : 0) * 1000;
    const minLength = Math.min(self.enabled ? self.minLength : Infinity, campaign.enabled ? campaign.minLength : Infinity);
    const hashOf = new Map<string, string>();
    for (const r of rows) {
      const key = dedupeKey(r.body);
      if (key.length < minLength) continue;
      hashOf.set(r.id, r.textHash ?? dedupeHash(key));
    }
    if (!hashOf.size) return;
    const since = new Date(rows[0]!.createdAt.getTime() - window);
    const byHash = new Map<string, Array<Pick<Comment, 'id' | 'commenterId' | 'createdAt'>>>();
    for (const chunk of chunks([...new Set(hashOf.values())])) {
      const found: Array<Pick<Comment, 'id' | 'commenterId' | 'createdAt' | 'textHash'>> = await this.dataSource
        .getRepository(Comment)
        .createQueryBuilder('c')
        .select(['c.id', 'c.commenterId', 'c.createdAt', 'c.textHash'])
        .where('c.text_hash IN (:...hashes) AND c.created_at >= :since', { hashes: chunk, since })
        .getMany();
      for (const c of found) {
        const list = byHash.get(c.textHash!) ?? [];
        list.push(c);
        byHash.set(c.textHash!, list);
      }
    }
    // Sample comments stored without a hash are in the list too (under the hash computed above).
    for (const r of rows) {
      const hash = hashOf.get(r.id);
      if (!hash || r.textHash) continue;
      const list = byHash.get(hash) ?? [];
      list.push(r);
      byHash.set(hash, list);
    }
    // One pass per text in id (= time) order: two sliding windows of earlier copies, counted per commenter.
    const inWindow = (counts: Map<string, number>, commenter: string, delta: number) => {
      const n = (counts.get(commenter) ?? 0) + delta;
      if (n) counts.set(commenter, n);
      else counts.delete(commenter);
    };
    for (const copies of byHash.values()) {
      copies.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      const mine = new Map<string, number>();
      const theirs = new Map<string, number>();
      let selfStart = 0;
      let campaignStart = 0;
      for (let i = 0; i < copies.length; i++) {
        const c = copies[i]!;
        const at = c.createdAt.getTime();
        while (selfStart < i && copies[selfStart]!.createdAt.getTime() < at - self.windowSeconds * 1000) inWindow(mine, copies[selfStart++]!.commenterId, -1);
        while (campaignStart < i && copies[campaignStart]!.createdAt.getTime() < at - campaign.windowSeconds * 1000) inWindow(theirs, copies[campaignStart++]!.commenterId, -1);
        const f = hashOf.has(c.id) ? facts.get(c.id) : undefined;
        if (f) {
          f.duplicates = {
            sameCommenter: self.enabled ? (mine.get(c.commenterId) ?? 0) : 0,
            otherCommenters: campaign.enabled ? theirs.size - (theirs.has(c.commenterId) ? 1 : 0) : 0,
          };
        }
        inWindow(mine, c.commenterId, 1);
        inWindow(theirs, c.commenterId, 1);
      }
    }
  }
}
