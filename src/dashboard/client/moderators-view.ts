import type { ModeratorView } from '../../moderators/moderator.entity.js';
import { ApiError, api, get, post, setCsrfToken } from './api.js';
import { clear, h } from './dom.js';
import type { Text } from './i18n.js';
import type { Me } from './model.js';
import { formatTime, own } from './words.js';

/** A row of GET /api/moderation/moderators. */
type Row = ModeratorView & { locked?: boolean };

export interface ModeratorsContext {
  t: Text;
  me: Me;
  stillShown: () => boolean;
  handleError: (err: unknown) => void;
  announce: (message: string) => void;
}

/** 401 means signed out (the dashboard's sign-in form); anything else is said where it happened. */
function showError(line: HTMLElement, ctx: Pick<ModeratorsContext, 't' | 'handleError'>, err: unknown): void {
  if (err instanceof ApiError && err.status === 401) return ctx.handleError(err);
  line.textContent = ctx.t.failed + (err as Error).message;
}

/** The Moderators tab (admins): every account with what the command line can do to it. */
export async function loadModerators(main: HTMLElement, ctx: ModeratorsContext, notice?: HTMLElement): Promise<void> {
  const { t } = ctx;
  try {
    const { items } = await get<{ items: Row[] }>('/api/moderation/moderators');
    if (!ctx.stillShown()) return;
    clear(main);
    const error = h('p', { class: 'error', role: 'alert', id: 'moderators-error' });
    const reload = (message?: HTMLElement) => loadModerators(main, ctx, message);
    const act: Act = async (work, done) => {
      try {
        const message = await work();
        ctx.announce(done);
        await reload(message instanceof HTMLElement ? message : undefined);
      } catch (err) {
        showError(error, ctx, err);
      }
    };
    main.append(
      h('h2', { id: 'view-title' }, t.moderators),
      notice ?? '',
      error,
      h(
        'table',
        { class: 'log moderators' },
        h('thead', {}, h('tr', {}, ...[t.email, t.role, t.status, t.lastSignIn, t.actions].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, ...items.map((m) => row(m, ctx, act))),
      ),
      addForm(ctx, reload),
    );
  } catch (err) {
    ctx.handleError(err);
  }
}

/** Runs a change, then draws the tab again (with what `work` returns above the table). */
type Act = (work: () => Promise<unknown>, done: string) => Promise<void>;

function row(m: Row, ctx: ModeratorsContext, act: Act): HTMLElement {
  const { t } = ctx;
  const self = m.id === ctx.me.id;
  const roleName = (r: string) => own(t.roles, r) ?? r;
  // Not on one's own row: an admin who demotes or disables themself cannot undo it.
  const role = self
    ? roleName(m.role)
    : h(
        'select',
        {
          class: 'role',
          'aria-label': t.roleOf(m.email),
          onchange: (e: Event) => {
            const to = (e.target as HTMLSelectElement).value;
            void act(() => api('PATCH', `/api/moderation/moderators/${m.id}`, { role: to }), t.roleChanged(m.email, roleName(to)));
          },
        },
        ...['moderator', 'admin'].map((r) => h('option', { value: r, selected: r === m.role }, roleName(r))),
      );
  const status = [own(t.accountStatuses, m.status) ?? m.status, m.locked ? ` · ${t.locked}` : ''].join('');
  const button = (label: string, name: string, onclick: () => void) => h('button', { type: 'button', 'data-action': name, onclick }, label);
  const path = `/api/moderation/moderators/${m.id}`;
  return h(
    'tr',
    { 'data-moderator': m.id, 'data-locked': m.locked ? 'true' : null },
    h('td', {}, m.email, self ? ` ${t.you}` : ''),
    h('td', {}, role),
    h('td', { class: 'status' }, status),
    h('td', {}, m.lastLoginAt ? h('time', { datetime: m.lastLoginAt }, formatTime(m.lastLoginAt)) : t.neverSignedIn),
    h(
      'td',
      { class: 'actions' },
      self
        ? null
        : m.status === 'disabled'
          ? button(t.enable, 'enable', () => void act(() => post(`${path}/enable`), t.enabledDone(m.email)))
          : button(t.disable, 'disable', () => void act(() => post(`${path}/disable`), t.disabledDone(m.email))),
      // The API answers idempotently, and a lock of one device's bucket is not in `locked`: always offered.
      button(t.unlock, 'unlock', () => void act(() => post(`${path}/unlock`), t.unlockedDone(m.email))),
      self
        ? null
        : button(t.resetPassword, 'reset-password', () => {
            if (!window.confirm(t.confirmReset(m.email))) return;
            void act(async () => oneTimePassword(t, m.email, (await post<{ password?: string }>(`${path}/reset-password`)).password ?? ''), t.resetDone(m.email));
          }),
    ),
  );
}

/** A generated password, shown once: in a read-only field, selected, so one copy takes it. */
function oneTimePassword(t: Text, email: string, password: string): HTMLElement {
  const field = h('input', { type: 'text', readonly: true, class: 'one-time-password', value: password, 'aria-label': t.passwordFor(email), size: password.length + 2 });
  field.addEventListener('focus', () => field.select());
  setTimeout(() => field.isConnected && field.focus(), 0);
  return h('p', { class: 'one-time', role: 'status' }, t.passwordFor(email), ' ', field, ' ', h('span', { class: 'hint' }, t.copyHint));
}

function addForm(ctx: ModeratorsContext, reload: (notice?: HTMLElement) => Promise<void>): HTMLElement {
  const { t } = ctx;
  const email = h('input', { id: 'new-email', type: 'email', required: true });
  const role = h('select', { id: 'new-role' }, ...['moderator', 'admin'].map((r) => h('option', { value: r }, own(t.roles, r) ?? r)));
  const output = h('p', { role: 'status' });
  const form = h('form', { class: 'add-moderator' }, h('label', { for: 'new-email' }, t.email), email, h('label', { for: 'new-role' }, t.role), role, h('button', { type: 'submit' }, t.add), output);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await post<{ password?: string }>('/api/moderation/moderators', { email: email.value, role: role.value });
      await reload();
      if (created.password) document.querySelector('.add-moderator p')!.textContent = `${t.newPassword} ${created.password}`;
    } catch (err) {
      showError(output, ctx, err);
    }
  });
  return form;
}

