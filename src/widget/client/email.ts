/**
 * E-mail in the bell's settings, shown only when the service can send mail: the reader adds an address,
 * confirms it through the link mailed to it, then picks per type immediately, a daily digest, or off.
 * The link is usually opened in another tab, so the panel asks again when it opens or the page shows
 * (loadEmail); re-drawn only when the state changed, so a reader's focus stays where it was.
 */
import { api } from './api.js';
import { currentAuth, failure, onSessionChange, settings, t } from './context.js';
import { clear, h } from './dom.js';
import { errorText } from './i18n.js';

export type EmailMode = 'immediate' | 'digest' | 'off';
type NotificationType = keyof typeof t.notifications.types;
export type EmailModes = Partial<Record<NotificationType, EmailMode>>;

interface EmailState {
  available: boolean;
  address: string | null;
  confirmed: boolean;
  confirmationSentAt?: string | null;
}

const words = t.email;
const MODES: EmailMode[] = ['immediate', 'digest', 'off'];
const status = h('p', { id: 'cw-email-status', class: 'cw-email-status', role: 'status', 'aria-live': 'polite' });
const body = h('div', { class: 'cw-email-body' });
export const emailSection = h('fieldset', { class: 'cw-email', hidden: true }, h('legend', {}, words.title), body, status);

let state: EmailState | null = null;
let modes: EmailModes = {};
let editing = false;
let drawn = '';
let busy = false;

function say(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('cw-error', error);
}

function sayFailure(err: unknown): string {
  const info = failure(err);
  say(errorText(t, info, words.errors), true);
  return info.error;
}

/** Asks the service what it has now (after the panel opens, or when the page shows again). */
export async function loadEmail(): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  try {
    const next = await api<EmailState>('GET', '/api/me/email', { token, cache: 'no-store' });
    if (currentAuth()?.token !== token) return;
    const justConfirmed = !!state && !state.confirmed && state.address === next.address && next.confirmed;
    show(next);
    if (justConfirmed) say(words.nowConfirmed(next.address!));
  } catch (err) {
    failure(err);
    if (!state) emailSection.hidden = true;
  }
}

/** The e-mail modes from GET/PUT /api/me/preferences. */
export function showModes(next: EmailModes | undefined): void {
  modes = { ...modes, ...next };
  body.querySelectorAll('select').forEach((select) => {
    const mode = modes[select.name.slice('email-'.length) as NotificationType];
    if (mode) select.value = mode;
  });
}

function show(next: EmailState | null): void {
  state = next;
  if (!state?.address) editing = false;
  emailSection.hidden = !state?.available;
  const key = state ? `${state.address}|${state.confirmed}|${editing}` : '';
  if (key === drawn) return;
  drawn = key;
  clear(body);
  if (!state?.available) return;
  if (!state.address || editing) body.append(addressForm(state.address));
  else if (!state.confirmed) body.append(pendingView(state.address));
  else body.append(confirmedView(state.address));
}

/** Focus on the new view's first control: the one the reader used is gone. */
function focusFirst(): void {
  body.querySelector<HTMLElement>('input, button, select')?.focus();
}

function addressForm(current: string | null): HTMLElement {
  const input = h('input', {
    type: 'email', id: 'cw-email-address', name: 'email', class: 'cw-email-input', autocomplete: 'email', inputmode: 'email',
    autocapitalize: 'off', spellcheck: 'false', maxlength: 254, required: true, value: current ?? '', 'aria-describedby': status.id,
  });
  const form = h('form', { class: 'cw-email-form', novalidate: true },
    h('p', { class: 'cw-email-text' }, words.intro),
    h('label', { for: input.id, class: 'cw-form-label' }, words.address),
    h('div', { class: 'cw-email-row' },
      input,
      h('button', { type: 'submit', class: 'cw-submit cw-email-send' }, words.send),
      current ? h('button', { type: 'button', class: 'cw-link cw-email-cancel', onclick: () => stopEditing() }, t.cancel) : null,
    ),
  );
  input.addEventListener('input', () => input.removeAttribute('aria-invalid'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void saveAddress(input);
  });
  return form;
}

