/**
 * One comment as the reader sees it, wherever it is shown (the list, a thread, the highlights):
 * byline with badges, text, the author's pending edit, and buttons. The buttons carry
 * data-action and are handled in one place (actions.ts). Every view of a comment has
 * data-cid; the sync functions update all of them in place from state.ts.
 */
import type { Commenter } from './auth-store.js';
import { avatarColor } from './avatar-color.js';
import { currentAuth, isClosed, isOwn, settings, t } from './context.js';
import { clear, h } from './dom.js';
import { absoluteTime, minutesSeconds, relativeTime } from './i18n.js';
import { best, canEdit, isMutedFor, known, muted, myReactions, own, reported, type Item, type Own } from './state.js';

export function avatar(author: Commenter): HTMLElement {
  if (author.avatarUrl) {
    return h('img', { class: 'cw-avatar', src: author.avatarUrl, alt: '', width: 36, height: 36, loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
  }
  const initial = h('span', { class: 'cw-avatar cw-initial', 'aria-hidden': 'true' }, Array.from(author.displayName)[0] ?? '?');
  initial.style.backgroundColor = avatarColor(author.id); // through the CSSOM: the frame's CSP refuses style attributes
  return initial;
}

/** When, in words that age (refreshed by the minute), with the date and time on hover. */
export function timeOf(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso, title: absoluteTime(settings.lang, iso) }, relativeTime(settings.lang, iso));
}

/** A comment's box; `compact` (the highlights strip) has reactions only. Remembers the comment's data. */
export function commentBox(c: Item, compact = false): HTMLElement {
  known.set(c.id, c);
  if (c.deleted || !c.author) {
    return h('div', { class: 'cw-comment cw-gone', 'data-cid': c.id },
      h('span', { class: 'cw-avatar', 'aria-hidden': 'true' }),
      h('div', { class: 'cw-main' }, h('p', { class: 'cw-placeholder' }, t.deletedComment)));
  }
  if (isMutedFor(c)) return mutedBox(c, compact);
  const box = h('div', { class: compact ? 'cw-comment cw-compact' : 'cw-comment', 'data-cid': c.id },
    avatar(c.author),
    h('div', { class: 'cw-main' }, h('div', { class: 'cw-head' }), h('div', { class: 'cw-actions' }), h('div', { class: 'cw-slot' })),
  );
  fillHead(box, c);
  fillActions(box, c);
  return box;
}

/**
 * News of a comment already shown (published again after reports were cleared, or heard twice):
 * refilled in place while it stays a comment, so a reply, edit or question the reader has open
 * under it stays open; otherwise a new box (a placeholder, or back from one).
 */
export function renewBox(box: HTMLElement, c: Item): void {
  const wasComment = !box.classList.contains('cw-gone') && !box.classList.contains('cw-muted');
  if (!wasComment || c.deleted || !c.author || isMutedFor(c)) {
    box.replaceWith(commentBox(c, box.classList.contains('cw-compact')));
    return;
  }
  known.set(c.id, c);
  fillHead(box, c);
  fillActions(box, c);
}

/** For the reader who muted its author: a placeholder that opens ("Show") or unmutes. */
function mutedBox(c: Item, compact: boolean): HTMLElement {
  return h('div', { class: compact ? 'cw-comment cw-muted cw-compact' : 'cw-comment cw-muted', 'data-cid': c.id },
    h('span', { class: 'cw-avatar', 'aria-hidden': 'true' }),
    h('div', { class: 'cw-main' },
      h('p', { class: 'cw-placeholder' }, t.mutes.placeholder),
      h('div', { class: 'cw-actions' }, action('reveal', t.mutes.show), action('unmute', t.mutes.unmute)),
      h('div', { class: 'cw-slot' })),
  );
}

function fillHead(box: HTMLElement, c: Item): void {
  const head = box.querySelector('.cw-head')!;
  const pending = isOwn(c.author) ? own.get(c.id)?.pendingBody : null;
  clear(head);
  head.append(
    h('p', { class: 'cw-byline' },
      c.featured && h('span', { class: 'cw-tag cw-tag-pick' }, t.featured),
      best.has(c.id) && h('span', { class: 'cw-tag cw-tag-best' }, t.best),
      h('span', { class: 'cw-name' }, c.author!.deleted ? t.account.deletedAccount : c.author!.displayName), ' ', timeOf(c.publishedAt),
      c.editedAt && h('span', { class: 'cw-edited', title: absoluteTime(settings.lang, c.editedAt) }, ' ', t.edited),
    ),
    h('p', { class: 'cw-text' },
      c.replyTo && h('span', { class: 'cw-mention' }, `@${c.replyTo.displayName} `),
      h('span', { class: 'cw-body' }, c.body ?? ''),
    ),
    pending ? h('p', { class: 'cw-edit-pending' }, h('span', { class: 'cw-badge' }, t.editPending), ' ', h('span', { class: 'cw-pending-body' }, pending)) : '',
  );
}

function action(name: string, label: string, extra: Record<string, string> = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: `cw-link cw-${name}`, 'data-action': name, ...extra }, label);
}

