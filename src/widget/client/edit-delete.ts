/**
 * The author's edit (within the window, the same counter as a new comment; moderated again, so it
 * shows as pending until published) and deletion (after a confirmation; gone at once, put back if
 * the service refuses).
 */
import { normalizeComment } from '../../comments/comment-length.js';
import { api } from './api.js';
import { removed } from './changes.js';
import { commentForm } from './comment-form.js';
import { closeSlot, openInSlot, say } from './comment-view.js';
import { currentAuth, failure, setNotice, t } from './context.js';
import { h } from './dom.js';
import { errorText } from './i18n.js';
import { currentTotal, setTotal } from './list.js';
import { forget, remember } from './own-comments.js';
import { known, own } from './state.js';

let forms = 0;

export function openEdit(box: HTMLElement, id: string): void {
  const o = own.get(id);
  if (!o) return;
  const shown = known.get(id);
  const close = () => closeSlot(box, 'edit');
  const { form, textarea } = commentForm({
    id: `cw-e${++forms}`,
    label: t.editLabel,
    submit: t.save,
    initial: o.pendingBody ?? shown?.body ?? o.body,
    onCancel: close,
    send: async (text) => {
      const auth = currentAuth();
      if (!auth) return false;
      try {
        await api('PATCH', `/api/comments/${encodeURIComponent(id)}`, { token: auth.token, body: { body: text } });
        const body = normalizeComment(text);
        const editCount = (o.editCount ?? 0) + 1;
        // A published comment keeps its public text until the edit passes; an unpublished one is simply checked again.
        remember(o.status === 'published' ? { ...o, pendingBody: body, editCount } : { ...o, body, status: 'pending', editCount });
        if (box.isConnected) {
          close();
          say(box, t.editSent);
        }
        return true;
      } catch (err) {
        const info = failure(err);
        say(box, errorText(t, info), true);
        // The window closed, the edits ran out, or the comment is gone: no more edit button (CONFLICT is worth a retry).
        if (info.status === 409 && info.error !== 'CONFLICT') remember({ ...o, editableUntil: null });
        return false;
      }
    },
  });
  box.classList.add('cw-editing');
  openInSlot(box, form);
  textarea.focus();
}

export function confirmDelete(box: HTMLElement, id: string): void {
  const cancel = () => closeSlot(box, 'delete');
  const no = h('button', { type: 'button', class: 'cw-link', onclick: cancel }, t.cancel);
  const question = h('div', { class: 'cw-confirm', role: 'group', 'aria-label': t.deleteConfirm },
    h('p', {}, t.deleteConfirm),
    h('button', { type: 'button', class: 'cw-submit cw-danger', onclick: () => void remove(box, id) }, t.delete),
    no,
  );
  question.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && cancel());
  openInSlot(box, question);
  no.focus();
}

async function remove(box: HTMLElement, id: string): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  const item = box.closest('li')!;
  const c = known.get(id);
  const o = own.get(id);
  const listed = !!c && !c.deleted && (!o || o.status === 'published');
  // Focus moves on before the item goes: to its neighbour, else to the heading.
  const neighbour = (item.nextElementSibling ?? item.previousElementSibling)?.querySelector<HTMLElement>('button') ?? document.getElementById('cw-title');
  item.hidden = true;
  neighbour?.focus();
  try {
    await api('DELETE', `/api/comments/${encodeURIComponent(id)}`, { token: auth.token });
    forget(id);
    if (listed) {
      const placeholder = !c.parentId && c.replyCount > 0 ? { ...c, deleted: true as const, body: null, author: null } : null;
      if (removed(id, c.parentId, placeholder)) setTotal(currentTotal() - 1);
    }
    item.hidden = false; // a placeholder stays in its place
    setNotice(t.deleted);
  } catch (err) {
    item.hidden = false;
    closeSlot(box);
    say(box, errorText(t, failure(err)), true);
  }
}
