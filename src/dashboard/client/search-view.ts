import { get, query } from './api.js';
import { h } from './dom.js';
import type { Text } from './i18n.js';
import type { QueueItem } from './model.js';

/** The search form's fields, as typed (kept while the list re-renders). */
export interface SearchParams {
  q: string;
  author: string;
  articleId: string;
  status: string;
}

const STATUSES = ['pending', 'in_review', 'published', 'rejected', 'deleted'];

export const emptySearch = (): SearchParams => ({ q: '', author: '', articleId: '', status: '' });

/** The API wants at least one of these (status only narrows). */
export const hasTerms = (p: SearchParams): boolean => Boolean(p.q.trim() || p.author.trim() || p.articleId.trim());

/** One page of GET /api/moderation/search: queue items, newest first. */
export function searchPage(p: SearchParams, cursor: string | null): Promise<{ items: QueueItem[]; nextCursor: string | null }> {
  return get(`/api/moderation/search${query({ q: p.q.trim(), author: p.author.trim(), articleId: p.articleId.trim(), status: p.status, cursor })}`);
}

/** The form above the results: fields write into `params` as typed; submitting runs the search. */
export function searchForm(t: Text, params: SearchParams, statusLabel: (status: string) => string, onSearch: () => void): HTMLElement {
  const field = (name: 'q' | 'author' | 'articleId', label: string, type = 'text') =>
    h(
      'label',
      {},
      label,
      h('input', {
        id: `search-${name}`,
        name,
        type,
        value: params[name],
        maxlength: name === 'articleId' ? 200 : 100,
        oninput: (e: Event) => {
          params[name] = (e.target as HTMLInputElement).value;
        },
      }),
    );
  const status = h(
    'select',
    { id: 'search-status', name: 'status', onchange: (e: Event) => (params.status = (e.target as HTMLSelectElement).value) },
    h('option', { value: '', selected: params.status === '' }, t.searchAnyStatus),
    ...STATUSES.map((s) => h('option', { value: s, selected: params.status === s }, statusLabel(s))),
  );
  const hint = h('p', { class: 'hint', id: 'search-hint' }, t.searchHint);
  return h(
    'form',
    {
      class: 'search',
      role: 'search',
      'aria-describedby': 'search-hint',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (!hasTerms(params)) {
          hint.textContent = t.searchNeedOne;
          hint.setAttribute('role', 'alert');
          return;
        }
        onSearch();
      },
    },
    field('q', t.searchWords, 'search'),
    field('author', t.searchAuthor),
    field('articleId', t.article),
    h('label', {}, t.status, status),
    h('button', { type: 'submit' }, t.search),
    hint,
  );
}
