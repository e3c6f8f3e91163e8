import { ApiError, get, post, put } from './api.js';
import { clear, h } from './dom.js';
import { highlighted } from './highlight.js';
import type { Text } from './i18n.js';
import type { Me } from './model.js';
import { type Draft, rulesForm } from './rules-form.js';
import { reasonName, ruleLabel, ruleName } from './words.js';

interface RuleSetView {
  version: number;
  ruleSet: unknown;
  createdAt: string;
  createdBy: { id: string; email: string } | null;
}

interface DryRunReport {
  total: number;
  changed: number;
  changes: Array<{ from: string; to: string; count: number }>;
  actual: Record<string, number>;
  draft: Record<string, number>;
  examples: Array<{
    id: string;
    body: string;
    from: string;
    to: string;
    reason: string | null;
    findings: Array<{ rule: string; verdict: string; start: number; end: number; excerpt?: string; builtin?: string }>;
    prevented?: Array<{ rule: string; word: string; exception: string; builtin: boolean; excerpt: string }>;
  }>;
  ms: number;
}

export interface RulesContext {
  t: Text;
  me: Me;
  stillShown: () => boolean;
  statusLabel: (status: string) => string;
  formatTime: (iso: string) => string;
  announce: (message: string) => void;
  handleError: (err: unknown) => void;
}

/** The rules editor (admins edit, moderators read) with the dry-run comparison next to it. */
export async function loadRules(main: HTMLElement, ctx: RulesContext): Promise<void> {
  const { t } = ctx;
  const v = t.rulesView;
  let active: RuleSetView;
  try {
    active = await get<RuleSetView>('/api/moderation/rules');
  } catch (err) {
    ctx.handleError(err);
    return;
  }
  if (!ctx.stillShown()) return;
  const admin = ctx.me.role === 'admin';
  clear(main);
  const editor = h('textarea', { id: 'rules-json', class: 'rules-json', spellcheck: 'false', rows: 24, readonly: !admin, 'aria-describedby': 'rules-error' });
  editor.value = JSON.stringify(active.ruleSet, null, 2);
  const error = h('p', { id: 'rules-error', class: 'error', role: 'alert' });
  const comparison = h('section', { id: 'dry-run', class: 'dry-run', 'aria-labelledby': 'dry-run-title', 'aria-busy': 'false' }, h('h3', { id: 'dry-run-title' }, v.comparison), h('p', {}, v.comparisonHint));

  // One draft, two views: the form edits `current` in place; the JSON view is written from it when opened and read back when left.
  const f = t.rulesForm;
  let current = structuredClone(active.ruleSet) as Draft;
  let view: 'form' | 'json' = 'form';
  const formHost = h('div', { id: 'rules-form-view' }, rulesForm(current, t, admin));
  const jsonHost = h('div', { id: 'rules-json-view', class: 'rules-json-view', hidden: true }, h('label', { for: 'rules-json' }, v.editorLabel), editor);
  const viewButtons = {
    form: h('button', { type: 'button', id: 'rules-show-form', 'aria-pressed': 'true', onclick: () => show('form') }, f.formView),
    json: h('button', { type: 'button', id: 'rules-show-json', 'aria-pressed': 'false', onclick: () => show('json') }, f.jsonView),
  };
  const parseEditor = (prefix: string): Draft | undefined => {
    try {
      const parsed: unknown = JSON.parse(editor.value);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Draft;
      error.textContent = prefix + f.notObject;
    } catch (err) {
      error.textContent = prefix + v.notJson + (err as Error).message;
    }
    editor.focus();
    return undefined;
  };
  const show = (next: 'form' | 'json') => {
    if (next === view) return;
    error.textContent = '';
    if (next === 'json') editor.value = JSON.stringify(current, null, 2);
    else {
      const parsed = parseEditor(f.fixJson);
      if (!parsed) return;
      current = parsed;
      formHost.replaceChildren(rulesForm(current, t, admin));
    }
    view = next;
    formHost.hidden = next !== 'form';
    jsonHost.hidden = next !== 'json';
    viewButtons.form.setAttribute('aria-pressed', String(next === 'form'));
    viewButtons.json.setAttribute('aria-pressed', String(next === 'json'));
  };
  const draft = (): unknown => {
    error.textContent = '';
    if (view === 'form') return current;
    return parseEditor('');
  };
  const showProblem = (err: unknown) => {
    if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') error.textContent = err.message;
    else if (err instanceof ApiError && err.code === 'CONFLICT') error.replaceChildren(v.conflict + ' ', h('button', { type: 'button', class: 'link', onclick: () => void loadRules(main, ctx) }, v.reload));
    else ctx.handleError(err);
  };

  const runDry = async () => {
    const ruleSet = draft();
    if (ruleSet === undefined) return;
    comparison.setAttribute('aria-busy', 'true');
    try {
      renderComparison(comparison, await post<DryRunReport>('/api/moderation/rules/dry-run', { ruleSet }), ctx);
    } catch (err) {
      showProblem(err);
    } finally {
      comparison.setAttribute('aria-busy', 'false');
    }
  };
  const save = async () => {
    const ruleSet = draft();
    if (ruleSet === undefined) return;
    try {
      const saved = await put<RuleSetView>('/api/moderation/rules', { ruleSet, expectedVersion: active.version });
      await loadRules(main, ctx);
      ctx.announce(v.saved(saved.version));
      document.getElementById('rules-status')!.textContent = v.saved(saved.version);
    } catch (err) {
      showProblem(err);
    }
  };

  const by = active.createdBy?.email ?? v.seed;
  main.append(
    h('h2', { id: 'view-title' }, t.rulesTab),
    h(
      'div',
      { class: 'rules' },
      h(
        'section',
        { class: 'rules-editor', 'aria-labelledby': 'rules-version' },
        h('p', { id: 'rules-version', 'data-version': active.version }, v.version(active.version, ctx.formatTime(active.createdAt), by)),
        h('div', { class: 'view-switch', role: 'group', 'aria-label': f.views }, viewButtons.form, viewButtons.json),
        formHost,
        jsonHost,
        error,
        admin
          ? h(
              'div',
              { class: 'actions' },
              h('button', { type: 'button', id: 'rules-dry-run', onclick: () => void runDry() }, v.dryRun),
              h('button', { type: 'button', id: 'rules-save', class: 'approve', onclick: () => void save() }, v.save),
            )
          : h('p', {}, v.readOnly),
        h('p', { id: 'rules-status', role: 'status' }),
      ),
      comparison,
    ),
  );
}