export function editButton(o: Own): HTMLButtonElement {
  const button = action('edit', '', { 'data-until': o.editableUntil! });
  tickEdit(button, Date.now());
  if (ticking === undefined) ticking = window.setTimeout(tickEdits, 0);
  return button;
}

/** Counts an edit button down; false once the window has closed (the button is gone). */
function tickEdit(button: HTMLElement, now: number): boolean {
  const left = new Date(button.dataset.until!).getTime() - now;
  if (left <= 0) {
    button.remove();
    return false;
  }
  button.textContent = t.editLeft(minutesSeconds(left));
  return true;
}

let ticking: number | undefined;

/** Once a second while an edit window is open somewhere. */
function tickEdits(): void {
  const now = Date.now();
  let open = false;
  document.querySelectorAll<HTMLElement>('.cw-edit[data-until]').forEach((button) => (open = tickEdit(button, now) || open));
  ticking = open ? window.setTimeout(tickEdits, 1000 - (now % 1000)) : undefined;
}

function reactions(c: Item, mine: boolean): HTMLElement {
  const part = (kind: 'like' | 'dislike', n: number) => {
    const content = [kind === 'like' ? t.like : t.dislike, ' ', h('span', { class: 'cw-n' }, String(n))];
    // One's own comment shows its counts, without buttons.
    if (mine) return h('span', { class: `cw-${kind}` }, ...content);
    return h('button', { type: 'button', class: `cw-react cw-${kind}`, 'data-action': kind, 'aria-pressed': String(myReactions.get(c.id) === kind) }, ...content);
  };
  return h('span', { class: mine ? 'cw-reactions cw-static' : 'cw-reactions' }, part('like', c.likes), part('dislike', c.dislikes));
}

function fillActions(box: HTMLElement, c: Item): void {
  const actions = box.querySelector('.cw-actions')!;
  const compact = box.classList.contains('cw-compact');
  const mine = isOwn(c.author);
  clear(actions);
  if (!compact && !isClosed()) actions.append(action('reply', t.reply));
  actions.append(reactions(c, mine));
  if (compact) return;
  if (mine) {
    const o = own.get(c.id);
    if (canEdit(o)) actions.append(editButton(o!));
    actions.append(action('delete', t.delete));
  } else if (currentAuth()) {
    actions.append(reported.has(c.id) ? h('span', { class: 'cw-reported' }, t.reported) : action('report', t.report));
    actions.append(muted.has(c.author!.id) ? action('unmute', t.mutes.unmute) : action('mute', t.mutes.mute));
  }
}

/** Every view of a comment (or of all comments). */
export function boxes(id?: string): HTMLElement[] {
  const selector = id ? `.cw-comment[data-cid="${CSS.escape(id)}"]` : '.cw-comment';
  return Array.from(document.querySelectorAll<HTMLElement>(selector)).filter((b) => !b.classList.contains('cw-gone') && !b.classList.contains('cw-muted'));
}

export function refreshBox(box: HTMLElement): void {
  const c = known.get(box.dataset.cid!);
  if (!c || c.deleted) return;
  fillHead(box, c);
  fillActions(box, c);
}

export function syncHead(id: string): void {
  const c = known.get(id);
  if (c && !c.deleted) for (const box of boxes(id)) fillHead(box, c);
}

export function syncActions(id?: string): void {
  for (const box of boxes(id)) {
    const c = known.get(box.dataset.cid!);
    if (c) fillActions(box, c);
  }
}

/** Counts and pressed states, changed in place so a focused button stays focused. */
export function syncReactions(id: string): void {
  const c = known.get(id);
  if (!c) return;
  const mine = myReactions.get(id);
  for (const box of boxes(id)) {
    for (const kind of ['like', 'dislike'] as const) {
      const el = box.querySelector(`.cw-actions .cw-${kind}`);
      if (!el) continue;
      el.querySelector('.cw-n')!.textContent = String(kind === 'like' ? c.likes : c.dislikes);
      if (el.tagName === 'BUTTON') el.setAttribute('aria-pressed', String(mine === kind));
    }
  }
}

/** A short message under a comment (an error in words, or what happens next). */
export function say(box: HTMLElement, text: string, error = false): void {
  const slot = box.querySelector('.cw-slot')!;
  slot.querySelector('.cw-says')?.remove();
  if (text) slot.append(h('p', { class: error ? 'cw-says cw-error' : 'cw-says', role: error ? 'alert' : 'status' }, text));
}

/** Puts a form (or a question) under a comment, in place of any other. */
export function openInSlot(box: HTMLElement, content: HTMLElement): void {
  const slot = box.querySelector('.cw-slot')!;
  clear(slot);
  slot.append(content);
}

export function closeSlot(box: HTMLElement, focus?: string): void {
  clear(box.querySelector('.cw-slot')!);
  box.classList.remove('cw-editing');
  if (focus) box.querySelector<HTMLElement>(`.cw-actions [data-action="${focus}"]`)?.focus();
}
