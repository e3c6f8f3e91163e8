import { findLinks } from './links.js';
import { skeletons } from './normalise.js';
import { findPersonalInfo } from './personal-info.js';
import { visibleText } from './visible.js';
import { parseRuleSet } from './rule-set.js';
import { findFlooding, findShouting } from './text-rules.js';
import { STRICTNESS, type CommentInput, type Decision, type EvaluateOptions, type Facts, type Finding, type Prevented, type RuleSet, type RuleSetInput } from './types.js';
import { compileWords, findWords, type CompiledWords } from './words.js';

/** A rule set prepared for matching: built once, used for every comment. */
export interface CompiledRuleSet {
  ruleSet: RuleSet;
  words: CompiledWords;
}

/** Compiles a rule set (parsed first, so a partial one gets every default). */
export function compileRuleSet(input: RuleSetInput | RuleSet): CompiledRuleSet {
  const ruleSet = parseRuleSet(input);
  const { rules } = ruleSet;
  const lists = [];
  if (rules.banned_word.enabled) lists.push({ rule: 'banned_word', verdict: rules.banned_word.verdict, entries: ruleSet.bannedWords });
  if (rules.suspect_word.enabled) lists.push({ rule: 'suspect_word', verdict: rules.suspect_word.verdict, entries: ruleSet.suspectWords });
  return { ruleSet, words: compileWords(lists, ruleSet.exceptions, ruleSet.builtins) };
}

/** Drops findings of a rule that lie inside another finding of the same rule (씨발 inside 씨발놈). */
function tidy(findings: Finding[]): Finding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  // Sorted by start, longest first: a finding is inside an earlier one of its rule exactly when
  // that rule has already reached its end.
  const reach = new Map<string, number>();
  const kept: Finding[] = [];
  for (const f of findings) {
    if (f.start === f.end) {
      kept.push(f);
      continue;
    }
    const end = reach.get(f.rule);
    if (end !== undefined && end >= f.end) continue;
    reach.set(f.rule, Math.max(end ?? 0, f.end));
    kept.push(f);
  }
  return kept;
}

function strictest(findings: Finding[]): Finding | undefined {
  let top: Finding | undefined;
  for (const finding of findings) {
    if (!top || STRICTNESS[finding.verdict] > STRICTNESS[top.verdict]) top = finding;
  }
  return top;
}

/**
 * Judges one comment. Pure: everything it needs besides the text (the author's history, recent
 * duplicates, the article's settings) comes in `facts`. The final verdict is the strictest finding.
 */
export function evaluate(comment: CommentInput, facts: Facts, compiled: CompiledRuleSet, options?: EvaluateOptions): Decision {
  return judge(comment, facts, compiled, options?.explain ? [] : undefined);
}

function judge(comment: CommentInput, facts: Facts, compiled: CompiledRuleSet, prevented: Prevented[] | undefined): Decision {
  const { body } = comment;
  const { rules } = compiled.ruleSet;
  const found: Finding[] = [];

  const { main: sk, keyboard } = skeletons(body, compiled.words.hasHangul);
  findWords(body, sk, compiled.words, false, found, prevented);
  if (keyboard) findWords(body, keyboard, compiled.words, true, found, prevented);
  const visible = visibleText(body);
  const onText: Finding[] = visible.start ? [] : found;
  if (rules.link.enabled) findLinks(visible.text, rules.link, onText);
  if (rules.personal_info.enabled) findPersonalInfo(visible.text, rules.personal_info, onText);
  if (rules.shouting.enabled) findShouting(visible.text, rules.shouting, onText);
  if (rules.flooding.enabled) findFlooding(visible.text, rules.flooding, onText);
  if (visible.start && visible.end) {
    for (const f of onText) {
      const start = visible.start[f.start]!;
      const end = f.end > f.start ? visible.end[f.end - 1]! : start;
      found.push({ ...f, start, end, excerpt: body.slice(start, end).slice(0, f.rule === 'personal_info' ? undefined : 100) });
    }
  }

  // A link that is the domain of an e-mail address is the address, already found.
  const emails = found.filter((f) => f.detail === 'email');
  if (emails.length) for (let i = found.length - 1; i >= 0; i--) {
    const f = found[i]!;
    if (f.rule === 'link' && emails.some((e) => e.start <= f.start && f.end <= e.end)) found.splice(i, 1);
  }

  const whole = (rule: string, verdict: Finding['verdict'], detail?: string) =>
    found.push({ rule, verdict, start: 0, end: 0, excerpt: '', ...(detail ? { detail } : {}) });
  const { history, duplicates } = facts;
  if (duplicates) {
    if (rules.duplicate_self.enabled && duplicates.sameCommenter > 0 && sk.length >= rules.duplicate_self.minLength) {
      whole('duplicate_self', rules.duplicate_self.verdict, `${duplicates.sameCommenter} earlier`);
    }
    if (rules.duplicate_campaign.enabled && duplicates.otherCommenters + 1 >= rules.duplicate_campaign.minCommenters && sk.length >= rules.duplicate_campaign.minLength) {
      whole('duplicate_campaign', rules.duplicate_campaign.verdict, `${duplicates.otherCommenters + 1} commenters`);
    }
  }
  if (facts.articleClosed && rules.article_closed.enabled) whole('article_closed', rules.article_closed.verdict);
  if (history && rules.new_commenter.enabled && history.total < rules.new_commenter.firstComments) {
    whole('new_commenter', rules.new_commenter.verdict, `comment ${history.total + 1}`);
  }
  // Trust: enough approved history lifts suspect words (never banned ones).
  if (history && rules.trust.enabled && history.published >= rules.trust.minApproved && history.rejected <= rules.trust.maxRejected) {
    for (const f of found) if (f.rule === 'suspect_word') f.verdict = rules.trust.verdict;
  }

  const findings = tidy(found);
  const top = strictest(findings);
  // Not a rule of the rule set: a moderator's sanction on one commenter, so no switch turns it off.
  if ((!top || top.verdict === 'publish') && facts.premoderatedCommenter) {
    findings.push({ rule: 'premoderated_commenter', verdict: 'review', start: 0, end: 0, excerpt: '' });
    return withPrevented({ verdict: 'review', reason: 'premoderated_commenter', findings }, prevented);
  }
  const mode = facts.articleMode ?? compiled.ruleSet.mode;
  if ((!top || top.verdict === 'publish') && mode === 'pre' && rules.premoderation.enabled && rules.premoderation.verdict !== 'publish') {
    findings.push({ rule: 'premoderation', verdict: rules.premoderation.verdict, start: 0, end: 0, excerpt: '' });
    return withPrevented({ verdict: rules.premoderation.verdict, reason: 'premoderation', findings }, prevented);
  }
  return withPrevented({ verdict: top?.verdict ?? 'publish', reason: top && top.verdict !== 'publish' ? top.rule : null, findings }, prevented);
}

function withPrevented(decision: Decision, prevented: Prevented[] | undefined): Decision {
  if (prevented) decision.prevented = prevented;
  return decision;
}
