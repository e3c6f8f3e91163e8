/**
 * The comment box inside the iframe: sign-in by popup, composing with the shared length rule,
 * the reader's own unpublished comments, the published list with live updates, reports.
 */
import { COMMENT_LIMIT, measureComment } from '../../comments/comment-length.js';
import { ApiError, api, uuid } from './api.js';
import { AuthStore, type Auth, type Commenter } from './auth-store.js';
import { clear, h } from './dom.js';
import { REPORT_REASONS } from '../../moderation/reasons.js';
import type { WidgetSettings } from '../widget-page.js';
import { absoluteTime, errorText, relativeTime, strings, type Lang } from './i18n.js';

type Settings = WidgetSettings;

interface Published {
  id: string;
  body: string;
  author: Commenter;
  publishedAt: string;
}

interface Own {
  id: string;
  body: string;
  status: 'pending' | 'in_review' | 'published' | 'rejected';
  reason: string | null;
  createdAt: string;
}

const PAGE = 20;

const settings = JSON.parse(document.getElementById('widget-settings')!.textContent!) as Settings;
const t = strings(settings.lang);
const store = new AuthStore();
const articlePath = `/api/articles/${encodeURIComponent(settings.articleId)}`;

let auth: Auth | null = store.load();
let draftKey = uuid();
let total = 0;
let nextCursor: string | null = null;
const shown = new Set<string>();
let mine: Own[] = [];
let minePoll: number | undefined;
let pollDelay = 1500;
/** A moderator closed comments on this article: no form, a notice instead. */
let closed = false;

for (const [key, value] of Object.entries(settings.theme)) document.documentElement.style.setProperty(`--cw-${key}`, value);

// ---- layout ----------------------------------------------------------------

const count = h('span', { class: 'cw-count' });
const composer = h('div', { class: 'cw-composer' });
const notice = h('p', { class: 'cw-notice', role: 'status', 'aria-live': 'polite' });
const mineList = h('ul', { class: 'cw-mine', 'aria-label': t.yourComments, hidden: true });
const list = h('ol', { class: 'cw-list', 'aria-label': t.comments, 'aria-busy': 'true' });
const listState = h('p', { class: 'cw-state' }, t.loading);
const more = h('button', { type: 'button', class: 'cw-more', hidden: true, onclick: () => void loadPage() }, t.loadMore);

document.getElementById('app')!.append(
  h('section', { class: 'cw-root', 'aria-labelledby': 'cw-title' },
    h('h2', { id: 'cw-title', class: 'cw-title' }, t.comments, ' ', count),
    composer,
    notice,
    mineList,
    list,
    listState,
    more,
  ),
);

function setNotice(text: string, kind: 'info' | 'error' = 'info'): void {
  notice.textContent = text;
  notice.className = `cw-notice cw-${kind}`;
}

function setTotal(n: number): void {
  total = Math.max(0, n);
  count.textContent = String(total);
  count.setAttribute('aria-label', t.total(total));
}

// ---- sign-in -----------------------------------------------------------------

/** Shows the form that fits: closed, signed out or signed in. */
function showComposer(): void {
  if (auth) signedIn();
  else signedOut();
}

function setOpen(open: boolean): void {
  if (closed === !open) return;
  closed = !open;
  showComposer();
}

function showClosed(): void {
  clear(composer);
  composer.append(h('p', { class: 'cw-closed' }, t.closed));
  refreshReportButtons();
}

function signedOut(message?: string): void {
  if (message) setNotice(message, 'error');
  if (closed) return showClosed();
  clear(composer);
  composer.append(
    h('p', { class: 'cw-login' }, t.pleaseLogIn),
    settings.providers.length
      ? h('div', { class: 'cw-providers' }, ...settings.providers.map((p) =>
          h('button', { type: 'button', class: `cw-provider cw-${p.id}`, 'data-provider': p.id, onclick: () => signIn(p.id) }, t.logInWith(p.name))))
      : h('p', {}, t.noProviders),
  );
  refreshReportButtons();
}

let popup: Window | null = null;

function signIn(provider: string): void {
  // The service refuses a returnTo over 1,000 characters; the site's front page will do then.
  const article = settings.articleUrl ?? settings.host;
  const returnTo = article.length <= 1000 ? article : settings.host;
  const url = `/auth/${provider}?popup=1&returnTo=${encodeURIComponent(returnTo)}`;
  popup = window.open(url, 'cw-sign-in', 'popup,width=520,height=680');
  if (!popup) setNotice(t.popupBlocked, 'error');
}

