/** Signing in by popup on the service's own origin (or the site's own, for SSO), and out; the sign-in buttons wherever they are asked for. */
import { api } from './api.js';
import type { Commenter } from './auth-store.js';
import { closeSlot, openInSlot } from './comment-view.js';
import { currentAuth, setAuth, setNotice, settings, t } from './context.js';
import { h } from './dom.js';
import { declineSsoToken, ssoSignIn } from './sso.js';

let popup: Window | null = null;

function signIn(provider: string): void {
  if (provider === 'sso') return ssoSignIn();
  // The service refuses a returnTo over 1,000 characters; the site's front page will do then.
  const article = settings.articleUrl ?? settings.host;
  const returnTo = article.length <= 1000 ? article : settings.host;
  popup = window.open(`/auth/${provider}?popup=1&returnTo=${encodeURIComponent(returnTo)}`, 'cw-sign-in', 'popup,width=520,height=680');
  if (!popup) setNotice(t.popupBlocked, 'error');
}

/** The popup answers with postMessage from the service's origin. */
window.addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== settings.origin || (popup && event.source !== popup)) return;
  const data = event.data as { type?: string; ok?: boolean; token?: string; expiresAt?: string; commenter?: Commenter } | null;
  if (data?.type !== 'comments:auth') return;
  popup = null;
  if (!data.ok || !data.token || !data.commenter || !data.expiresAt) {
    setNotice(t.signInFailed, 'error');
    return;
  }
  setNotice('');
  setAuth({ token: data.token, expiresAt: data.expiresAt, commenter: data.commenter });
});

export async function logOut(): Promise<void> {
  const token = currentAuth()?.token;
  declineSsoToken();
  setAuth(null);
  if (token) await api('POST', '/auth/logout', { token }).catch(() => undefined);
}

export function providerButtons(): HTMLElement {
  if (!settings.providers.length) return h('p', {}, t.noProviders);
  return h('div', { class: 'cw-providers' }, ...settings.providers.map((p) =>
    h('button', { type: 'button', class: `cw-provider cw-${p.id}`, 'data-provider': p.id, onclick: () => signIn(p.id) }, t.logInWith(p.name))));
}

/** Asked where the reader tried something that needs signing in (a reaction, a reply). */
export function askToSignIn(box: HTMLElement, text: string): void {
  const close = () => closeSlot(box);
  const ask = h('div', { class: 'cw-ask' }, h('p', { class: 'cw-login' }, text), providerButtons(),
    h('button', { type: 'button', class: 'cw-link', onclick: close }, t.cancel));
  ask.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Escape' && close());
  openInSlot(box, ask);
  ask.querySelector('button')?.focus();
}