function renderComparison(section: HTMLElement, report: DryRunReport, ctx: RulesContext): void {
  const v = ctx.t.rulesView;
  const label = ctx.statusLabel;
  const outcomes = ['published', 'in_review', 'rejected'];
  const parts: Array<Node | null> = [
    h('h3', { id: 'dry-run-title' }, v.comparison),
    h('p', { id: 'dry-run-summary' }, v.judged(report.total, report.changed, report.ms)),
    h(
      'table',
      { class: 'log' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, v.outcome), h('th', { scope: 'col' }, v.actual), h('th', { scope: 'col' }, v.draft))),
      h('tbody', {}, ...outcomes.map((o) => h('tr', {}, h('th', { scope: 'row' }, label(o)), h('td', {}, report.actual[o] ?? 0), h('td', {}, report.draft[o] ?? 0)))),
    ),
    report.changes.length
      ? h(
          'table',
          { class: 'log', id: 'dry-run-changes' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, v.change), h('th', { scope: 'col' }, v.count))),
          h('tbody', {}, ...report.changes.map((c) => h('tr', { 'data-change': `${c.from}-${c.to}` }, h('td', {}, `${label(c.from)} → ${label(c.to)}`), h('td', {}, c.count)))),
        )
      : h('p', {}, v.noChange),
    report.examples.length ? h('h4', {}, v.examples) : null,
    report.examples.length
      ? h(
          'ul',
          { class: 'examples' },
          ...report.examples.map((e) =>
            h(
              'li',
              { 'data-id': e.id },
              h('span', { class: 'change', 'data-reason': e.reason }, `${label(e.from)} → ${label(e.to)}${e.reason ? ` (${reasonName(ctx.t, e.reason)})` : ''}: `),
              h('span', { class: 'body' }, ...highlighted(e.body, e.findings, (rule) => ruleName(ctx.t, rule))),
              e.findings.length ? h('span', { class: 'findings' }, ' — ', ...[...new Set(e.findings.map((f) => f.rule))].flatMap((rule, i) => [i ? ', ' : '', ruleLabel(ctx.t, rule)])) : null,
              builtinNotes(e, v),
            ),
          ),
        )
      : null,
  ];
  section.replaceChildren(...parts.filter((p): p is Node => p !== null));
}

/** Which built-in knowledge found a word, and which exception kept one from counting, as sentences. */
function builtinNotes(e: DryRunReport['examples'][number], v: Text['rulesView']): Node | null {
  const lines = [
    ...e.findings.filter((f) => f.builtin).map((f) => h('li', { 'data-builtin': f.builtin! }, v.foundBy(f.excerpt ?? '', v.builtins[f.builtin!] ?? f.builtin!))),
    ...(e.prevented ?? []).map((p) => h('li', { 'data-prevented': p.builtin ? 'builtin' : 'own' }, v.prevented(p.excerpt, p.exception, p.builtin))),
  ];
  return lines.length ? h('ul', { class: 'builtin-notes' }, ...lines) : null;
}
