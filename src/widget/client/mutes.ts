/**
 * Muting readers: their comments and replies turn into a placeholder for this reader only (the
 * public list stays the same for everyone, and cacheable), which opens on "Show". The reader's
 * mutes come from GET /api/me/muted; the list of them, with "Unmute", sits above the comments.
 */
import { api } from './api.js';
import { closeSlot, commentBox, openInSlot, say, syncActions } from './comment-view.js';
import { currentAuth, failure, setNotice, t } from './context.js';
import { clear, h } from './dom.js';
import { errorText } from './i18n.js';
import { isMutedFor, known, muted, revealed } from './state.js';

interface MutedReader {
  id: string;
  displayName: string;
}

const entries = h('ul', { class: 'cw-muted-entries' });
const summary = h('summary', {});
export const mutedPanel = h('details', { class: 'cw-muted-list', hidden: true }, summary, entries);

export async function loadMutes(): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  try {
    const { items } = await api<{ items: MutedReader[] }>('GET', '/api/me/muted', { token: auth.token, cache: 'no-store' });
    if (currentAuth() !== auth) return; // signed out or in as someone else meanwhile
    muted.clear();
    for (const m of items) muted.set(m.id, { id: m.id, displayName: m.displayName });
    changed();
  } catch (err) {
    failure(err);
  }
}

export function forgetMutes(): void {
  muted.clear();
  revealed.clear();
  changed();
}

/** Asks first, under the comment: muting hides every comment of its author. */
export function confirmMute(box: HTMLElement, id: string): void {
  const author = known.get(id)?.author;
  if (!author) return;
  const cancel = () => closeSlot(box, 'mute');
  const no = h('button', { type: 'button', class: 'cw-link', onclick: cancel }, t.cancel);
  const question = h('div', { class: 'cw-confirm', role: 'group', 'aria-label': t.mutes.mute },
    h('p', {}, t.mutes.confirm(author.displayName)),
    h('button', { type: 'button', class: 'cw-submit cw-danger cw-mute-yes', onclick: () => void mute(box, author) }, t.mutes.mute),
    no,
  );
  question.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && cancel());
  openInSlot(box, question);
  no.focus();
}

async function mute(box: HTMLElement, author: MutedReader): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  try {
    await api('POST', `/api/me/muted/${encodeURIComponent(author.id)}`, { token: auth.token });
    muted.set(author.id, { id: author.id, displayName: author.displayName });
    // Whatever of theirs the reader had opened closes too.
    for (const id of revealed) if (known.get(id)?.author?.id === author.id) revealed.delete(id);
    changed(box);
    setNotice(t.mutes.done(author.displayName));
  } catch (err) {
    closeSlot(box);
    say(box, errorText(t, failure(err), t.mutes.errors), true);
  }
}

/** From a placeholder or an opened comment (`box`), or from the list of muted readers. */
export async function unmute(authorId: string, box?: HTMLElement): Promise<void> {
  const auth = currentAuth();
  const who = muted.get(authorId);
  if (!auth || !who) return;
  try {
    await api('DELETE', `/api/me/muted/${encodeURIComponent(authorId)}`, { token: auth.token });
    muted.delete(authorId);
    changed(box);
    if (!box) (mutedPanel.hidden ? document.getElementById('cw-title') : summary)?.focus(); // its entry is gone
    setNotice(t.mutes.undone(who.displayName));
  } catch (err) {
    const text = errorText(t, failure(err), t.mutes.errors);
    if (box?.isConnected) say(box, text, true);
    else setNotice(text, 'error');
  }
}

export function unmuteFromBox(box: HTMLElement, id: string): void {
  const authorId = known.get(id)?.author?.id;
  if (authorId) void unmute(authorId, box);
}

/** "Show": this one comment, as everyone sees it. */
export function reveal(box: HTMLElement, id: string): void {
  revealed.add(id);
  changed(box);
}

/**
 * Every comment shown whose author's mute changed becomes a placeholder or the comment again, in
 * place; the buttons (mute / unmute) and the list follow. Focus stays on the comment `from`.
 */
function changed(from?: HTMLElement): void {
  let focus: HTMLElement | null = null;
  document.querySelectorAll<HTMLElement>('.cw-comment[data-cid]:not(.cw-gone)').forEach((box) => {
    const c = known.get(box.dataset.cid!);
    if (!c || isMutedFor(c) === box.classList.contains('cw-muted')) return;
    const next = commentBox(c, box.classList.contains('cw-compact'));
    box.replaceWith(next);
    if (box === from) focus = next;
  });
  syncActions();
  renderList();
  (focus as HTMLElement | null)?.querySelector<HTMLElement>('.cw-actions button')?.focus();
}

function renderList(): void {
  clear(entries);
  for (const m of muted.values()) {
    entries.append(h('li', { class: 'cw-muted-entry' },
      h('span', { class: 'cw-name' }, m.displayName), ' ',
      h('button', { type: 'button', class: 'cw-link', onclick: () => void unmute(m.id) }, t.mutes.unmute)));
  }
  summary.textContent = t.mutes.list(muted.size);
  mutedPanel.hidden = muted.size === 0;
}
