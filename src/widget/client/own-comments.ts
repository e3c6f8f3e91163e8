/**
 * The reader's own comments on this article: those not yet published (at the top, or under the
 * comment they answer), the edit window of the published ones, and a pending edit. Polled with
 * back-off while moderation has something of the reader's to decide. The "awaiting moderation"
 * line is drawn from their statuses, so it never outlives them.
 */
import { api } from './api.js';
import { currentAuth, failure, settings, t } from './context.js';
import { boxes, editButton, refreshBox, timeOf } from './comment-view.js';
import { clear, h } from './dom.js';
import { canEdit, isWaiting, own, type Own } from './state.js';

export const mineList = h('ul', { class: 'cw-mine', 'aria-label': t.yourComments, hidden: true });
/** Shown exactly while one of the reader's comments here waits for moderation. */
export const waitingNotice = h('p', { class: 'cw-notice cw-info cw-waiting', role: 'status', 'aria-live': 'polite' });

let poll: number | undefined;
let pollDelay = 1500;
/** Told when one of the reader's comments has just been published (it joins the list). */
let onPublished: (id: string) => void = () => undefined;
/** Told each time the reader's comments here have been read from the service. */
let onLoaded: () => void = () => undefined;
/** The reader's comments have been read since they signed in. */
let loaded = false;

export function whenPublished(show: (id: string) => void): void {
  onPublished = show;
}

export function whenLoaded(check: () => void): void {
  onLoaded = check;
}

export function mineLoaded(): boolean {
  return loaded;
}

export async function loadMine(): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  try {
    const { items } = await api<{ items: Own[] }>('GET', `/api/me/comments?articleId=${encodeURIComponent(settings.articleId)}`, { token: auth.token });
    if (currentAuth() !== auth) return;
    const before = new Map(own);
    own.clear();
    for (const o of items) own.set(o.id, o);
    for (const o of items) {
      const was = before.get(o.id);
      if (o.status === 'published' && was && isWaiting(was)) onPublished(o.id);
    }
    loaded = true;
    renderMine();
    onLoaded();
  } catch (err) {
    failure(err);
  }
  schedulePoll(false);
}

/** After a post or an edit: shown at once, then followed until moderation decides. */
export function remember(o: Own): void {
  const merged = { ...own.get(o.id), ...o };
  const rest = [...own.values()].filter((x) => x.id !== o.id);
  own.clear();
  for (const x of [merged, ...rest]) own.set(x.id, x);
  renderMine();
  schedulePoll(true);
}

export function forget(id: string): void {
  if (own.delete(id)) renderMine();
}

export function forgetAll(): void {
  own.clear();
  loaded = false;
  window.clearTimeout(poll);
  renderMine();
}

function waitingForModeration(): boolean {
  return [...own.values()].some((o) => isWaiting(o) || !!o.pendingBody);
}

function schedulePoll(reset: boolean): void {
  if (reset) pollDelay = 1500;
  window.clearTimeout(poll);
  if (!currentAuth() || !waitingForModeration()) return;
  poll = window.setTimeout(() => void loadMine(), pollDelay);
  pollDelay = Math.min(pollDelay * 1.5, 30_000);
}

function ownItem(o: Own): HTMLLIElement {
  const reason = o.status === 'rejected' && o.reason ? ` ${t.reasonPrefix} ${t.reasons[o.reason] ?? o.reason}` : '';
  return h('li', { class: `cw-own cw-${o.status}`, 'data-id': o.id, 'data-cid': o.id, 'data-status': o.status },
    h('p', { class: 'cw-own-status' }, h('span', { class: 'cw-badge' }, t.status[o.status] ?? o.status), ' ', timeOf(o.createdAt), reason),
    h('p', { class: 'cw-text' }, h('span', { class: 'cw-body' }, o.pendingBody ?? o.body)),
    isWaiting(o) && h('div', { class: 'cw-actions' },
      canEdit(o) && editButton(o),
      h('button', { type: 'button', class: 'cw-link cw-delete', 'data-action': 'delete' }, t.delete)),
    h('div', { class: 'cw-slot' }),
  );
}

/** Unpublished comments at the top, unpublished replies under their thread; published ones' buttons and pending edits. */
export function renderMine(): void {
  // An item whose text and status did not change is kept as it is (a rebuilt button loses focus; a form stays open).
  const keyOf = (o: Own) => `${o.status}|${o.pendingBody ?? o.body}|${o.editableUntil}`;
  const before = new Map<string, HTMLElement>();
  document.querySelectorAll<HTMLElement>('.cw-own').forEach((el) => before.set(el.dataset.id!, el));
  clear(mineList);
  document.querySelectorAll('.cw-thread-mine').forEach(clear);
  for (const o of own.values()) {
    if (o.status === 'published' || o.status === 'deleted') continue;
    const thread = o.parentId ? document.querySelector(`.cw-thread[data-thread="${CSS.escape(o.parentId)}"] .cw-thread-mine`) : null;
    const kept = before.get(o.id);
    const el = kept?.dataset.key === keyOf(o) ? kept : ownItem(o);
    el.dataset.key = keyOf(o);
    (thread ?? mineList).append(el);
  }
  mineList.hidden = mineList.childElementCount === 0;
  for (const o of own.values()) {
    if (o.status !== 'published') continue;
    // Rebuilt only when its edit window or pending edit changed: a rebuilt button loses focus.
    const key = `${o.editableUntil}|${o.pendingBody}`;
    for (const box of boxes(o.id)) {
      if (box.dataset.own === key) continue;
      box.dataset.own = key;
      refreshBox(box);
      // The edit was decided: "your edit is awaiting moderation" under it has served.
      if (!o.pendingBody) box.querySelector('.cw-slot .cw-says:not(.cw-error)')?.remove();
    }
  }
  const waiting = [...own.values()].filter(isWaiting);
  const text = waiting.some((o) => !o.parentId) ? t.pending : waiting.length ? t.pendingReply : '';
  if (waitingNotice.textContent !== text) waitingNotice.textContent = text; // the same words are not announced again
}