// The sign-in popup runs on the service's own origin and answers with postMessage to it.
window.addEventListener('message', (event: MessageEvent) => {
  if (event.origin !== settings.origin || (popup && event.source !== popup)) return;
  const data = event.data as { type?: string; ok?: boolean; token?: string; expiresAt?: string; commenter?: Commenter } | null;
  if (data?.type !== 'comments:auth') return;
  popup = null;
  if (!data.ok || !data.token || !data.commenter || !data.expiresAt) {
    setNotice(t.signInFailed, 'error');
    return;
  }
  auth = { token: data.token, expiresAt: data.expiresAt, commenter: data.commenter };
  store.save(auth);
  setNotice('');
  signedIn();
  void loadMine();
});

async function logOut(): Promise<void> {
  const token = auth?.token;
  auth = null;
  store.save(null);
  mine = [];
  renderMine();
  signedOut();
  if (token) await api('POST', '/auth/logout', { token }).catch(() => undefined);
}

function expired(): void {
  auth = null;
  store.save(null);
  signedOut(t.errors.UNAUTHENTICATED!({ error: 'UNAUTHENTICATED', status: 401 }));
}

// ---- composing ---------------------------------------------------------------

function signedIn(): void {
  if (closed) return showClosed();
  const me = auth!.commenter;
  const textarea = h('textarea', {
    id: 'cw-body',
    name: 'body',
    rows: 4,
    placeholder: t.placeholder,
    'aria-describedby': 'cw-counter cw-over',
  });
  const counter = h('span', { id: 'cw-counter', class: 'cw-counter', 'aria-live': 'polite' }, t.counter(0, COMMENT_LIMIT));
  const over = h('span', { id: 'cw-over', class: 'cw-over' });
  const submit = h('button', { type: 'submit', class: 'cw-submit', disabled: true }, t.submit);

  const update = () => {
    const m = measureComment(textarea.value);
    counter.textContent = t.counter(m.length, m.limit);
    counter.classList.toggle('cw-warn', m.tooLong);
    textarea.setAttribute('aria-invalid', String(m.tooLong));
    over.textContent = m.tooLong ? t.over(m.length - m.limit) : '';
    submit.disabled = m.tooLong || m.empty || form.classList.contains('cw-busy');
  };

  const form = h('form', { class: 'cw-form', novalidate: true },
    h('div', { class: 'cw-me' },
      avatar(me),
      h('span', { class: 'cw-me-name' }, h('span', { class: 'cw-sr' }, t.signedInAs, ' '), me.displayName),
      h('button', { type: 'button', class: 'cw-link cw-logout', onclick: () => void logOut() }, t.logOut),
    ),
    h('label', { for: 'cw-body', class: 'cw-sr' }, t.label),
    textarea,
    h('div', { class: 'cw-form-foot' },
      h('span', { class: 'cw-meta' }, counter, over),
      h('a', { href: settings.policyUrl, target: '_blank', rel: 'noopener noreferrer', class: 'cw-policy' }, t.policy),
      submit,
    ),
  );
  textarea.addEventListener('input', update);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void send(textarea, submit, form, update);
  });
  clear(composer);
  composer.append(form);
  refreshReportButtons();
}

async function send(textarea: HTMLTextAreaElement, submit: HTMLButtonElement, form: HTMLFormElement, update: () => void): Promise<void> {
  const m = measureComment(textarea.value);
  if (m.tooLong || m.empty || !auth) return;
  form.classList.add('cw-busy');
  submit.disabled = true;
  submit.textContent = t.sending;
  setNotice('');
  try {
    const body: Record<string, string> = { body: textarea.value };
    if (settings.articleUrl) body.articleUrl = settings.articleUrl;
    if (settings.articleTitle) body.articleTitle = settings.articleTitle;
    const accepted = await api<{ id: string; status: Own['status']; createdAt: string }>('POST', `${articlePath}/comments`, {
      token: auth.token,
      body,
      headers: { 'idempotency-key': draftKey },
    });
    draftKey = uuid();
    mine = [{ id: accepted.id, body: normalizeForDisplay(textarea.value), status: accepted.status, reason: null, createdAt: accepted.createdAt }, ...mine.filter((c) => c.id !== accepted.id)];
    renderMine();
    textarea.value = '';
    setNotice(t.pending);
    schedulePoll(true);
  } catch (err) {
    const info = err instanceof ApiError ? err.info : { error: 'OTHER', status: 0 };
    if (info.error === 'UNAUTHENTICATED') return expired();
    if (info.error === 'COMMENTS_CLOSED') setOpen(false);
    if (info.error !== 'NETWORK') draftKey = uuid(); // a retry after a network failure reuses the key
    setNotice(errorText(t, info), 'error');
  } finally {
    form.classList.remove('cw-busy');
    submit.textContent = t.submit;
    update();
  }
}

