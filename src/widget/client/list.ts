/**
 * The published list: top comments in the order the reader picked, 20 a page, each with its
 * thread; the header count, always from the same answer as the list (or the live stream after it).
 * A ranking cursor that has expired starts the list again.
 */
import { api, ApiError } from './api.js';
import { commentBox, renewBox } from './comment-view.js';
import { articlePath, setNotice, setOpen, t } from './context.js';
import { clear, h } from './dom.js';
import { mineLoaded, renderMine } from './own-comments.js';
import { known, own, type Item, type Own, type Page } from './state.js';
import { dropThread, dropThreads, threadOf } from './threads.js';

const PAGE = 20;
const SORTS = ['newest', 'oldest', 'likes', 'replies'] as const;
type Sort = (typeof SORTS)[number];

let sort: Sort = 'newest';
let cursor: string | null = null;
let total = 0;
/** Bumped when the list starts again: an answer for an older list is dropped. */
let generation = 0;
/** The list shown may be from the browser's cache (max-age=5, stale-while-revalidate=30) and was not yet compared with the reader's own comments. */
let unverified = false;
/** Own comments (by sort and status) the list was loaded again for: once each, so a lagging server cannot make a loop. */
const reloadedFor = new Set<string>();

export const count = h('span', { class: 'cw-count' });
export const list = h('ol', { class: 'cw-list', 'aria-label': t.comments, 'aria-busy': 'true' });
export const listState = h('p', { class: 'cw-state' }, t.loading);
export const more = h('button', { type: 'button', class: 'cw-more', hidden: true, onclick: () => void loadPage() }, t.loadMore);
export const sortBar = h('div', { class: 'cw-sort', role: 'group', 'aria-label': t.sortLabel },
  ...SORTS.map((s) => h('button', { type: 'button', class: 'cw-sort-option', 'data-sort': s, 'aria-pressed': String(s === sort), onclick: () => void setSort(s) }, t.sorts[s]!)));

export function currentTotal(): number {
  return total;
}

export function setTotal(n: number): void {
  total = Math.max(0, n);
  count.textContent = String(total);
  count.setAttribute('aria-label', t.total(total));
}

function topItem(c: Item, fresh = false): HTMLLIElement {
  return h('li', { class: fresh ? 'cw-item cw-new' : 'cw-item', 'data-id': c.id }, commentBox(c), threadOf(c));
}

function topLi(id: string): HTMLElement | null {
  return list.querySelector(`:scope > [data-id="${CSS.escape(id)}"]`);
}

async function setSort(next: Sort): Promise<void> {
  if (next === sort) return;
  sort = next;
  sortBar.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.sort === sort)));
  await loadPage(true);
}

