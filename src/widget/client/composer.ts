/** The form at the top: sign-in buttons, the signed-in reader's form, or the closed notice. */
import { commentForm } from './comment-form.js';
import { currentAuth, isClosed, onSessionChange, setNotice, settings, t } from './context.js';
import { avatar } from './comment-view.js';
import { clear, h } from './dom.js';
import { errorText } from './i18n.js';
import { Draft } from './posting.js';
import { logOut, providerButtons } from './sign-in.js';
import { accountMenu, startAccount } from './account.js';

export const composer = h('div', { class: 'cw-composer' });
const draft = new Draft();
/** Which form is shown, so that news that changes nothing keeps what the reader is typing. */
let showing = '';

function show(): void {
  const auth = currentAuth();
  const state = isClosed() ? 'closed' : auth ? `in:${auth.token}` : 'out';
  if (state === showing) return;
  showing = state;
  clear(composer);
  if (state === 'closed') composer.append(h('p', { class: 'cw-closed' }, t.closed));
  else if (!auth) composer.append(h('p', { class: 'cw-login' }, t.pleaseLogIn), providerButtons());
  else composer.append(signedIn());
}

function signedIn(): HTMLFormElement {
  const me = currentAuth()!.commenter;
  return commentForm({
    id: 'cw',
    label: t.label,
    submit: t.submit,
    placeholder: t.placeholder,
    top: h('div', { class: 'cw-me' },
      avatar(me),
      h('span', { class: 'cw-me-name' }, h('span', { class: 'cw-sr' }, t.signedInAs, ' '), me.displayName),
      h('button', { type: 'button', class: 'cw-link cw-logout', onclick: () => void logOut() }, t.logOut),
      accountMenu(),
    ),
    beside: h('a', { href: settings.policyUrl, target: '_blank', rel: 'noopener noreferrer', class: 'cw-policy' }, t.policy),
    send: async (text) => {
      setNotice('');
      const error = await draft.post(text);
      // Posted: its card and the "awaiting moderation" line take over, following its status (own-comments.ts).
      if (error) setNotice(errorText(t, error), 'error');
      return !error;
    },
  }).form;
}

export function startComposer(): void {
  onSessionChange(show);
  show();
  startAccount();
}
