export type { RuleSet, RuleSetInput, Rules, WordEntry } from './rule-set.js';

/** What a rule can say about a comment, from mildest to strictest. */
export type Verdict = 'publish' | 'review' | 'reject';

export const STRICTNESS: Record<Verdict, number> = { publish: 0, review: 1, reject: 2 };

/** One reason for a verdict, pointing at the exact span of the original text (UTF-16 offsets). */
export interface Finding {
  /** The rule id (banned_word, suspect_word, link, personal_info, …). */
  rule: string;
  verdict: Verdict;
  start: number;
  end: number;
  excerpt: string;
  /** What matched, when it helps a moderator: the word-list entry, the kind of personal information, the domain. */
  detail?: string;
}

export interface Decision {
  verdict: Verdict;
  /** The rule behind the verdict (the strictest finding), null when nothing was found. */
  reason: string | null;
  findings: Finding[];
}

export type LinkPolicy = 'allow' | 'review' | 'reject';
export type ModerationMode = 'auto' | 'pre';

/**
 * What the service knows besides the text, gathered before the engine runs (the engine does no I/O).
 * Facts left out are rules that do not apply.
 */
export interface Facts {
  /** Per-article override: 'pre' holds everything that passes the rules for a human. */
  articleMode?: ModerationMode;
  /** The article no longer takes comments (this one was queued before it closed). */
  articleClosed?: boolean;
  /** The commenter's earlier comments (this one excluded). */
  history?: { total: number; published: number; rejected: number };
  /**
   * Earlier comments with the same normalised text (dedupeKey): by this commenter within
   * duplicate_self.windowSeconds, and the number of other commenters within duplicate_campaign.windowSeconds.
   */
  duplicates?: { sameCommenter: number; otherCommenters: number };
}

export interface CommentInput {
  body: string;
}
