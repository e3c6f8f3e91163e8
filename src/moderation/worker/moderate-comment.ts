import { Injectable } from '@nestjs/common';
import type { CommentStatus } from '../../comments/comment.entity.js';
import { batchedLookup } from '../../db/batched-lookup.js';
import { Sql, placeholders } from '../../db/sql.js';
import { evaluate, type CompiledRuleSet } from '../../rules/engine.js';
import { dedupeKey } from '../../rules/normalise.js';
import type { Facts, ModerationMode, Verdict } from '../../rules/types.js';
import { ModerationService } from '../decisions/moderation.service.js';
import type { TransitionResult } from '../decisions/transition.js';
import { RulesService } from '../rule-sets/rules.service.js';
import { dedupeHash } from '../decisions/text-hash.js';
import { ExternalModeration } from '../../integrations/classifier/classifier.client.js';
import { mergeExternal } from '../../integrations/classifier/merge.js';
import { guessLanguage, type ClassifierRequest } from '../../integrations/classifier/answer.js';

const STATUS_FOR: Record<Verdict, CommentStatus> = { publish: 'published', review: 'in_review', reject: 'rejected' };

export class CommentNotFound extends Error {}

function classifierRequest(row: Row, body: string): ClassifierRequest {
  return {
    id: row.id,
    body,
    language: guessLanguage(body),
    article: { id: row.articleId, ...(row.article?.url ? { url: row.article.url } : {}), ...(row.article?.title ? { title: row.article.title } : {}) },
    author: { id: row.commenterId, history: row.history },
    ...(row.parentId ? { parentId: row.parentId } : {}),
  };
}

interface Row {
  id: string;
  status: string;
  body: string;
  articleId: string;
  commenterId: string;
  createdAt: Date;
  /** The text's version: a decision applies only while it is still this one. */
  editCount: number;
  /** The stored hash of the text the comment has now (a published comment's, while its edit waits). */
  textHash: string | null;
  /** A published comment's edit waiting for the rules: the text judged instead of the comment's own. */
  edit: { id: string; body: string; createdAt: Date } | null;
  moderationMode: ModerationMode | null;
  commentsOpen: boolean | null;
  /** The commenter's decided comments, and of those published and rejected (commenters' counters). */
  history: NonNullable<Facts['history']>;
  /** A moderator put the commenter under pre-moderation. */
  premoderated: boolean;
  /** Read only when the outside classifier is on: what it is sent besides the text. */
  article?: { url: string | null; title: string | null };
  parentId?: string | null;
}

interface DuplicateGroup {
  commenterId: string;
  n: number;
  last: Date;
}

/**
 * The worker's job: gather the facts, run the rules, record the decision through the status service.
 * The worker runs many jobs at once; their reads are shared (one query per kind of fact for all the
 * jobs that asked in the same turn of the event loop) and so are their writes (ModerationService).
 */
@Injectable()
export class ModerateComment {
  constructor(
    private readonly sql: Sql,
    private readonly rules: RulesService,
    private readonly moderation: ModerationService,
    private readonly external: ExternalModeration,
  ) {}

  async run(commentId: string): Promise<TransitionResult | 'already-decided'> {
    const row = await this.comment(commentId);
    if (!row) throw new CommentNotFound(`comment ${commentId} not found`);
    if (row.status !== 'pending' && !row.edit) return 'already-decided';
    const compiled = this.rules.current();
    const body = row.edit?.body ?? row.body;
    const key = dedupeKey(body);
    const textHash = dedupeHash(key);
    const history = this.history(row, compiled);
    const duplicates = await this.duplicates(row, key, textHash, compiled);
    const facts: Facts = {
      articleMode: row.moderationMode ?? undefined,
      articleClosed: row.commentsOpen === false,
      ...history,
      ...duplicates,
      ...(row.premoderated ? { premoderatedCommenter: true } : {}),
    };
    const rules = evaluate({ body }, facts, compiled);
    // The outside classifier (when set) cannot lift a rules' reject: not asked then.
    const decision =
      this.external.enabled && rules.verdict !== 'reject'
        ? mergeExternal(rules, await this.external.classify(classifierRequest(row, body)), body, this.external.required)
        : rules;
    return this.moderation.transition({
      commentId,
      // A published comment's edit: its verdict applies to the edit (ModerationService), while it still waits for the rules.
      ...(row.edit ? { from: ['published'], revisionId: row.edit.id, revisionStatus: 'pending' } : { from: ['pending'] }),
      to: STATUS_FOR[decision.verdict],
      actor: 'rules',
      reason: decision.reason,
      findings: decision.findings,
      articleId: row.articleId,
      textHash,
      editCount: row.editCount,
    });
  }