function normalizeForDisplay(text: string): string {
  return text.replace(/\r\n/g, '\n').normalize('NFC').trim();
}

// ---- the reader's own comments -------------------------------------------------

async function loadMine(): Promise<void> {
  if (!auth) return;
  try {
    const { items } = await api<{ items: Own[] }>('GET', `/api/me/comments?articleId=${encodeURIComponent(settings.articleId)}`, { token: auth.token });
    for (const c of items) if (c.status === 'published' && !shown.has(c.id)) void fetchPublished(c.id);
    mine = items;
    renderMine();
    schedulePoll(false);
  } catch (err) {
    if (err instanceof ApiError && err.info.error === 'UNAUTHENTICATED') expired();
  }
}

/** While something of the reader's awaits moderation, look again, less and less often. */
function schedulePoll(reset: boolean): void {
  if (reset) pollDelay = 1500;
  window.clearTimeout(minePoll);
  if (!auth || !mine.some((c) => c.status === 'pending' || c.status === 'in_review')) return;
  minePoll = window.setTimeout(() => void loadMine(), pollDelay);
  pollDelay = Math.min(pollDelay * 1.5, 30_000);
}

function renderMine(): void {
  clear(mineList);
  const waiting = mine.filter((c) => c.status !== 'published');
  mineList.hidden = waiting.length === 0;
  for (const c of waiting) {
    const reason = c.status === 'rejected' && c.reason ? `${t.reasonPrefix} ${t.reasons[c.reason] ?? c.reason}` : '';
    mineList.append(
      h('li', { class: `cw-own cw-${c.status}`, 'data-id': c.id, 'data-status': c.status },
        h('p', { class: 'cw-own-status' }, h('span', { class: 'cw-badge' }, t.status[c.status] ?? c.status), reason ? ` ${reason}` : ''),
        h('p', { class: 'cw-body' }, c.body),
      ),
    );
  }
}

// ---- the published list -----------------------------------------------------------

function avatar(author: Commenter): HTMLElement {
  if (author.avatarUrl) {
    return h('img', { class: 'cw-avatar', src: author.avatarUrl, alt: '', width: 36, height: 36, loading: 'lazy', decoding: 'async', referrerpolicy: 'no-referrer' });
  }
  return h('span', { class: 'cw-avatar cw-initial', 'aria-hidden': 'true' }, Array.from(author.displayName)[0] ?? '?');
}

function item(c: Published): HTMLLIElement {
  const time = h('time', { datetime: c.publishedAt, title: absoluteTime(settings.lang, c.publishedAt) }, relativeTime(settings.lang, c.publishedAt));
  const li = h('li', { class: 'cw-item', 'data-id': c.id, 'data-author': c.author.id },
    avatar(c.author),
    h('div', { class: 'cw-main' },
      h('p', { class: 'cw-byline' }, h('span', { class: 'cw-name' }, c.author.displayName), ' ', time),
      h('p', { class: 'cw-body' }, c.body),
      h('div', { class: 'cw-actions' }),
    ),
  );
  refreshReportButton(li);
  return li;
}

function refreshReportButton(li: HTMLElement): void {
  const actions = li.querySelector('.cw-actions')!;
  if (actions.querySelector('.cw-reported, .cw-report-form')) return;
  clear(actions);
  if (auth && li.dataset.author !== auth.commenter.id) {
    actions.append(h('button', { type: 'button', class: 'cw-link cw-report', onclick: () => openReport(li) }, t.report));
  }
}

function refreshReportButtons(): void {
  list.querySelectorAll<HTMLElement>('.cw-item').forEach(refreshReportButton);
}

let formCounter = 0;

function openReport(li: HTMLElement): void {
  const actions = li.querySelector('.cw-actions')!;
  const n = ++formCounter;
  const select = h('select', { id: `cw-reason-${n}`, name: 'reason', required: true },
    ...REPORT_REASONS.map((r) => h('option', { value: r }, t.reportReasons[r]!)));
  const note = h('input', { id: `cw-note-${n}`, name: 'note', type: 'text', maxlength: 500, autocomplete: 'off' });
  const status = h('p', { class: 'cw-report-status', role: 'status' });
  const cancel = () => {
    clear(actions);
    refreshReportButton(li);
    (actions.querySelector('button') as HTMLButtonElement | null)?.focus();
  };
  const form = h('form', { class: 'cw-report-form', 'aria-label': t.reportTitle },
    h('fieldset', {},
      h('legend', {}, t.reportTitle),
      h('label', { for: select.id, class: 'cw-sr' }, t.reportTitle),
      select,
      h('label', { for: note.id }, t.reportNote),
      note,
      h('div', { class: 'cw-report-buttons' },
        h('button', { type: 'submit', class: 'cw-submit' }, t.reportSend),
        h('button', { type: 'button', class: 'cw-link', onclick: cancel }, t.cancel),
      ),
      status,
    ),
  );
  form.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Escape') cancel();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!auth) return;
    const payload: Record<string, string> = { reason: select.value };
    if (note.value.trim()) payload.note = note.value.trim();
    api('POST', `/api/comments/${encodeURIComponent(li.dataset.id!)}/reports`, { token: auth.token, body: payload }).then(
      () => {
        clear(actions);
        actions.append(h('span', { class: 'cw-reported' }, t.reported));
        setNotice(t.reportThanks);
      },
      (err: unknown) => {
        const info = err instanceof ApiError ? err.info : { error: 'OTHER', status: 0 };
        if (info.error === 'UNAUTHENTICATED') return expired();
        status.textContent = errorText(t, info);
      },
    );
  });
  clear(actions);
  actions.append(form);
  select.focus();
}

