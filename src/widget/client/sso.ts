/**
 * Sign-in with the site's own accounts. The host page gives embed.js the token the site signed
 * (data-sso-token, or NewsComments.setSsoToken), and embed.js posts it to this frame's origin
 * only; it is never in a URL. The frame asks for it when it starts, so a token set while the frame
 * was loading is not lost. It is exchanged at POST /auth/sso, unless the reader is already signed
 * in as the same site account, or with another provider, or signed out of the box from this very
 * token ("Log out" is not undone by the same token; the site's next one signs in again).
 */
import { api } from './api.js';
import { remembered, type Commenter } from './auth-store.js';
import { currentAuth, setAuth, setNotice, settings, t } from './context.js';

const provider = settings.providers.find((p) => p.id === 'sso');
/** The end of the token the reader signed out from. */
const declined = remembered('cw_sso_out');
/** The page's latest token, and the one last exchanged (a token with a jti is good once). */
let held: string | null = null;
let spent: string | null = null;
/** The reader pressed the button and the site's sign-in page is open: its token is for them, whatever was declined. */
let wanted = false;
let attempt = 0;

const tail = (token: string) => token.slice(-32);

/** A claim of the (unverified) token, only to compare with the session: the service checks the token. */
function claim(token: string, name: 'sub' | 'exp'): unknown {
  try {
    return (JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>)[name];
  } catch {
    return undefined;
  }
}

async function exchange(token: string): Promise<void> {
  const mine = ++attempt;
  wanted = false;
  spent = token;
  try {
    const issued = await api<{ token: string; expiresAt: string }>('POST', '/auth/sso', { body: { token } });
    const commenter = await api<Commenter>('GET', '/api/me', { token: issued.token, cache: 'no-store' });
    if (mine !== attempt) return;
    declined.write(null);
    setNotice('');
    setAuth({ ...issued, commenter, ssoSub: String(claim(token, 'sub')) });
  } catch {
    // A reader signed in already keeps that sign-in; otherwise the usual buttons, and why.
    if (mine === attempt && !currentAuth()) setNotice(t.ssoFailed, 'error');
  }
}

function received(token: string | null): void {
  if (token === held) return;
  held = token;
  const auth = currentAuth();
  if (!token) {
    // The site signed its reader out: so does the box, if it was signed in through the site.
    if (auth?.commenter.provider === 'sso') {
      setAuth(null);
      void api('POST', '/auth/logout', { token: auth.token }).catch(() => undefined);
    }
    return;
  }
  if (!wanted) {
    if (auth && (auth.commenter.provider !== 'sso' || auth.ssoSub === String(claim(token, 'sub')))) return;
    if (declined.read() === tail(token)) return;
  }
  void exchange(token);
}

/** "Log out": the token in hand signs nobody in again by itself. */
export function declineSsoToken(): void {
  if (held) declined.write(tail(held));
}

/**
 * The SSO button: the page's token if it is still good, else the site's sign-in page in a popup
 * opened by the host page (so that page can call window.opener.NewsComments.setSsoToken), else a
 * word that signing in happens on the site.
 */
export function ssoSignIn(): void {
  if (held && held !== spent && Number(claim(held, 'exp')) * 1000 > Date.now()) return void exchange(held);
  if (provider?.loginUrl) {
    wanted = true;
    window.parent.postMessage({ type: 'comments:sso', open: provider.loginUrl }, settings.host);
  } else setNotice(t.ssoOnSite(provider?.name ?? ''), 'info');
}

window.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as { type?: unknown; token?: unknown } | null;
  if (!provider || event.source !== window.parent || event.origin !== settings.host || data?.type !== 'comments:sso') return;
  received(typeof data.token === 'string' && data.token ? data.token : null);
});

if (provider && window.parent !== window) window.parent.postMessage({ type: 'comments:sso' }, settings.host);
