import { escapeHtml } from '../common/html.js';
import type { Lang } from '../common/language.js';
import type { CommenterView } from '../auth/auth.service.js';

const TEXT = {
  en: {
    title: 'News comments',
    intro: 'The comment service is running. Sign in the way a reader would:',
    signedIn: 'Signed in as',
    signOut: 'Sign out',
    with: 'Sign in with',
    emulator: 'Sign-in goes to the local emulator (development): pick any name, no real account is used.',
    none: 'No sign-in provider is configured: set TWITTER_* or FACEBOOK_* (see README).',
    links: 'API reference',
  },
  ko: {
    title: '뉴스 댓글',
    intro: '댓글 서비스가 실행 중입니다. 독자처럼 로그인해 보세요:',
    signedIn: '로그인 계정:',
    signOut: '로그아웃',
    with: '로그인:',
    emulator: '로그인은 로컬 에뮬레이터로 연결됩니다(개발용). 아무 이름이나 고르면 되며 실제 계정은 쓰이지 않습니다.',
    none: '로그인 제공자가 설정되지 않았습니다. TWITTER_* 또는 FACEBOOK_* 를 설정하세요(README 참고).',
    links: 'API 문서',
  },
} as const;

const NAMES = { twitter: 'Twitter', facebook: 'Facebook' } as const;

export function homePage(lang: Lang, me: CommenterView | null, providers: Array<'twitter' | 'facebook'>, emulator: boolean): string {
  const t = TEXT[lang];
  const account = me
    ? `<p class="me">${me.avatarUrl ? `<img src="${escapeHtml(me.avatarUrl)}" alt="" width="40" height="40">` : ''}
<span>${escapeHtml(t.signedIn)} <strong>${escapeHtml(me.displayName)}</strong> (${escapeHtml(NAMES[me.provider])})</span>
<button type="button" id="sign-out">${escapeHtml(t.signOut)}</button></p>`
    : providers.length
      ? `<p>${escapeHtml(t.intro)}</p><p class="providers">${providers
          .map((p) => `<a class="button ${p}" href="/auth/${p}?returnTo=/">${escapeHtml(t.with)} ${NAMES[p]}</a>`)
          .join(' ')}</p>`
      : `<p>${escapeHtml(t.none)}</p>`;
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(t.title)}</title>
<style>
body{font:16px/1.6 -apple-system,BlinkMacSystemFont,"Apple SD Gothic Neo","Noto Sans KR","Segoe UI",sans-serif;color:#1a1a1a;max-width:40rem;margin:2rem auto;padding:0 1rem}
.button{display:inline-block;padding:.5rem 1rem;border-radius:4px;color:#fff;text-decoration:none;margin:.25rem .5rem .25rem 0}
.twitter{background:#0f1419}.facebook{background:#1877f2}
.me{display:flex;gap:.75rem;align-items:center}.me img{border-radius:50%}
button{font:inherit;padding:.3rem .8rem}
small{color:#555}
</style>
</head>
<body>
<h1>${escapeHtml(t.title)}</h1>
${account}
${emulator ? `<p><small>${escapeHtml(t.emulator)}</small></p>` : ''}
<p><a href="/api/docs">${escapeHtml(t.links)}</a> · <a href="/health/ready">/health/ready</a></p>
<script src="/home.js"></script>
</body>
</html>`;
}

export const HOME_SCRIPT = `(function () {
  var button = document.getElementById('sign-out');
  if (!button) return;
  button.addEventListener('click', function () {
    fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' }).then(function () { window.location.reload(); });
  });
})();
`;
