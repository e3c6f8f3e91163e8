import { STRICTNESS, type Decision, type Finding, type Verdict } from '../../rules/types.js';
import type { ClassifierAnswer, ClassifierResult } from './answer.js';

/** The finding kinds this step adds (the dashboard names them; type-only import there). */
export const EXTERNAL_FINDINGS = ['external', 'external_unavailable'] as const;

/** Bounds on what a classifier can make the service store per comment. */
export const MAX_EXTERNAL_FINDINGS = 20;
const MAX_LABEL = 64;
const MAX_DETAIL = 160;
const MAX_EXCERPT = 100;

/** A classifier's reason becomes the decision's reason only as a short code (it is a metric label too). */
const REASON_CODE = /^[a-z][a-z0-9_]{0,39}$/;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const shown = (score: number) => String(Math.round(score * 1000) / 1000);

/**
 * The rules' decision and the classifier's answer, as one decision (pure). The strictest verdict wins;
 * a rules' reject stands whatever the answer (the worker does not even ask then); the classifier's
 * reason is used only when its verdict won. Its findings follow the rules', tagged `external`.
 * Unavailable: the rules' decision with an `external_unavailable` finding, held for review when
 * the step is required.
 */
export function mergeExternal(rules: Decision, result: ClassifierResult, body: string, required: boolean): Decision {
  if (rules.verdict === 'reject') return rules;
  if (result.outcome !== 'ok') {
    const held = required && rules.verdict === 'publish';
    const finding: Finding = {
      rule: 'external_unavailable',
      verdict: required ? 'review' : 'publish',
      start: 0,
      end: 0,
      excerpt: '',
      detail: cut(`${result.outcome}: ${result.detail}`, MAX_DETAIL),
    };
    return { ...rules, verdict: held ? 'review' : rules.verdict, reason: held ? 'external_unavailable' : rules.reason, findings: [...rules.findings, finding] };
  }
  const { answer } = result;
  const wins = STRICTNESS[answer.verdict] > STRICTNESS[rules.verdict];
  const code = answer.reason?.trim();
  return {
    ...rules,
    verdict: wins ? answer.verdict : rules.verdict,
    reason: wins ? (code && REASON_CODE.test(code) ? code : 'external') : rules.reason,
    findings: [...rules.findings, ...externalFindings(answer, body)],
  };
}

/**
 * One finding about the whole comment when there is something to say (a verdict other than
 * publish, a reason, a score), then the classifier's own findings: spans kept only when they fit
 * the text (UTF-16 offsets), at most MAX_EXTERNAL_FINDINGS in all.
 */
function externalFindings(answer: ClassifierAnswer, body: string): Finding[] {
  const verdict: Verdict = answer.verdict;
  const out: Finding[] = [];
  const summary = [answer.reason?.trim(), answer.score != null ? `score ${shown(answer.score)}` : ''].filter(Boolean).join(' · ');
  if (verdict !== 'publish' || summary) {
    out.push({ rule: 'external', verdict, start: 0, end: 0, excerpt: '', ...(summary ? { detail: cut(summary, MAX_DETAIL) } : {}) });
  }
  for (const f of answer.findings ?? []) {
    if (out.length >= MAX_EXTERNAL_FINDINGS) break;
    const fits = f.start != null && f.end != null && f.start < f.end && f.end <= body.length;
    const start = fits ? f.start! : 0;
    const end = fits ? f.end! : 0;
    const label = cut(f.label.trim(), MAX_LABEL);
    const detail = [label, f.score != null ? shown(f.score) : ''].filter(Boolean).join(' ');
    out.push({ rule: 'external', verdict, start, end, excerpt: body.slice(start, end).slice(0, MAX_EXCERPT), ...(detail ? { detail } : {}) });
  }
  return out;
}
