import { escapeHtml, htmlPage, jsonForHtml } from '../common/html.js';
import type { Lang } from '../common/language.js';

/** Everything the widget needs to start, embedded in its page (saves a request). */
export interface WidgetSettings {
  articleId: string;
  articleUrl: string | null;
  articleTitle: string | null;
  lang: Lang;
  /** The host page's origin: the only one the widget talks to with postMessage. */
  host: string;
  /** The service's origin: the only one sign-in popups may answer from. */
  origin: string;
  policyUrl: string;
  /** sso: `loginUrl` is the site's own sign-in page (SSO_LOGIN_URL), opened in a popup by the host page. */
  providers: Array<{ id: string; name: string; loginUrl?: string | null }>;
  theme: Record<string, string>;
}

/** What a site not in ALLOWED_ORIGINS shows instead of the box: the refusal page, and embed.js from GET /api/embed/check. */
export const REFUSAL = {
  en: 'Comments cannot be shown on this site.',
  ko: '이 사이트에서는 댓글을 표시할 수 없습니다.',
};

export function widgetPage(settings: WidgetSettings, assets: { css: string; js: string }): string {
  return htmlPage({
    lang: settings.lang,
    title: settings.lang === 'ko' ? '댓글' : 'Comments',
    head: `<meta name="referrer" content="strict-origin">
<link rel="stylesheet" href="${escapeHtml(assets.css)}">
<script type="application/json" id="widget-settings">${jsonForHtml(settings)}</script>
<script src="${escapeHtml(assets.js)}" defer></script>`,
    body: '<body><div id="app" class="cw"></div></body>',
  });
}

export function refusalPage(lang: Lang): string {
  return htmlPage({ lang, title: '403', body: `<body><p>${escapeHtml(REFUSAL[lang])}</p></body>` });
}
