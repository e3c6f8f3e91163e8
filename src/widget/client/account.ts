/** The reader's data and account, beside "Log out": the export download, and deleting the account (scheduled, cancellable). */
import { api } from './api.js';
import { closeSlot, openInSlot } from './comment-view.js';
import { currentAuth, failure, onSessionChange, setNotice, settings, t } from './context.js';
import { clear, h } from './dom.js';
import { absoluteTime, errorText } from './i18n.js';

/** The deletion date and its "Cancel deletion", under the reader's name while a deletion is scheduled. */
export const deletionNotice = h('p', { class: 'cw-deletion', role: 'status', hidden: true });
let deletionAt: string | null = null;

function showDeletion(): void {
  clear(deletionNotice);
  deletionNotice.hidden = !deletionAt || !currentAuth();
  if (!deletionAt) return;
  deletionNotice.append(
    t.account.scheduled(absoluteTime(settings.lang, deletionAt)), ' ',
    h('button', { type: 'button', class: 'cw-link cw-cancel-deletion', onclick: () => void cancelDeletion() }, t.account.cancelDeletion),
  );
}

async function download(): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  try {
    const response = await fetch('/api/me/export', { headers: { authorization: `Bearer ${auth.token}` }, credentials: 'omit', cache: 'no-store' });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { error?: string; retryAfter?: number };
      return setNotice(errorText(t, { error: body.error ?? 'OTHER', status: response.status, retryAfter: body.retryAfter }), 'error');
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'comments-data.json';
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch {
    setNotice(t.account.downloadFailed, 'error');
  }
}

function askToDelete(box: HTMLElement): void {
  const close = () => closeSlot(box);
  const ask = h('div', { class: 'cw-ask cw-delete-account' },
    h('p', {}, t.account.confirm),
    h('button', { type: 'button', class: 'cw-submit cw-danger cw-confirm-delete-account', onclick: () => void scheduleDeletion().then(close) }, t.account.confirmButton),
    ' ',
    h('button', { type: 'button', class: 'cw-link', onclick: close }, t.cancel));
  openInSlot(box, ask);
  ask.querySelector('button')?.focus();
}

async function scheduleDeletion(): Promise<void> {
  try {
    deletionAt = (await api<{ deletionAt: string }>('DELETE', '/api/me', { token: currentAuth()?.token })).deletionAt;
    showDeletion();
  } catch (err) {
    setNotice(errorText(t, failure(err)), 'error');
  }
}

async function cancelDeletion(): Promise<void> {
  try {
    await api('POST', '/api/me/deletion/cancel', { token: currentAuth()?.token });
    setNotice(t.account.cancelled);
  } catch (err) {
    const e = failure(err);
    if (e.error !== 'NO_DELETION_SCHEDULED') return setNotice(errorText(t, e), 'error');
  }
  deletionAt = null;
  showDeletion();
}

/** "Download my data" and "Delete my account", for the signed-in reader's row. */
export function accountMenu(): HTMLElement {
  const menu = h('div', { class: 'cw-account' },
    h('button', { type: 'button', class: 'cw-link cw-download-data', onclick: () => void download() }, t.account.download), ' ',
    h('button', { type: 'button', class: 'cw-link cw-delete-account-open', onclick: () => askToDelete(menu) }, t.account.remove),
    deletionNotice,
    h('div', { class: 'cw-slot' }));
  return menu;
}

/** Whether a deletion is scheduled: asked once per sign-in. */
export function startAccount(): void {
  let asked: string | undefined;
  const check = () => {
    const auth = currentAuth();
    if (auth?.token === asked) return;
    asked = auth?.token;
    deletionAt = null;
    showDeletion();
    if (!auth) return;
    void api<{ deletionAt?: string | null }>('GET', '/api/me', { token: auth.token, cache: 'no-store' }).then(
      (me) => {
        deletionAt = me.deletionAt ?? null;
        showDeletion();
      },
      () => undefined,
    );
  };
  onSessionChange(check);
  check();
}
