/** The highlights strip above the list: editor's picks, then the BEST comments (their badge shows in the list too). */
import { api } from './api.js';
import { commentBox, syncHead } from './comment-view.js';
import { articlePath, t } from './context.js';
import { clear, h } from './dom.js';
import { best, type Item } from './state.js';

const picks = h('ol', { class: 'cw-picks' });
export const strip = h('section', { class: 'cw-highlights', 'aria-labelledby': 'cw-hl-title', hidden: true },
  h('h3', { id: 'cw-hl-title', class: 'cw-hl-title' }, t.highlights), picks);

export async function loadHighlights(fresh = false): Promise<void> {
  const found = await api<{ featured: Item[]; best: Item[] }>('GET', `${articlePath}/comments/highlights`, { cache: fresh ? 'no-cache' : 'default' }).catch(() => null);
  if (!found) return;
  const before = [...best];
  best.clear();
  for (const c of found.best) best.add(c.id);
  clear(picks);
  const seen = new Set<string>();
  for (const c of [...found.featured, ...found.best]) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    picks.append(h('li', { class: 'cw-pick', 'data-id': c.id }, commentBox(c, true)));
  }
  strip.hidden = seen.size === 0;
  for (const id of new Set([...before, ...best])) syncHead(id);
}

let soon: number | undefined;

/** After a pick changed: once, shortly (several changes come together). */
export function reloadHighlightsSoon(): void {
  window.clearTimeout(soon);
  soon = window.setTimeout(() => void loadHighlights(true), 300);
}

export function dropPick(id: string): void {
  picks.querySelector(`:scope > [data-id="${CSS.escape(id)}"]`)?.remove();
  strip.hidden = picks.childElementCount === 0;
}
