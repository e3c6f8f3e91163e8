export type { Builtins, RuleSet, RuleSetInput, Rules, WordEntry } from './rule-set.js';

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
  /** The built-in language knowledge that produced a word finding, when it was not the entry as written. */
  builtin?: Builtin;
}

/** What built-in knowledge found: a sound-alike spelling, an initial-consonant form, vowel jamo or strokes as separators. */
export type Builtin = 'variants' | 'initials' | 'separators';

/** A word match that an exception dropped (evaluate with `{ explain: true }`). */
export interface Prevented {
  rule: string;
  /** The list entry that matched. */
  word: string;
  /** The exception that covered it, as written. */
  exception: string;
  /** True for the built-in dictionary, false for the rule set's own `exceptions`. */
  builtin: boolean;
  start: number;
  end: number;
  excerpt: string;
}

export interface EvaluateOptions {
  /** Also report the word matches that exceptions dropped (Decision.prevented). Costs nothing when off. */
  explain?: boolean;
}

export interface Decision {
  verdict: Verdict;
  /** The rule behind the verdict (the strictest finding), null when nothing was found. */
  reason: string | null;
  findings: Finding[];
  /** Only with `{ explain: true }`: word matches exceptions dropped. */
  prevented?: Prevented[];
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
  /** A moderator pre-moderates this commenter: what would be published goes to review (finding premoderated_commenter). */
  premoderatedCommenter?: boolean;
}

export interface CommentInput {
  body: string;
}
