import { evaluate, type CompiledRuleSet } from './engine.js';
import type { Facts, Finding, Prevented, RuleSet, Verdict } from './types.js';

/**
 * Building blocks for managing rules (not yet wired to routes): the diff of two rule sets for the
 * audit log, and the dry run of a draft rule set over stored comments.
 */

export type Outcome = 'published' | 'in_review' | 'rejected';
const OUTCOME: Record<Verdict, Outcome> = { publish: 'published', review: 'in_review', reject: 'rejected' };

export interface RuleSetChange {
  /** Dotted path of the field (`rules.link.verdict`, `bannedWords`). */
  path: string;
  before?: unknown;
  after?: unknown;
  /** For word lists: entries added and removed. */
  added?: unknown[];
  removed?: unknown[];
}

const LISTS = new Set(['bannedWords', 'suspectWords', 'exceptions', 'rules.link.allowDomains', 'rules.link.denyDomains']);

/** What changed between two (parsed) rule sets, field by field; lists as added/removed entries. */
export function diffRuleSets(before: RuleSet, after: RuleSet): RuleSetChange[] {
  const changes: RuleSetChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (LISTS.has(path)) {
      const key = (v: unknown) => JSON.stringify(v);
      const was = new Set((a as unknown[]).map(key));
      const now = new Set((b as unknown[]).map(key));
      const added = (b as unknown[]).filter((v) => !was.has(key(v)));
      const removed = (a as unknown[]).filter((v) => !now.has(key(v)));
      if (added.length || removed.length) changes.push({ path, added, removed });
      return;
    }
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      }
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ path, before: a, after: b });
  };
  walk(before, after, '');
  return changes;
}

export interface StoredComment {
  id: string;
  body: string;
  /** What actually happened (pending comments are left out by the caller). */
  status: Outcome;
  facts?: Facts;
}

export interface DryRunResult {
  total: number;
  /** How many comments would end differently. */
  changed: number;
  /** Counts per change of outcome, e.g. { "published→in_review": 12 }. */
  changes: Record<string, number>;
  /** Counts per outcome, as it happened and under the draft. */
  actual: Record<Outcome, number>;
  draft: Record<Outcome, number>;
  /**
   * Up to `examples` changed comments per change of outcome, with the draft's findings (a finding
   * from built-in knowledge says which: `builtin`) and the word matches exceptions dropped
   * (`prevented`, each saying whether the exception was built in or the rule set's own).
   */
  examples: Array<{ id: string; body: string; from: Outcome; to: Outcome; reason: string | null; findings: Finding[]; prevented: Prevented[] }>;
}

/** Judges stored comments with a draft rule set and compares with what actually happened. */
export function dryRun(draft: CompiledRuleSet, comments: StoredComment[], examples = 5): DryRunResult {
  const zero = (): Record<Outcome, number> => ({ published: 0, in_review: 0, rejected: 0 });
  const result: DryRunResult = { total: comments.length, changed: 0, changes: {}, actual: zero(), draft: zero(), examples: [] };
  const shown: Record<string, number> = {};
  for (const c of comments) {
    const decision = evaluate({ body: c.body }, c.facts ?? {}, draft);
    const to = OUTCOME[decision.verdict];
    result.actual[c.status]++;
    result.draft[to]++;
    if (to === c.status) continue;
    const change = `${c.status}→${to}`;
    result.changed++;
    result.changes[change] = (result.changes[change] ?? 0) + 1;
    if ((shown[change] = (shown[change] ?? 0) + 1) <= examples) {
      // Judged again, explained: only for the few comments shown.
      const explained = evaluate({ body: c.body }, c.facts ?? {}, draft, { explain: true });
      result.examples.push({ id: c.id, body: c.body, from: c.status, to, reason: decision.reason, findings: decision.findings, prevented: explained.prevented ?? [] });
    }
  }
  return result;
}
