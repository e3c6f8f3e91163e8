import { escapeHtml, htmlPage, jsonForHtml } from '../common/html.js';
import type { CommenterView } from './auth.service.js';
import type { Lang } from '../common/language.js';

export type SignInFailure = 'denied' | 'state' | 'expired' | 'provider';

export const FAILURE_STATUS: Record<SignInFailure, number> = { denied: 401, state: 403, expired: 400, provider: 400 };

const TEXT = {
  en: {
    title: 'Sign-in',
    success: 'You are signed in. You can close this window.',
    back: 'Back to the article',
    close: 'Close this window',
    denied: 'Sign-in was cancelled, so you are not signed in. You can try again from the comment box.',
    state: 'This sign-in link is not valid any more (it was already used or did not start here). Please start again from the comment box.',
    expired: 'The sign-in took too long or was already completed. Please start again from the comment box.',
    provider: 'The sign-in service reported a problem. Please try again in a moment.',
  },
  ko: {
    title: '로그인',
    success: '로그인되었습니다. 이 창을 닫아도 됩니다.',
    back: '기사로 돌아가기',
    close: '창 닫기',
    denied: '로그인이 취소되어 로그인되지 않았습니다. 댓글 창에서 다시 시도해 주세요.',
    state: '이 로그인 링크는 더 이상 유효하지 않습니다(이미 사용되었거나 이곳에서 시작되지 않았습니다). 댓글 창에서 다시 시작해 주세요.',
    expired: '로그인 시간이 초과되었거나 이미 완료되었습니다. 댓글 창에서 다시 시작해 주세요.',
    provider: '로그인 서비스에서 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.',
  },
} as const;

export interface PopupMessage {
  type: 'comments:auth';
  ok: boolean;
  commenter?: CommenterView;
  token?: string;
  expiresAt?: string;
  reason?: SignInFailure;
}

function page(lang: Lang, body: string, script?: { data: unknown }): string {
  const t = TEXT[lang];
  return htmlPage({
    lang,
    title: t.title,
    head: `<meta name="referrer" content="no-referrer">
<style>
body{font:16px/1.6 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Noto Sans KR","Segoe UI",sans-serif;color:#1a1a1a;background:#f6f6f4;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;max-width:28rem;margin:1rem;padding:2rem;border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.12)}
a,button{color:#0b57d0;font:inherit}
button{background:none;border:1px solid #0b57d0;border-radius:4px;padding:.4rem .9rem;cursor:pointer}
</style>`,
    body: `<body><main role="main">${body}</main>
${script ? `<script type="application/json" id="auth-result">${jsonForHtml(script.data)}</script>\n<script src="/auth/popup.js"></script>` : ''}
</body>`,
  });
}

/** The page the sign-in popup lands on: hands the result to the widget that opened it, then closes. */
export function popupResultPage(lang: Lang, message: PopupMessage, targetOrigin: string, returnTo: string): string {
  const t = TEXT[lang];
  const text = message.ok ? t.success : t[message.reason ?? 'provider'];
  return page(
    lang,
    `<p role="status">${escapeHtml(text)}</p><p><button type="button" id="close">${escapeHtml(t.close)}</button></p>`,
    { data: { message, targetOrigin, returnTo, close: message.ok } },
  );
}

export function failurePage(lang: Lang, reason: SignInFailure, returnTo: string): string {
  const t = TEXT[lang];
  return page(lang, `<p role="alert">${escapeHtml(t[reason])}</p><p><a href="${escapeHtml(returnTo)}">${escapeHtml(t.back)}</a></p>`);
}

/** Static script for the popup page (the CSP allows no inline scripts). */
export const POPUP_SCRIPT = `(function () {
  var el = document.getElementById('auth-result');
  if (!el) return;
  var data = JSON.parse(el.textContent);
  var closeButton = document.getElementById('close');
  if (closeButton) closeButton.addEventListener('click', function () { window.close(); });
  if (window.opener && !window.opener.closed) {
    try { window.opener.postMessage(data.message, data.targetOrigin); } catch (e) {}
    if (data.close) window.close();
  } else if (data.close) {
    window.location.replace(data.returnTo);
  }
})();
`;
