import { AhoCorasick } from './aho-corasick.js';
import { findLinks } from './links.js';
import { fold, foldWord, isWordChar } from './normalise.js';
import { STRICTNESS, type CommentInput, type Decision, type Facts, type Finding, type RuleSet, type Verdict } from './types.js';

interface WordEntry {
  word: string;
  verdict: Verdict;
  rule: string;
  /** Hangul words match inside longer words (particles attach to them); others as whole words. */
  wholeWord: boolean;
}

/** A rule set prepared for matching: built once, used for every comment. */
export interface CompiledRuleSet {
  ruleSet: RuleSet;
  entries: WordEntry[];
  matcher: AhoCorasick;
}

const HANGUL = /[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]/;

export function compileRuleSet(ruleSet: RuleSet): CompiledRuleSet {
  const entries: WordEntry[] = [];
  const add = (words: string[], verdict: Verdict, rule: string) => {
    for (const raw of words) {
      const word = foldWord(raw);
      if (word) entries.push({ word, verdict, rule, wholeWord: !HANGUL.test(word) });
    }
  };
  add(ruleSet.bannedWords, 'reject', 'banned_word');
  add(ruleSet.suspectWords, 'review', 'suspect_word');
  return { ruleSet, entries, matcher: new AhoCorasick(entries.map((e) => e.word)) };
}

function findWords(body: string, compiled: CompiledRuleSet): Finding[] {
  if (compiled.entries.length === 0) return [];
  const folded = fold(body);
  const findings: Finding[] = [];
  for (const match of compiled.matcher.search(folded.text)) {
    const entry = compiled.entries[match.word]!;
    if (entry.wholeWord && (isWordChar(folded.text[match.start - 1]) || isWordChar(folded.text[match.end]))) continue;
    const start = folded.start[match.start]!;
    const end = folded.end[match.end - 1]!;
    findings.push({ rule: entry.rule, verdict: entry.verdict, start, end, excerpt: body.slice(start, end) });
  }
  return findings;
}

function strictest(findings: Finding[]): Finding | undefined {
  let top: Finding | undefined;
  for (const finding of findings) {
    if (!top || STRICTNESS[finding.verdict] > STRICTNESS[top.verdict]) top = finding;
  }
  return top;
}

/**
 * Judges one comment. Pure: everything it needs (the author's history, the article's settings)
 * comes in `facts`. The final verdict is the strictest finding.
 */
export function evaluate(comment: CommentInput, facts: Facts, compiled: CompiledRuleSet): Decision {
  const findings = [...findWords(comment.body, compiled), ...findLinks(comment.body, compiled.ruleSet.links)].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
  const top = strictest(findings);
  const mode = facts.articleMode ?? compiled.ruleSet.mode;
  if ((!top || top.verdict === 'publish') && mode === 'pre') {
    findings.push({ rule: 'premoderation', verdict: 'review', start: 0, end: 0, excerpt: '' });
    return { verdict: 'review', reason: 'premoderation', findings };
  }
  return { verdict: top?.verdict ?? 'publish', reason: top && top.verdict !== 'publish' ? top.rule : null, findings };
}
