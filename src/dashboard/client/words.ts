import { h } from './dom.js';
import type { Text } from './i18n.js';

// Own keys only: an id such as "constructor" must not find Object.prototype's.
export const own = (words: Record<string, string>, id: string): string | undefined => (Object.prototype.hasOwnProperty.call(words, id) ? words[id] : undefined);

/** A rule id as words; an id not named yet (a newer server) shows as itself. */
export function ruleName(t: Text, id: string): string {
  return own(t.ruleNames, id) ?? own(t.reasons, id) ?? id;
}

/** A status reason: a moderator's or reader's reason (abuse, spam, …) or the rule that decided. */
export function reasonName(t: Text, id: string): string {
  return own(t.reasons, id) ?? own(t.ruleNames, id) ?? id;
}

/** The words for a person, the raw id in title and data-rule for those who know the codes. */
export function ruleLabel(t: Text, id: string): HTMLElement {
  return h('span', { class: 'rule', 'data-rule': id, title: id }, ruleName(t, id));
}

export function reasonLabel(t: Text, id: string): HTMLElement {
  return h('span', { class: 'reason', 'data-reason': id, title: id }, reasonName(t, id));
}

// The browser's own locale, not the dashboard's language: an English desk in the US reads 12/4/2026, in Britain 04/12/2026.
const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric' });

export function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateOnly.format(date);
}
