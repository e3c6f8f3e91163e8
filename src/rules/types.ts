/** What a rule can say about a comment, from mildest to strictest. */
export type Verdict = 'publish' | 'review' | 'reject';

export const STRICTNESS: Record<Verdict, number> = { publish: 0, review: 1, reject: 2 };

/** One reason for a verdict, pointing at the exact span of the original text (UTF-16 offsets). */
export interface Finding {
  rule: string;
  verdict: Verdict;
  start: number;
  end: number;
  excerpt: string;
}

export interface Decision {
  verdict: Verdict;
  /** The rule behind the verdict (the strictest finding), null when nothing was found. */
  reason: string | null;
  findings: Finding[];
}

export type LinkPolicy = 'allow' | 'review' | 'reject';
export type ModerationMode = 'auto' | 'pre';

/** The rule set as stored and edited (RULES_FILE seeds it). */
export interface RuleSet {
  mode: ModerationMode;
  bannedWords: string[];
  suspectWords: string[];
  links: LinkPolicy;
}

/** What the service knows besides the text, gathered before the engine runs (the engine does no I/O). */
export interface Facts {
  /** Per-article override: 'pre' holds everything that passes the rules for a human. */
  articleMode?: ModerationMode;
}

export interface CommentInput {
  body: string;
}
