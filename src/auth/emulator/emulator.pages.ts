import { escapeHtml, htmlPage } from '../../common/html.js';
import { pickLanguage, type Lang } from '../../common/language.js';

export { pickLanguage };
import type { EmulatorProvider } from './emulator.users.js';
import { PRESET_USERS, screenNameOf } from './emulator.users.js';


export type PageMessage =
  | 'name_empty'
  | 'name_too_long'
  | 'name_characters'
  | 'action_invalid'
  | 'token_invalid'
  | 'token_used'
  | 'denied'
  | 'app_unknown'
  | 'redirect_invalid'
  | 'response_type_invalid';

const TEXT = {
  en: {
    banner: 'Local sign-in emulator — not the real Twitter/Facebook',
    title: { twitter: 'Sign in to Twitter (emulator)', facebook: 'Facebook (emulator)' },
    asks: { twitter: 'wants to access your Twitter account.', facebook: 'wants to access your Facebook account.' },
    scopes: 'Requested permissions:',
    returnsTo: 'You will be sent back to',
    pick: 'Continue as',
    orType: 'Or type any name',
    nameLabel: 'Name',
    allow: 'Authorize app',
    cancel: 'Cancel',
    errorTitle: 'Something went wrong',
    pinTitle: 'Authorization complete',
    pinText: 'Enter this PIN in the app to complete the sign-in:',
    messages: {
      name_empty: 'Pick a user or type a name.',
      name_too_long: 'The name must be at most 50 characters.',
      name_characters: 'Only letters, digits, underscores, hyphens, Hangul and spaces are allowed.',
      action_invalid: 'Unknown action.',
      token_invalid: 'This request token is invalid or has expired. Go back to the app and try again.',
      token_used: 'This request token has already been used.',
      denied: 'You did not authorize the app. You can close this page.',
      app_unknown: 'Invalid App ID: the app is not known to the emulator.',
      redirect_invalid: 'The redirect URI is missing or not allowed for this app.',
      response_type_invalid: 'Only response_type=code is supported.',
    },
  },
  ko: {
    banner: '로컬 로그인 에뮬레이터 — 실제 Twitter/Facebook이 아닙니다',
    title: { twitter: 'Twitter에 로그인 (에뮬레이터)', facebook: 'Facebook (에뮬레이터)' },
    asks: { twitter: '앱이 Twitter 계정 사용을 요청합니다.', facebook: '앱이 Facebook 계정 사용을 요청합니다.' },
    scopes: '요청한 권한:',
    returnsTo: '완료 후 돌아갈 주소:',
    pick: '다음 사용자로 계속',
    orType: '또는 이름을 직접 입력',
    nameLabel: '이름',
    allow: '앱 승인',
    cancel: '취소',
    errorTitle: '문제가 발생했습니다',
    pinTitle: '승인 완료',
    pinText: '앱에 다음 PIN을 입력하여 로그인을 완료하세요:',
    messages: {
      name_empty: '사용자를 고르거나 이름을 입력하세요.',
      name_too_long: '이름은 50자 이하여야 합니다.',
      name_characters: '영문, 숫자, 밑줄, 하이픈, 한글, 공백만 사용할 수 있습니다.',
      action_invalid: '알 수 없는 요청입니다.',
      token_invalid: '요청 토큰이 잘못되었거나 만료되었습니다. 앱으로 돌아가 다시 시도하세요.',
      token_used: '이미 사용된 요청 토큰입니다.',
      denied: '앱을 승인하지 않았습니다. 이 페이지를 닫아도 됩니다.',
      app_unknown: '잘못된 앱 ID: 에뮬레이터가 모르는 앱입니다.',
      redirect_invalid: '리디렉션 URI가 없거나 이 앱에 허용되지 않습니다.',
      response_type_invalid: 'response_type=code만 지원합니다.',
    },
  },
} as const;

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI","Apple SD Gothic Neo","Malgun Gothic",sans-serif;background:#f3f4f6;color:#111827}
.banner{background:#fde68a;color:#78350f;text-align:center;padding:8px 12px;font-weight:600;font-size:13px}
main{max-width:420px;margin:32px auto;padding:0 16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow:hidden}
header{color:#fff;padding:16px 20px;font-size:18px;font-weight:700}
.twitter header{background:#1d9bf0}.facebook header{background:#1877f2}
.body{padding:16px 20px}
p{margin:0 0 12px}
.muted{color:#6b7280;font-size:13px}
.error{background:#fee2e2;color:#991b1b;border-radius:8px;padding:8px 12px;margin-bottom:12px}
h2{font-size:14px;margin:16px 0 8px;color:#374151}
.presets form{margin:0 0 8px}
.presets button{display:flex;align-items:center;gap:10px;width:100%;padding:8px 12px;border:1px solid #d1d5db;border-radius:8px;background:#fff;font:inherit;text-align:left;cursor:pointer}
.presets button:hover{background:#f9fafb}
.presets img{width:32px;height:32px;border-radius:50%}
.presets small{color:#6b7280}
label{display:block;font-size:13px;margin-bottom:4px}
input[type=text]{width:100%;padding:8px 10px;border:1px solid #d1d5db;border-radius:8px;font:inherit}
.actions{display:flex;gap:8px;margin-top:12px}
.actions button{flex:1;padding:9px;border-radius:999px;font:inherit;font-weight:600;cursor:pointer;border:1px solid transparent}
.twitter .allow{background:#1d9bf0;color:#fff}.facebook .allow{background:#1877f2;color:#fff}
.cancel{background:#fff;border-color:#d1d5db!important;color:#111827}
.pin{font-size:28px;letter-spacing:2px;font-weight:700;text-align:center;margin:12px 0}
`;

function layout(provider: EmulatorProvider, lang: Lang, title: string, body: string): string {
  return htmlPage({
    lang,
    title,
    head: `<meta name="robots" content="noindex">
<style>${STYLE}</style>`,
    body: `<body class="${provider}">
<div class="banner" role="note">${escapeHtml(TEXT[lang].banner)}</div>
<main><div class="card"><header>${escapeHtml(title)}</header><div class="body">
${body}
</div></div></main>
</body>`,
  });
}

function hiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
}

export interface ConsentPage {
  provider: EmulatorProvider;
  lang: Lang;
  appName: string;
  appId: string;
  /** Form action, relative to the page URL so that the page works under any mount point. */
  action: string;
  /** Path prefix from the page to `/_emulator/`, e.g. '../../'. */
  emulatorRoot: string;
  /** Carried by every form (request token, or the dialog parameters). */
  hidden: Record<string, string>;
  /** Where the browser goes afterwards (shown as origin only). */
  returnTo?: string;
  scopes?: string[];
  error?: PageMessage;
  name?: string;
}

export function consentPage(page: ConsentPage): string {
  const t = TEXT[page.lang];
  const hidden = hiddenFields(page.hidden);
  const presets = PRESET_USERS.map((name) => {
    const screenName = screenNameOf(name);
    const avatar = `${page.emulatorRoot}avatar/${encodeURIComponent(screenName)}.svg`;
    return `<form method="post" action="${escapeHtml(page.action)}">${hidden}<input type="hidden" name="action" value="allow">` +
      `<button type="submit" name="name" value="${escapeHtml(name)}"><img src="${escapeHtml(avatar)}" alt="">` +
      `<span>${escapeHtml(name)}<br><small>@${escapeHtml(screenName)}</small></span></button></form>`;
  }).join('\n');
  const scopes = page.scopes?.length
    ? `<p class="muted">${escapeHtml(t.scopes)} ${page.scopes.map(escapeHtml).join(', ')}</p>`
    : '';
  const returnTo = page.returnTo ? `<p class="muted">${escapeHtml(t.returnsTo)} ${escapeHtml(page.returnTo)}</p>` : '';
  const error = page.error ? `<div class="error" role="alert">${escapeHtml(t.messages[page.error])}</div>` : '';
  const body = `${error}<p><strong>${escapeHtml(page.appName)}</strong> <span class="muted">(${escapeHtml(page.appId)})</span> ${escapeHtml(t.asks[page.provider])}</p>
${scopes}${returnTo}
<h2>${escapeHtml(t.pick)}</h2>
<div class="presets">
${presets}
</div>
<h2>${escapeHtml(t.orType)}</h2>
<form method="post" action="${escapeHtml(page.action)}">${hidden}
<label for="name">${escapeHtml(t.nameLabel)}</label>
<input type="text" id="name" name="name" maxlength="50" required autocomplete="off" value="${escapeHtml(page.name ?? '')}">
<div class="actions">
<button type="submit" class="allow" name="action" value="allow">${escapeHtml(t.allow)}</button>
<button type="submit" class="cancel" name="action" value="deny" formnovalidate>${escapeHtml(t.cancel)}</button>
</div>
</form>`;
  return layout(page.provider, page.lang, t.title[page.provider], body);
}

export function errorPage(provider: EmulatorProvider, lang: Lang, message: PageMessage): string {
  const t = TEXT[lang];
  return layout(provider, lang, t.title[provider], `<h2>${escapeHtml(t.errorTitle)}</h2><div class="error" role="alert">${escapeHtml(t.messages[message])}</div>`);
}

/** Twitter's out-of-band flow (oauth_callback=oob) shows the verifier as a PIN. */
export function pinPage(lang: Lang, pin: string): string {
  const t = TEXT[lang];
  return layout('twitter', lang, t.title.twitter, `<h2>${escapeHtml(t.pinTitle)}</h2><p>${escapeHtml(t.pinText)}</p><p class="pin">${escapeHtml(pin)}</p>`);
}