  private readonly comment = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT c.id, c.status, c.body, c.article_id, c.commenter_id, c.created_at, c.edit_count, c.text_hash, a.moderation_mode, a.comments_open,
              m.comment_count, m.published_count, m.rejected_count, m.premoderated, r.id AS edit_id, r.body AS edit_body, r.created_at AS edit_created_at${this.external.enabled ? ', a.url AS article_url, a.title AS article_title, c.parent_id' : ''}
         FROM comments c LEFT JOIN articles a ON a.id = c.article_id LEFT JOIN commenters m ON m.id = c.commenter_id
         LEFT JOIN comment_revisions r ON c.status = 'published' AND c.revision_status = 'pending' AND r.comment_id = c.id AND r.status = 'pending'
        WHERE c.id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Map(
      rows.map((r): [string, Row] => [
        r.id as string,
        {
          id: r.id as string,
          status: r.status as string,
          body: r.body as string,
          articleId: r.article_id as string,
          commenterId: r.commenter_id as string,
          createdAt: this.sql.time(r.created_at),
          editCount: Number(r.edit_count ?? 0),
          textHash: (r.text_hash as string | null) ?? null,
          edit: r.edit_id ? { id: r.edit_id as string, body: r.edit_body as string, createdAt: this.sql.time(r.edit_created_at) } : null,
          moderationMode: (r.moderation_mode as Row['moderationMode']) ?? null,
          commentsOpen: r.comments_open === null || r.comments_open === undefined ? null : this.sql.bool(r.comments_open),
          history: { total: Number(r.comment_count ?? 0), published: Number(r.published_count ?? 0), rejected: Number(r.rejected_count ?? 0) },
          premoderated: r.premoderated !== null && r.premoderated !== undefined && this.sql.bool(r.premoderated),
          ...(this.external.enabled
            ? { article: { url: (r.article_url as string | null) ?? null, title: (r.article_title as string | null) ?? null }, parentId: (r.parent_id as string | null) ?? null }
            : {}),
        },
      ]),
    );
  });

  /** The commenter's earlier, decided comments (this one is still pending). */
  private history(row: Row, { ruleSet: { rules } }: CompiledRuleSet): Pick<Facts, 'history'> {
    if (!rules.new_commenter.enabled && !rules.trust.enabled) return {};
    return { history: row.history };
  }

  /**
   * Comments with these normalised texts since a time, per text and commenter: one indexed query
   * (text_hash, created_at) for the batch. Key: `${textHash}|${since ms}`; the batch shares its
   * earliest window start (its comments are milliseconds apart). A comment's own row is never
   * counted: its text hash is set with its decision, and a decided comment is not judged again.
   */
  private readonly duplicateGroups = batchedLookup(async (keys) => {
    const parts = keys.map((key) => key.split('|') as [string, string]);
    const hashes = [...new Set(parts.map(([hash]) => hash))];
    const since = new Date(Math.min(...parts.map(([, ms]) => Number(ms))));
    const rows = await this.sql.rows<{ text_hash: string; commenter_id: string; n: string | number; last: unknown }>(
      `SELECT text_hash, commenter_id, COUNT(*) AS n, MAX(created_at) AS last FROM comments
        WHERE text_hash IN (${placeholders(hashes.length, 2)}) AND created_at >= $1 GROUP BY text_hash, commenter_id`,
      [since, ...hashes],
    );
    const byHash = new Map<string, DuplicateGroup[]>(hashes.map((hash) => [hash, []]));
    for (const row of rows) byHash.get(row.text_hash)?.push({ commenterId: row.commenter_id, n: Number(row.n), last: this.sql.time(row.last) });
    return new Map(keys.map((key, i) => [key, byHash.get(parts[i]![0]) ?? []]));
  });

  /** Earlier comments with the same normalised text, per commenter, within the longer of the two windows. */
  private async duplicates(row: Row, key: string, textHash: string, { ruleSet: { rules } }: CompiledRuleSet): Promise<Pick<Facts, 'duplicates'>> {
    const self = rules.duplicate_self;
    const campaign = rules.duplicate_campaign;
    const selfOn = self.enabled && key.length >= self.minLength;
    const campaignOn = campaign.enabled && key.length >= campaign.minLength;
    if (!selfOn && !campaignOn) return {};
    const at = (row.edit?.createdAt ?? row.createdAt).getTime();
    const window = Math.max(selfOn ? self.windowSeconds : 0, campaignOn ? campaign.windowSeconds : 0);
    const groups = (await this.duplicateGroups(`${textHash}|${at - window * 1000}`)) ?? [];
    const within = (last: Date, seconds: number) => last.getTime() >= at - seconds * 1000;
    const mine = groups.find((g) => g.commenterId === row.commenterId);
    // An edit that changes little keeps the published text's hash: the comment is no duplicate of itself.
    const itself = row.textHash === textHash && row.createdAt.getTime() >= at - window * 1000 ? 1 : 0;
    return {
      duplicates: {
        sameCommenter: selfOn && mine && within(mine.last, self.windowSeconds) ? mine.n - itself : 0,
        otherCommenters: campaignOn ? groups.filter((g) => g.commenterId !== row.commenterId && within(g.last, campaign.windowSeconds)).length : 0,
      },
    };
  }
}