/** The next page, or (`restart`) the first one in place of the list; `fresh` past the browser's cache. */
export async function loadPage(restart = false, fresh = false, limit = PAGE): Promise<void> {
  if (restart) generation++;
  const mine = generation;
  more.disabled = true;
  list.setAttribute('aria-busy', 'true');
  const query = `${sort === 'newest' ? '' : `sort=${sort}&`}limit=${limit}${cursor && !restart ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  try {
    const page = await api<Page & { commentsOpen: boolean }>('GET', `${articlePath}/comments?${query}`, { cache: fresh ? 'no-cache' : 'default' });
    if (mine !== generation) return;
    if (restart) {
      clear(list);
      dropThreads();
    }
    for (const c of page.items) if (!topLi(c.id)) list.append(topItem(c));
    cursor = page.nextCursor;
    setTotal(page.total);
    setOpen(page.commentsOpen !== false);
    listState.hidden = list.childElementCount > 0;
    listState.textContent = t.empty;
    more.hidden = !cursor;
    if (own.size) renderMine(); // the reader's replies awaiting moderation go under their threads
    if (!document.documentElement.dataset.ready) performance.mark('cw-first-render'); // read by the browser test
    document.documentElement.dataset.ready = '1';
    unverified = !fresh;
    checkAgainstOwn();
  } catch (err) {
    if (mine !== generation) return;
    if (err instanceof ApiError && err.info.error === 'CURSOR_EXPIRED') {
      setNotice(t.reloaded);
      return loadPage(true);
    }
    listState.hidden = false;
    listState.textContent = t.loadFailed;
  } finally {
    if (mine === generation) {
      more.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }
}

/**
 * The reader's own comments say whether a list from the browser's cache is out of date for them:
 * one published since is missing (or one removed since is still there). Then the first page is
 * loaded again past the cache, and the count with it. Everyone else keeps the cacheable list.
 */
export function checkAgainstOwn(): void {
  if (!unverified || !mineLoaded()) return;
  unverified = false;
  const outdated = [...own.values()].filter((o) => !o.parentId && disagrees(o) && !reloadedFor.has(`${sort}|${o.id}|${o.status}`));
  if (!outdated.length) return;
  for (const o of outdated) reloadedFor.add(`${sort}|${o.id}|${o.status}`);
  void loadPage(true, true);
}

function disagrees(o: Own): boolean {
  const shown = !!topLi(o.id) && known.get(o.id)?.deleted !== true;
  if (o.status === 'published') return !shown && covers(o.publishedAt ?? null);
  return shown && (o.status === 'rejected' || o.status === 'deleted');
}

/** Whether a top comment published at that time belongs on the pages shown. */
function covers(publishedAt: string | null): boolean {
  if (!cursor) return true;
  const lastId = (list.lastElementChild as HTMLElement | null)?.dataset.id;
  const last = lastId ? known.get(lastId) : undefined;
  if (!publishedAt || !last || (sort !== 'newest' && sort !== 'oldest')) return false;
  const [at, boundary] = [new Date(publishedAt).getTime(), new Date(last.publishedAt).getTime()];
  return sort === 'newest' ? at >= boundary : at <= boundary;
}

/** A top comment entered the list: where the order puts it, if that is on the pages shown; the reader's own always. */
export function topPublished(c: Item, ownComment: boolean): void {
  const li = topLi(c.id);
  if (li) renewBox(li.firstElementChild as HTMLElement, c); // back from a placeholder, or news of a shown one
  else if (sort === 'newest') list.prepend(topItem(c, true));
  else if (!cursor) list.append(topItem(c, true));
  else if (ownComment) list.prepend(topItem(c, true));
  listState.hidden = list.childElementCount > 0;
}

/** A top comment left the list: its placeholder takes its place while it has replies. */
export function topRemoved(id: string, placeholder: Item | null): void {
  const li = topLi(id);
  if (!li) return;
  if (placeholder?.deleted && placeholder.replyCount > 0) li.firstElementChild!.replaceWith(commentBox(placeholder));
  else {
    li.remove();
    dropThread(id);
  }
  listState.hidden = list.childElementCount > 0;
}

/** A placeholder goes with its last reply. */
export function dropIfEmptyPlaceholder(id: string): void {
  if (known.get(id)?.deleted) topRemoved(id, null);
}

/**
 * For a link to a top comment: the list, newest first, paged on until the comment is in it or is
 * past the time it was published at the earliest (`notBefore`, ms): then null, the comment is not
 * in this article's list. A list from the browser's cache may be older than the comment: loaded
 * again past the cache, once.
 */
export async function seekTop(id: string, notBefore: number): Promise<HTMLElement | null> {
  if (topLi(id)) return topLi(id);
  await setSort('newest');
  let refreshed = false;
  for (;;) {
    const li = topLi(id);
    if (li) return li;
    const newest = publishedAt(list.firstElementChild);
    if (!refreshed && (newest === null || newest < notBefore)) {
      refreshed = true;
      await loadPage(true, true);
      continue;
    }
    const before = cursor;
    const oldest = publishedAt(list.lastElementChild);
    if (!before || (oldest !== null && oldest < notBefore)) return null;
    await loadPage(false, false, 100);
    if (cursor === before) return null; // the page failed
  }
}

function publishedAt(li: Element | null): number | null {
  const c = li ? known.get((li as HTMLElement).dataset.id!) : undefined;
  return c ? new Date(c.publishedAt).getTime() : null;
}

/** After a dropped connection: what was published meanwhile, and the count. */
export async function catchUp(): Promise<Item[]> {
  const page = await api<Page & { commentsOpen: boolean }>('GET', `${articlePath}/comments?limit=${PAGE}`, { cache: 'no-cache' }).catch(() => null);
  if (!page) return [];
  setTotal(page.total);
  setOpen(page.commentsOpen !== false);
  return page.items.filter((c) => !topLi(c.id)).reverse();
}