function addPublished(c: Published, atTop: boolean): void {
  if (shown.has(c.id)) return;
  shown.add(c.id);
  const li = item(c);
  if (atTop) {
    li.classList.add('cw-new');
    list.prepend(li);
  } else list.append(li);
  listState.hidden = true;
  if (mine.some((m) => m.id === c.id)) {
    mine = mine.filter((m) => m.id !== c.id);
    renderMine();
    // Nothing of the reader's waits any more: the "awaiting moderation" notice has served.
    if (notice.textContent === t.pending && !mine.some((m) => m.status === 'pending' || m.status === 'in_review')) setNotice('');
  }
}

async function fetchPublished(id: string): Promise<void> {
  const c = await api<Published>('GET', `/api/comments/${encodeURIComponent(id)}`).catch(() => null);
  if (c && 'author' in c) addPublished(c, true);
}

async function loadPage(): Promise<void> {
  more.disabled = true;
  try {
    const page = await api<{ items: Published[]; nextCursor: string | null; total: number; commentsOpen: boolean }>(
      'GET',
      `${articlePath}/comments?limit=${PAGE}${nextCursor ? `&cursor=${encodeURIComponent(nextCursor)}` : ''}`,
    );
    for (const c of page.items) addPublished(c, false);
    nextCursor = page.nextCursor;
    setTotal(page.total);
    setOpen(page.commentsOpen !== false);
    listState.hidden = shown.size > 0;
    listState.textContent = t.empty;
    more.hidden = !nextCursor;
    list.setAttribute('aria-busy', 'false');
    if (!document.documentElement.dataset.ready) performance.mark('cw-first-render'); // read by the browser test
    document.documentElement.dataset.ready = '1';
  } catch {
    listState.hidden = false;
    listState.textContent = t.loadFailed;
  } finally {
    more.disabled = false;
  }
}

async function catchUp(): Promise<void> {
  const page = await api<{ items: Published[]; total: number; commentsOpen: boolean }>('GET', `${articlePath}/comments?limit=${PAGE}`).catch(() => null);
  if (!page) return;
  for (const c of [...page.items].reverse()) addPublished(c, true);
  setTotal(page.total);
  setOpen(page.commentsOpen !== false);
}

function live(): void {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource(`${articlePath}/events`);
  let opened = false;
  // After a dropped connection, events may have been missed: catch up from the first page.
  source.addEventListener('open', () => {
    if (opened) void catchUp();
    opened = true;
  });
  source.addEventListener('published', (event) => {
    const data = JSON.parse((event as MessageEvent).data as string) as { comment: Published; total: number };
    addPublished(data.comment, true);
    setTotal(data.total);
  });
  source.addEventListener('article', (event) => {
    setOpen((JSON.parse((event as MessageEvent).data as string) as { commentsOpen: boolean }).commentsOpen);
  });
  source.addEventListener('removed', (event) => {
    const data = JSON.parse((event as MessageEvent).data as string) as { id: string; total: number };
    list.querySelector(`[data-id="${CSS.escape(data.id)}"]`)?.remove();
    shown.delete(data.id);
    setTotal(data.total);
  });
}

// Relative times age: refresh them once a minute.
window.setInterval(() => {
  list.querySelectorAll('time').forEach((el) => (el.textContent = relativeTime(settings.lang, el.getAttribute('datetime')!)));
}, 60_000);

// ---- size: the host page sizes the iframe to its content ------------------------------

if (window.parent !== window) {
  let last = 0;
  const report = () => {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: 'comments:resize', height }, settings.host);
  };
  new ResizeObserver(report).observe(document.documentElement);
}

document.documentElement.dataset.storage = store.kind;
showComposer();
if (auth) void loadMine();
void loadPage().then(live);
