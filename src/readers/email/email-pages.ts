import { escapeHtml, htmlPage } from '../../common/html.js';
import type { Lang } from '../../common/language.js';
import type { UnsubscribeScope } from './email-tokens.js';

const STYLE = `<style>body{font-family:-apple-system,'Malgun Gothic',sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#222;line-height:1.5}
button{font:inherit;padding:8px 16px;border:0;border-radius:4px;background:#1a5fb4;color:#fff;cursor:pointer}</style>`;

const WORDS = {
  en: {
    confirmed: 'Your address is confirmed',
    confirmedBody: (address: string) => `Comment notifications will be sent to ${address}. You can change this in the comment settings at any time.`,
    invalid: 'This link does not work',
    invalidBody: 'It was used already, or a newer link replaced it.',
    expired: 'This link has expired',
    expiredBody: 'Ask for a new one in the comment settings.',
    unsubscribe: 'Unsubscribe',
    unsubscribeBody: (what: string) => `Stop e-mails for: ${what}?`,
    unsubscribed: 'Unsubscribed',
    unsubscribedBody: (what: string) => `No more e-mails for: ${what}. You can turn them on again in the comment settings.`,
    scopes: {
      all: 'all notifications',
      reply: 'replies to my comments',
      published: 'my comment published',
      rejected: 'my comment not published',
      featured: "editor's picks",
      warning: 'messages from the editors',
    } satisfies Record<UnsubscribeScope, string>,
  },
  ko: {
    confirmed: '이메일 주소가 확인되었습니다',
    confirmedBody: (address: string) => `댓글 알림이 ${address}(으)로 발송됩니다. 댓글 설정에서 언제든 바꿀 수 있습니다.`,
    invalid: '쓸 수 없는 링크입니다',
    invalidBody: '이미 사용되었거나 새 링크로 바뀌었습니다.',
    expired: '링크가 만료되었습니다',
    expiredBody: '댓글 설정에서 새 링크를 요청해 주세요.',
    unsubscribe: '수신 거부',
    unsubscribeBody: (what: string) => `${what} 이메일을 더 받지 않으시겠습니까?`,
    unsubscribed: '수신 거부되었습니다',
    unsubscribedBody: (what: string) => `${what} 이메일을 더 보내지 않습니다. 댓글 설정에서 다시 켤 수 있습니다.`,
    scopes: {
      all: '모든 알림',
      reply: '내 댓글에 달린 답글',
      published: '내 댓글 게시',
      rejected: '내 댓글 미게시',
      featured: '편집자 추천',
      warning: '편집자 안내',
    } satisfies Record<UnsubscribeScope, string>,
  },
};

function page(lang: Lang, title: string, body: string): string {
  return htmlPage({ lang, title, head: STYLE, body: `<body>\n<h1>${escapeHtml(title)}</h1>\n${body}\n</body>` });
}

export const emailPages = {
  confirmed: (lang: Lang, address: string) => page(lang, WORDS[lang].confirmed, `<p>${escapeHtml(WORDS[lang].confirmedBody(address))}</p>`),
  invalid: (lang: Lang) => page(lang, WORDS[lang].invalid, `<p>${escapeHtml(WORDS[lang].invalidBody)}</p>`),
  expired: (lang: Lang) => page(lang, WORDS[lang].expired, `<p>${escapeHtml(WORDS[lang].expiredBody)}</p>`),
  /** RFC 8058: a GET only shows this; the button POSTs. */
  unsubscribe: (lang: Lang, scope: UnsubscribeScope, token: string) =>
    page(
      lang,
      WORDS[lang].unsubscribe,
      `<p>${escapeHtml(WORDS[lang].unsubscribeBody(WORDS[lang].scopes[scope]))}</p>
<form method="post" action="/api/email/unsubscribe?token=${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${escapeHtml(WORDS[lang].unsubscribe)}</button>
</form>`,
    ),
  unsubscribed: (lang: Lang, scope: UnsubscribeScope) =>
    page(lang, WORDS[lang].unsubscribed, `<p>${escapeHtml(WORDS[lang].unsubscribedBody(WORDS[lang].scopes[scope]))}</p>`),
};