function pendingView(address: string): HTMLElement {
  return h('div', { class: 'cw-email-pending' },
    h('p', { class: 'cw-email-text' }, words.pending(address)),
    h('div', { class: 'cw-email-row' },
      h('button', { type: 'button', class: 'cw-link cw-email-again', onclick: () => void resend() }, words.again),
      h('button', { type: 'button', class: 'cw-link cw-email-remove', onclick: () => void remove() }, words.remove),
    ),
  );
}

function confirmedView(address: string): HTMLElement {
  const choices = h('fieldset', { class: 'cw-email-modes' }, h('legend', {}, words.modesTitle));
  for (const type of Object.keys(t.notifications.types) as NotificationType[]) {
    const select = h('select', { id: `cw-email-${type}`, name: `email-${type}`, class: 'cw-email-mode-select' },
      ...MODES.map((mode) => h('option', { value: mode, selected: modes[type] === mode }, words.modes[mode])));
    select.addEventListener('change', () => void saveMode(type, select));
    choices.append(h('div', { class: 'cw-email-mode' }, h('label', { for: select.id }, t.notifications.types[type]), select));
  }
  return h('div', { class: 'cw-email-confirmed' },
    h('p', { class: 'cw-email-text' }, words.confirmed(address)),
    h('div', { class: 'cw-email-row' },
      h('button', { type: 'button', class: 'cw-link cw-email-change', onclick: () => startEditing() }, words.change),
      h('button', { type: 'button', class: 'cw-link cw-email-remove', onclick: () => void remove() }, words.remove),
    ),
    choices,
  );
}

function startEditing(): void {
  editing = true;
  show(state);
  say('');
  body.querySelector('input')?.select();
}

function stopEditing(): void {
  editing = false;
  show(state);
  say('');
  focusFirst();
}

/** One call at a time: a second click while the first is on its way does nothing. */
async function once(action: (token: string) => Promise<void>): Promise<void> {
  const token = currentAuth()?.token;
  if (!token || busy) return;
  busy = true;
  body.setAttribute('aria-busy', 'true');
  try {
    await action(token);
  } finally {
    busy = false;
    body.removeAttribute('aria-busy');
  }
}

function saveAddress(input: HTMLInputElement): Promise<void> {
  return once(async (token) => {
    const address = input.value.trim();
    try {
      const next = await api<EmailState>('PUT', '/api/me/email', { token, body: { address, language: settings.lang } });
      editing = false;
      show(next);
      say(next.confirmed ? words.confirmed(next.address ?? address) : words.sent(next.address ?? address));
      focusFirst();
    } catch (err) {
      if (sayFailure(err) === 'VALIDATION_FAILED') input.setAttribute('aria-invalid', 'true');
      input.focus();
    }
  });
}

function resend(): Promise<void> {
  return once(async (token) => {
    try {
      await api('POST', '/api/me/email/resend', { token });
      say(words.sent(state?.address ?? ''));
    } catch (err) {
      // NO_EMAIL_PENDING: most likely confirmed in another tab meanwhile.
      if (sayFailure(err) === 'NO_EMAIL_PENDING') await loadEmail();
    }
  });
}

function remove(): Promise<void> {
  return once(async (token) => {
    try {
      await api('DELETE', '/api/me/email', { token });
      show(state && { ...state, address: null, confirmed: false, confirmationSentAt: null });
      say(words.removed);
      focusFirst();
    } catch (err) {
      sayFailure(err);
    }
  });
}

/** Not disabled while saving: a keyboard reader moves through the options with the arrows, each a change. */
let saving = 0;
async function saveMode(type: NotificationType, select: HTMLSelectElement): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  const mine = ++saving;
  try {
    const next = await api<{ email?: EmailModes }>('PUT', '/api/me/preferences', { token, body: { email: { [type]: select.value } } });
    if (mine === saving) {
      showModes(next.email);
      say(words.saved);
    }
  } catch (err) {
    if (mine === saving) showModes({});
    sayFailure(err);
  }
}

let reader = currentAuth()?.token;
onSessionChange(() => {
  if (currentAuth()?.token === reader) return;
  reader = currentAuth()?.token;
  modes = {};
  show(null);
  say('');
});
