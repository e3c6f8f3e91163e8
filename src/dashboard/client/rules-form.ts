import { h } from './dom.js';
import type { Text } from './i18n.js';
import { ruleName } from './words.js';

/** The rule set being edited, as JSON: the form changes only the fields it shows and keeps the rest. */
export type Draft = Record<string, unknown>;
type Entry = string | { word: string; match?: string };

const LISTS = ['bannedWords', 'suspectWords', 'exceptions'] as const;
const BUILTINS = ['exceptions', 'variants', 'initials'] as const;
const VERDICTS = ['publish', 'review', 'reject'] as const;
/** More list items than this at once make a 10,000-word list slow to render and to read; the search finds the rest. */
const SHOWN = 200;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const wordOf = (entry: unknown): string => (isObject(entry) ? String(entry.word ?? '') : String(entry));
/** Lists are matched case-folded, so "Fuck" next to "fuck" would be a duplicate. */
const key = (word: string): string => word.trim().toLocaleLowerCase();

/** The form over a draft; every change is written into `draft` at once, so the advanced view sees it. */
export function rulesForm(draft: Draft, t: Text, admin: boolean): HTMLElement {
  const f = t.rulesForm;
  return h(
    'div',
    { id: 'rules-form', class: 'rules-form' },
    modeField(draft, f, admin),
    ...LISTS.map((list) => wordList(draft, list, f, admin)),
    builtinsField(draft, f, admin),
    rulesField(draft, t, admin),
  );
}

function modeField(draft: Draft, f: Text['rulesForm'], admin: boolean): HTMLElement {
  const select = h('select', { id: 'rules-mode', disabled: !admin, onchange: () => (draft.mode = select.value) }, ...(['auto', 'pre'] as const).map((m) => h('option', { value: m }, f.modes[m])));
  select.value = draft.mode === 'pre' ? 'pre' : 'auto';
  return h('p', { class: 'rules-mode' }, h('label', { for: 'rules-mode' }, f.mode), ' ', select);
}

function wordList(draft: Draft, list: (typeof LISTS)[number], f: Text['rulesForm'], admin: boolean): HTMLElement {
  const entries = (): Entry[] => (Array.isArray(draft[list]) ? (draft[list] as Entry[]) : []);
  const name = f.lists[list];
  const id = `words-${list}`;
  const legendSize = h('span', { class: 'size', id: `${id}-size` });
  const count = h('p', { class: 'count', id: `${id}-count`, 'aria-live': 'polite' });
  const note = h('p', { class: 'note', id: `${id}-note` });
  const items = h('ul', { class: 'words', id: `${id}-items`, 'aria-label': name });
  const message = h('p', { class: 'form-message', id: `${id}-message`, role: 'status' });
  const filter = h('input', { type: 'search', id: `${id}-filter`, autocomplete: 'off', 'aria-controls': `${id}-items`, 'aria-describedby': `${id}-count`, oninput: () => render() });

  const render = (): void => {
    const all = entries();
    const needle = key(filter.value);
    const matches: number[] = [];
    all.forEach((entry, i) => (!needle || key(wordOf(entry)).includes(needle)) && matches.push(i));
    legendSize.textContent = ` (${all.length})`;
    count.textContent = needle ? f.matching(matches.length, all.length) : f.size(all.length);
    note.textContent = matches.length > SHOWN ? f.showing(SHOWN, matches.length) : '';
    items.replaceChildren(...matches.slice(0, SHOWN).map((i) => item(all[i]!, i)));
  };

  const item = (entry: Entry, index: number): HTMLElement => {
    const word = wordOf(entry);
    const mode = isObject(entry) && typeof entry.match === 'string' ? h('span', { class: 'match', 'data-match': entry.match }, f.matchModes[entry.match] ?? entry.match) : null;
    const remove = admin ? h('button', { type: 'button', class: 'link', 'aria-label': f.remove(word), 'data-index': index, onclick: () => removeAt(index) }, '×') : null;
    return h('li', { 'data-word': word }, h('span', { class: 'word' }, word), mode ? ' ' : null, mode, remove ? ' ' : null, remove);
  };

  const removeAt = (index: number): void => {
    const all = entries();
    const word = wordOf(all[index]);
    all.splice(index, 1);
    render();
    message.textContent = f.removed(word, name);
    // Focus stays in the list: the next word's button, else the previous one, else the add box.
    const buttons = [...items.querySelectorAll('button')];
    const shownAt = Math.min(buttons.findIndex((b) => Number(b.dataset.index) >= index), buttons.length - 1);
    (buttons[shownAt < 0 ? buttons.length - 1 : shownAt] ?? input ?? filter).focus();
  };

  const add = (): void => {
    const word = input!.value.trim();
    if (!word) return void (message.textContent = f.empty);
    if (word.length > 100) return void (message.textContent = f.tooLong);
    const all = entries();
    if (all.some((entry) => key(wordOf(entry)) === key(word))) return void (message.textContent = f.duplicate(word));
    if (!Array.isArray(draft[list])) draft[list] = all;
    all.push(word);
    input!.value = '';
    render();
    message.textContent = f.added(word, name);
  };

  const input = admin
    ? h('input', {
        type: 'text',
        id: `${id}-add`,
        autocomplete: 'off',
        maxlength: 100,
        'aria-describedby': `${id}-message`,
        onkeydown: (e: Event) => {
          if ((e as KeyboardEvent).key !== 'Enter') return;
          e.preventDefault();
          add();
        },
      })
    : null;

  render();
  return h(
    'fieldset',
    { class: 'word-list', id, 'data-list': list },
    h('legend', {}, name, legendSize),
    h('p', { class: 'hint' }, f.listHints[list]),
    input ? h('div', { class: 'add' }, h('label', { for: `${id}-add` }, f.addLabel(name)), input, h('button', { type: 'button', onclick: add }, f.add)) : null,
    message,
    h('div', { class: 'filter' }, h('label', { for: `${id}-filter` }, f.filterLabel(name)), filter),
    count,
    note,
    items,
  );
}

