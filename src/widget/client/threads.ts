/**
 * Replies under a top comment, two levels as on Korean portals: collapsed as "답글 N", loaded
 * oldest first on opening, with "more replies". Counts follow the live stream.
 */
import { api, ApiError } from './api.js';
import { commentBox, renewBox } from './comment-view.js';
import { t } from './context.js';
import { h } from './dom.js';
import { known, type Item, type Page } from './state.js';

const REPLIES_PAGE = 20;

interface Thread {
  id: string;
  /** Published replies, as the server last said plus what the stream told since. */
  count: number;
  /** Replies already in `count` (so a reply heard twice is counted once). */
  counted: Set<string>;
  loaded: boolean;
  expanded: boolean;
  cursor: string | null;
  busy: boolean;
  failed: boolean;
  toggle: HTMLButtonElement;
  list: HTMLOListElement;
  more: HTMLButtonElement;
}

const threads = new Map<string, Thread>();

export function replyItem(c: Item, fresh = false): HTMLLIElement {
  return h('li', { class: fresh ? 'cw-item cw-reply-item cw-new' : 'cw-item cw-reply-item', 'data-id': c.id }, commentBox(c));
}

/** The thread under a top comment (kept when the comment itself turns into a placeholder). */
export function threadOf(c: Item): HTMLElement {
  const list = h('ol', { class: 'cw-replies', id: `cw-replies-${c.id}`, 'aria-label': t.repliesTo(c.author?.displayName ?? t.deletedComment), hidden: true });
  const toggle = h('button', { type: 'button', class: 'cw-link cw-toggle', 'aria-expanded': 'false', 'aria-controls': list.id });
  const more = h('button', { type: 'button', class: 'cw-link cw-more-replies', hidden: true }, t.moreReplies);
  const th: Thread = { id: c.id, count: c.replyCount, counted: new Set(), loaded: false, expanded: false, cursor: null, busy: false, failed: false, toggle, list, more };
  threads.set(c.id, th);
  toggle.addEventListener('click', () => void (th.expanded ? collapse(th) : expand(th)));
  more.addEventListener('click', () => void loadReplies(th));
  syncToggle(th);
  return h('div', { class: 'cw-thread', 'data-thread': c.id }, toggle, h('ul', { class: 'cw-thread-mine' }), list, more);
}

function syncToggle(th: Thread): void {
  th.toggle.hidden = th.count === 0 && th.list.childElementCount === 0;
  th.toggle.textContent = t.replies(th.count);
  th.toggle.setAttribute('aria-expanded', String(th.expanded));
  th.list.hidden = !th.expanded;
  th.more.hidden = !th.expanded || (!th.cursor && !th.failed);
  th.more.textContent = th.failed ? `${t.loadFailed} ${t.retry}` : t.moreReplies;
  const top = known.get(th.id);
  if (top) top.replyCount = th.count;
}

async function expand(th: Thread, fresh = false): Promise<void> {
  th.expanded = true;
  syncToggle(th);
  if (!th.loaded) await loadReplies(th, fresh);
}

function collapse(th: Thread): void {
  th.expanded = false;
  syncToggle(th);
}

async function loadReplies(th: Thread, fresh = false): Promise<void> {
  if (th.busy) return;
  th.busy = true;
  th.more.disabled = true;
  try {
    const page = await api<Page>(
      'GET',
      `/api/comments/${encodeURIComponent(th.id)}/replies?limit=${REPLIES_PAGE}${th.cursor ? `&cursor=${encodeURIComponent(th.cursor)}` : ''}`,
      { cache: fresh ? 'no-cache' : 'default' },
    );
    for (const c of page.items) {
      th.counted.add(c.id);
      if (!rendered(th, c.id)) th.list.append(replyItem(c));
    }
    th.cursor = page.nextCursor;
    th.loaded = true;
    th.count = page.total;
    th.failed = false;
  } catch (err) {
    if (err instanceof ApiError && err.info.status === 404) th.count = 0;
    else th.failed = true;
  } finally {
    th.busy = false;
    th.more.disabled = false;
    syncToggle(th);
  }
}

function rendered(th: Thread, id: string): HTMLElement | null {
  return th.list.querySelector(`:scope > [data-id="${CSS.escape(id)}"]`);
}

/** A reply entered its thread: counted, shown if the thread is open to its end; the reader's own is shown anyway. */
export function replyPublished(c: Item, mine: boolean): void {
  const th = threads.get(c.parentId!);
  if (!th) return;
  const shown = rendered(th, c.id);
  if (shown) renewBox(shown.firstElementChild as HTMLElement, c);
  else if (!th.counted.has(c.id)) {
    th.counted.add(c.id);
    th.count++;
    if (th.loaded && (!th.cursor || mine)) th.list.append(replyItem(c, true));
  }
  syncToggle(th);
  if (mine && !th.expanded) void expand(th, true);
}

/** A reply left its thread; the thread's count, or null when the thread is not shown. */
export function replyRemoved(id: string, parentId: string): number | null {
  const th = threads.get(parentId);
  if (!th) return null;
  rendered(th, id)?.remove();
  th.counted.delete(id);
  th.count = Math.max(0, th.count - 1);
  syncToggle(th);
  return th.count;
}

/**
 * For a link to a reply: its thread opened and paged on until the reply is in it. A reply the
 * pages do not have (they may be from the browser's cache) is added as if the stream had told it.
 */
export async function revealReply(c: Item): Promise<HTMLElement | null> {
  const th = threads.get(c.parentId!);
  if (!th) return null;
  if (!th.expanded) await expand(th);
  while (!rendered(th, c.id) && th.cursor && !th.busy && !th.failed) await loadReplies(th);
  if (!rendered(th, c.id) && !th.failed) replyPublished(c, false);
  return rendered(th, c.id);
}

export function dropThread(id: string): void {
  threads.delete(id);
}

export function dropThreads(): void {
  threads.clear();
}