/** "My account", for every moderator: their own password, in a dialog. */
export function openAccount(ctx: Omit<ModeratorsContext, 'stillShown'>): void {
  const { t } = ctx;
  document.getElementById('account')?.remove();
  const field = (id: string, label: string, autocomplete: string) => [
    h('label', { for: id }, label),
    h('input', { id, name: id, type: 'password', autocomplete, required: true, maxlength: 200, ...(id === 'current-password' ? {} : { minlength: 12 }) }),
  ];
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'account', method: 'dialog' },
    // Lets password managers tie the new password to this account.
    h('input', { type: 'email', autocomplete: 'username', value: ctx.me.email, readonly: true, hidden: true }),
    ...field('current-password', t.currentPassword, 'current-password'),
    ...field('new-password', t.newPasswordLabel, 'new-password'),
    h('p', { class: 'hint' }, t.passwordRule),
    ...field('confirm-password', t.confirmPassword, 'new-password'),
    error,
    h('button', { type: 'submit' }, t.changePassword),
    h('button', { type: 'button', class: 'link', onclick: () => d.close() }, t.cancel),
  );
  const d = h('dialog', { id: 'account', 'aria-labelledby': 'account-title' }, h('h2', { id: 'account-title' }, t.myAccount), h('p', {}, ctx.me.email), form);
  const value = (id: string) => (form.querySelector(`#${id}`) as HTMLInputElement).value;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (value('new-password') !== value('confirm-password')) {
      error.textContent = t.passwordsDiffer;
      return;
    }
    try {
      const answer = await post<{ csrfToken?: string }>('/api/moderation/me/password', { currentPassword: value('current-password'), newPassword: value('new-password') });
      // The server re-issued this browser's session (every earlier one has ended): use its CSRF token from now on.
      if (answer.csrfToken) setCsrfToken(answer.csrfToken);
      const close = h('button', { type: 'button', onclick: () => d.close() }, t.close);
      form.replaceWith(h('p', { role: 'status', class: 'done' }, t.passwordChanged), close);
      close.focus();
    } catch (err) {
      showError(error, ctx, err);
    }
  });
  d.addEventListener('close', () => d.remove());
  document.body.append(d);
  d.showModal();
  (form.querySelector('#current-password') as HTMLInputElement).focus();
}