function builtinsField(draft: Draft, f: Text['rulesForm'], admin: boolean): HTMLElement {
  const current = (): Record<string, unknown> => (isObject(draft.builtins) ? draft.builtins : (draft.builtins = {}));
  return h(
    'fieldset',
    { class: 'builtins', id: 'rules-builtins' },
    h('legend', {}, f.builtinsLegend),
    ...BUILTINS.map((name) => {
      const id = `builtin-${name}`;
      const box = h('input', { type: 'checkbox', id, disabled: !admin, 'aria-describedby': `${id}-hint`, onchange: () => (current()[name] = box.checked) });
      box.checked = current()[name] !== false;
      return h('div', { class: 'check' }, box, h('label', { for: id }, f.builtins[name]), h('p', { class: 'hint', id: `${id}-hint` }, f.builtinHints[name]));
    }),
  );
}

function rulesField(draft: Draft, t: Text, admin: boolean): HTMLElement {
  const f = t.rulesForm;
  const rules = isObject(draft.rules) ? draft.rules : {};
  const rows = Object.entries(rules)
    .filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]))
    .map(([id, rule]) => {
      const name = ruleName(t, id);
      const box = h('input', { type: 'checkbox', id: `rule-${id}-enabled`, disabled: !admin, onchange: () => (rule.enabled = box.checked) });
      box.checked = rule.enabled !== false;
      const verdict = h(
        'select',
        { id: `rule-${id}-verdict`, 'aria-label': f.verdictLabel(name), disabled: !admin, onchange: () => (rule.verdict = verdict.value) },
        ...VERDICTS.map((v) => h('option', { value: v }, f.verdicts[v])),
      );
      if (typeof rule.verdict === 'string') verdict.value = rule.verdict;
      return h('tr', { 'data-rule': id }, h('td', {}, box, ' ', h('label', { for: `rule-${id}-enabled`, title: id }, name)), h('td', {}, verdict));
    });
  return h(
    'fieldset',
    { class: 'rule-switches', id: 'rules-switches' },
    h('legend', {}, f.rulesLegend),
    h('table', { class: 'log' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, f.rule), h('th', { scope: 'col' }, f.verdict))), h('tbody', {}, ...rows)),
    h('p', { class: 'hint' }, f.otherSettings),
  );
}
