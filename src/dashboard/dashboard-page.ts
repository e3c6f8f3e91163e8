import { escapeHtml, htmlPage } from '../common/html.js';
import type { Lang } from '../common/language.js';

const TITLE: Record<Lang, string> = { en: 'Moderation', ko: '댓글 관리' };
const NO_SCRIPT: Record<Lang, string> = { en: 'The moderator dashboard needs JavaScript.', ko: '관리 화면은 자바스크립트가 필요합니다.' };

/** The shell; everything else is drawn by /moderation/dashboard.js (no inline script: the CSP forbids it). */
export function dashboardPage(lang: Lang, assetVersion: string): string {
  return htmlPage({
    lang,
    title: TITLE[lang],
    head: `<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/moderation/dashboard.css?v=${escapeHtml(assetVersion)}">
<script src="/moderation/dashboard.js?v=${escapeHtml(assetVersion)}" defer></script>`,
    body: `<body>
<div id="app"><noscript>${escapeHtml(NO_SCRIPT[lang])}</noscript></div>
<div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
<div id="alerter" role="alert"></div>
</body>`,
  });
}
