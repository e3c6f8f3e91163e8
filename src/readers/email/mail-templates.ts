import { escapeHtml } from '../../common/html.js';
import type { NotificationType } from '../notifications/notification.entity.js';
import type { MailLanguage } from './reader-email.entity.js';
import { reasonInWords } from '../../common/reason-words.js';

/** One notification as a mail shows it. */
export interface MailItem {
  type: NotificationType;
  /** articleUrl#comment-<id>, when the article's URL is a web address. */
  link: string | null;
  /** reply: who replied (null once their account is deleted). */
  actorName: string | null;
  /** The comment's text: the reply for `reply`, the reader's own otherwise. */
  text: string | null;
  /** rejected: the reason code. */
  reason: string | null;
  /** warning: the editors' message. */
  message: string | null;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** User text in a mail is cut here (a comment is at most 250 characters; a warning 500). */
const TEXT_MAX = 600;

const WORDS = {
  en: {
    headline: {
      reply: (name: string | null) => `${name ?? 'Someone'} replied to your comment`,
      published: () => 'Your comment was published',
      rejected: () => 'Your comment was not published',
      featured: () => "Your comment was chosen as an editor's pick",
      warning: () => 'The editors sent you a message',
    } satisfies Record<NotificationType, (name: string | null) => string>,
    several: (n: number) => `${n} new notifications about your comments`,
    replies: (n: number) => `${n} new replies to your comment`,
    digest: (n: number) => `Your daily summary: ${n} notification${n === 1 ? '' : 's'}`,
    more: (n: number) => `…and ${n} more.`,
    reason: 'Reason:',
    open: 'Open the comment',
    footer: 'You get this mail because you turned on e-mail notifications.',
    unsubscribe: 'Unsubscribe',
    confirmSubject: 'Confirm your e-mail address',
    confirmBody: (hours: number) => `Please confirm that you want comment notifications at this address. The link works once, for ${hours} hours.`,
    confirmButton: 'Confirm my address',
    confirmIgnore: 'If you did not ask for this, ignore this mail: nothing will be sent.',
  },
  ko: {
    headline: {
      reply: (name: string | null) => (name ? `${name}님이 내 댓글에 답글을 남겼습니다` : '누군가가 내 댓글에 답글을 남겼습니다'),
      published: () => '내 댓글이 게시되었습니다',
      rejected: () => '내 댓글이 게시되지 않았습니다',
      featured: () => '내 댓글이 편집자 추천 댓글로 선정되었습니다',
      warning: () => '편집자가 안내를 보냈습니다',
    } satisfies Record<NotificationType, (name: string | null) => string>,
    several: (n: number) => `내 댓글 관련 새 알림 ${n}개`,
    replies: (n: number) => `내 댓글에 새 답글 ${n}개`,
    digest: (n: number) => `오늘의 알림 요약: ${n}개`,
    more: (n: number) => `…외 ${n}개`,
    reason: '사유:',
    open: '댓글 보기',
    footer: '이메일 알림을 켜 두셨기 때문에 이 메일을 받으셨습니다.',
    unsubscribe: '수신 거부',
    confirmSubject: '이메일 주소를 확인해 주세요',
    confirmBody: (hours: number) => `이 주소로 댓글 알림을 받으시려면 확인해 주세요. 링크는 한 번만, ${hours}시간 동안 쓸 수 있습니다.`,
    confirmButton: '이메일 주소 확인',
    confirmIgnore: '요청하지 않으셨다면 이 메일을 무시해 주세요. 아무것도 발송되지 않습니다.',
  },
};

/** One line of user text for a mail: no control characters, cut at TEXT_MAX. */
function clip(value: string | null): string | null {
  if (!value) return null;
  const text = value.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  if (!text) return null;
  return [...text].length > TEXT_MAX ? [...text].slice(0, TEXT_MAX).join('') + '…' : text;
}

function describe(lang: MailLanguage, item: MailItem): { headline: string; lines: string[] } {
  const w = WORDS[lang];
  const lines: string[] = [];
  const text = clip(item.type === 'warning' ? item.message : item.text);
  if (text) lines.push(text);
  if (item.type === 'rejected' && item.reason) lines.push(`${w.reason} ${reasonInWords(lang, item.reason)}`);
  return { headline: w.headline[item.type](clip(item.actorName)), lines };
}

function layout(lang: MailLanguage, title: string, textBody: string[], htmlBody: string, unsubscribeUrl: string): RenderedMail {
  const w = WORDS[lang];
  const text = [...textBody, '', '--', w.footer, `${w.unsubscribe}: ${unsubscribeUrl}`, ''].join('\n');
  const html = `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;font-family:-apple-system,'Malgun Gothic',sans-serif;color:#222;line-height:1.5">
<div style="max-width:560px;margin:0 auto">
${htmlBody}
<hr style="border:0;border-top:1px solid #ddd;margin:24px 0 12px">
<p style="color:#777;font-size:12px">${escapeHtml(w.footer)} <a href="${escapeHtml(unsubscribeUrl)}" style="color:#777">${escapeHtml(w.unsubscribe)}</a></p>
</div></body></html>
`;
  return { subject: title, text, html };
}

function itemsBody(lang: MailLanguage, items: MailItem[]): { text: string[]; html: string } {
  const text: string[] = [];
  const html: string[] = [];
  for (const item of items) {
    const { headline, lines } = describe(lang, item);
    text.push(headline, ...lines.map((line) => `  ${line}`), ...(item.link ? [`  ${item.link}`] : []), '');
    html.push(
      `<div style="margin:0 0 16px"><p style="margin:0 0 4px;font-weight:bold">${escapeHtml(headline)}</p>` +
        lines.map((line) => `<p style="margin:0 0 4px;white-space:pre-wrap">${escapeHtml(line)}</p>`).join('') +
        (item.link ? `<p style="margin:0"><a href="${escapeHtml(item.link)}">${escapeHtml(WORDS[lang].open)}</a></p>` : '') +
        '</div>',
    );
  }
  return { text, html: html.join('\n') };
}

/** An immediate mail: one notification, or those of one thread that waited for its window. */
/** An immediate mail: `items` shown, `more` older ones of the same thread counted. */
export function renderNotifications(lang: MailLanguage, items: MailItem[], more: number, unsubscribeUrl: string): RenderedMail {
  const w = WORDS[lang];
  const all = items.length + more;
  const subject = all === 1 ? describe(lang, items[0]!).headline : items.every((item) => item.type === 'reply') ? w.replies(all) : w.several(all);
  const body = itemsBody(lang, items);
  if (more > 0) {
    body.text.push(w.more(more));
    body.html += `\n<p>${escapeHtml(w.more(more))}</p>`;
  }
  return layout(lang, subject, body.text, body.html, unsubscribeUrl);
}

/** The daily digest: `items` shown, `more` left out. */
export function renderDigest(lang: MailLanguage, items: MailItem[], more: number, unsubscribeUrl: string): RenderedMail {
  const w = WORDS[lang];
  const subject = w.digest(items.length + more);
  const body = itemsBody(lang, items);
  if (more > 0) {
    body.text.push(w.more(more));
    body.html += `\n<p>${escapeHtml(w.more(more))}</p>`;
  }
  return layout(lang, subject, [subject, '', ...body.text], `<h1 style="font-size:18px">${escapeHtml(subject)}</h1>\n${body.html}`, unsubscribeUrl);
}

export function renderConfirmation(lang: MailLanguage, confirmUrl: string, hours: number, unsubscribeUrl: string): RenderedMail {
  const w = WORDS[lang];
  return layout(
    lang,
    w.confirmSubject,
    [w.confirmBody(hours), '', confirmUrl, '', w.confirmIgnore],
    `<p>${escapeHtml(w.confirmBody(hours))}</p>
<p><a href="${escapeHtml(confirmUrl)}" style="display:inline-block;padding:10px 16px;background:#1a5fb4;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(w.confirmButton)}</a></p>
<p style="font-size:12px;word-break:break-all">${escapeHtml(confirmUrl)}</p>
<p>${escapeHtml(w.confirmIgnore)}</p>`,
    unsubscribeUrl,
  );
}
