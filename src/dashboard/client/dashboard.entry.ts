import type { ArticleView } from '../../moderation/articles/articles.service.js';
import type { ModerationMode } from '../../rules/types.js';
import { ApiError, api, del, get, post, query, setCsrfToken } from './api.js';
import { loadLog } from './audit-view.js';
import { sanctionsPanel, type SanctionsProfile } from './author-sanctions.js';
import { clear, h } from './dom.js';
import { highlighted } from './highlight.js';
import { initialLang, texts, type Lang, type Text } from './i18n.js';
import { loadModerators, openAccount } from './moderators-view.js';
import { loadWebhooks } from './webhooks-view.js';
import { loadRules } from './rules-view.js';
import { emptySearch, hasTerms, searchForm, searchPage } from './search-view.js';
import { formatTime, reasonLabel, reasonName, ruleLabel, ruleName } from './words.js';
import { QUEUES, REASONS, belongsTo, reportsByReason, shownRevision, toItem, waitingEdit, type Item, type Me, type Queue, type QueueItem } from './model.js';

/** `comment`: one comment, opened from a link (the audit log, #comment/{id}). */
type View = Queue | 'log' | 'moderators' | 'webhooks' | 'rules' | 'comment' | 'search';

/** The views that are not comment queues. */
const isQueue = (view: View): view is Queue => view !== 'log' && view !== 'moderators' && view !== 'webhooks' && view !== 'rules' && view !== 'comment' && view !== 'search';
/** The views made of comment cards, which the keys act on. */
const hasCards = (view: View): boolean => isQueue(view) || view === 'comment' || view === 'search';
/** Views whose cards stay on screen, in their new state, when decided (they are no queue a decision leaves). */
const keepsDecided = (view: View): boolean => view === 'comment' || view === 'search';

const state = {
  lang: initialLang() as Lang,
  me: null as Me | null,
  view: 'review' as View,
  /** The comment the `comment` view shows. */
  commentId: null as string | null,
  items: [] as Item[],
  cursor: null as string | null,
  current: 0,
  selected: new Set<string>(),
  counts: {} as Record<string, number>,
  /** A multi-key command in progress: `r` waits for a reason digit, `g` for a queue digit. */
  pending: null as null | 'reject' | 'go',
  openHistory: new Set<string>(),
  histories: new Map<string, Record<string, unknown>>(),
  /** Cards whose article settings are shown, and those settings by article id. */
  openArticle: new Set<string>(),
  articles: new Map<string, ArticleView>(),
  live: false,
  /** The search form's fields (the `search` view). */
  search: emptySearch(),
};

let t: Text = texts(state.lang);
let events: EventSource | null = null;
const root = document.getElementById('app')!;
const announcer = document.getElementById('announcer')!;
const alerter = document.getElementById('alerter')!;

function announce(message: string): void {
  // Re-setting the same text is not re-read by every screen reader: clear first.
  announcer.textContent = '';
  setTimeout(() => (announcer.textContent = message), 50);
}

function alertError(message: string): void {
  alerter.textContent = message;
  setTimeout(() => {
    if (alerter.textContent === message) alerter.textContent = '';
  }, 8000);
}

function setLang(lang: Lang): void {
  state.lang = lang;
  t = texts(lang);
  localStorage.setItem('moderation-lang', lang);
  document.documentElement.lang = lang;
  document.title = t.title;
  // The log, rules and moderators views are drawn from their own requests: load them again in the new language.
  if (hasCards(state.view)) render();
  else void loadView(state.view);
}

// ---------------------------------------------------------------- session

async function start(): Promise<void> {
  document.documentElement.lang = state.lang;
  document.title = t.title;
  try {
    const session = await get<{ moderator: Me; csrfToken: string }>('/api/moderation/session');
    signedIn(session.moderator, session.csrfToken);
  } catch {
    renderSignIn();
  }
}

function signedIn(me: Me, csrf: string): void {
  state.me = me;
  setCsrfToken(csrf);
  connectEvents();
  const linked = linkedComment();
  if (linked) openComment(linked);
  else void loadView('review');
}

/** The comment a #comment/{id} address names (a link from the audit log, opened in a new tab or pasted). */
function linkedComment(): string | null {
  const match = /^#comment\/([^/?#]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]!) : null;
}

window.addEventListener('hashchange', () => {
  const linked = linkedComment();
  if (linked && state.me) openComment(linked);
});

function openComment(id: string): void {
  state.commentId = id;
  void loadView('comment');
}

function renderSignIn(message = ''): void {
  clear(root);
  const email = h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, message);
  const form = h(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, t.signInTitle),
    h('label', { for: 'email' }, t.email),
    email,
    h('label', { for: 'password' }, t.password),
    password,
    error,
    h('button', { type: 'submit' }, t.signIn),
    h('button', { type: 'button', class: 'link', 'aria-label': t.languageLabel, onclick: () => { setLang(state.lang === 'en' ? 'ko' : 'en'); renderSignIn(); } }, t.language),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      // The cookie is all the dashboard uses: a bearer token beside it would be one more credential to steal.
      const session = await post<{ moderator: Me; csrfToken: string }>('/api/moderation/session', { email: email.value, password: password.value, cookieOnly: true });
      signedIn(session.moderator, session.csrfToken);
    } catch (err) {
      error.textContent = t.signInFailed + (err as Error).message;
      password.focus();
    }
  });
  root.append(form);
  email.focus();
}

async function signOut(): Promise<void> {
  await del('/api/moderation/session').catch(() => undefined);
  events?.close();
  events = null;
  state.me = null;
  setCsrfToken(null);
  renderSignIn();
}

// ---------------------------------------------------------------- live events

function connectEvents(): void {
  events?.close();
  const source = new EventSource('/api/moderation/events');
  events = source;
  let interrupted = false;
  source.addEventListener('open', () => {
    setLive(true);
    // Events may have been missed while away: load the view again.
    if (interrupted && hasCards(state.view)) void loadView(state.view);
    interrupted = false;
  });
  source.addEventListener('error', () => {
    setLive(false);
    interrupted = true;
    // Closed for good (the server refused, e.g. the session ended): find out why, then try again.
    if (source.readyState === EventSource.CLOSED && events === source) {
      setTimeout(() => {
        if (events !== source) return;
        get('/api/moderation/session').then(
          () => connectEvents(),
          (err) => handleError(err),
        );
      }, 3000);
    }
  });
  events.addEventListener('counts', (e) => {
    state.counts = JSON.parse((e as MessageEvent).data);
    renderTabs();
  });
  events.addEventListener('item', (e) => void onNewItem(JSON.parse((e as MessageEvent).data)));
  events.addEventListener('decision', (e) => onDecision(JSON.parse((e as MessageEvent).data)));
}

function setLive(live: boolean): void {
  state.live = live;
  const badge = document.getElementById('live');
  if (badge) {
    badge.textContent = live ? t.live : t.offline;
    badge.className = live ? 'live on' : 'live';
  }
}

async function onNewItem(data: { commentId: string; queue: Queue }): Promise<void> {
  if (data.queue !== state.view || state.items.some((i) => i.id === data.commentId)) return;
  // `review` is oldest first: a new item belongs at the end, which is on screen only once every page is loaded.
  if (state.cursor && data.queue === 'review') {
    announce(t.newItems(1, t[data.queue]));
    return;
  }
  const raw = await get<QueueItem>(`/api/moderation/comments/${encodeURIComponent(data.commentId)}`).catch(() => null);
  if (!raw || data.queue !== state.view || state.items.some((i) => i.id === data.commentId)) return;
  const item = toItem(raw);
  if (!belongsTo(item.comment, data.queue)) return;
  if (data.queue === 'review') state.items.push(item);
  else state.items.unshift(item);
  if (data.queue !== 'review' && state.items.length > 1) state.current++;
  const hadFocus = document.activeElement?.closest('#cards') != null;
  renderList();
  focusCard(state.current, hadFocus);
  announce(t.newItems(1, t[data.queue]));
}

function onDecision(data: { commentId: string; to: string; moderatorId: string | null }): void {
  const item = state.items.find((i) => i.id === data.commentId);
  if (!item || data.moderatorId === state.me?.id || !isQueue(state.view)) return;
  // published → published is news only for a reported comment, or for an edit waiting in review.
  if (data.to === item.comment.status && state.view !== 'reported' && !item.comment.revisionStatus) return;
  removeItem(item.id);
  announce(t.decidedElsewhere);
}

// ---------------------------------------------------------------- views

async function loadView(view: View, append = false): Promise<void> {
  state.view = view;
  state.pending = null;
  if (!append) {
    state.items = [];
    state.cursor = null;
    state.current = 0;
    state.selected.clear();
  }
  render();
  if (view === 'log') {
    return loadLog(document.getElementById('main')!, { t, stillShown: () => state.view === 'log', statusLabel, handleError, openComment });
  }
  if (view === 'comment') return loadComment(state.commentId!);
  if (view === 'moderators') return loadModerators(document.getElementById('main')!, { t, me: state.me!, stillShown: () => state.view === 'moderators', handleError, announce });
  if (view === 'webhooks') return loadWebhooks(document.getElementById('main')!, { t, stillShown: () => state.view === 'webhooks', handleError, announce });
  if (view === 'rules') {
    return loadRules(document.getElementById('main')!, {
      t,
      me: state.me!,
      stillShown: () => state.view === 'rules',
      statusLabel,
      formatTime,
      announce,
      handleError,
    });
  }
  if (view === 'search' && !hasTerms(state.search)) return;
  try {
    const cursor = append ? state.cursor : null;
    const page =
      view === 'search'
        ? await searchPage(state.search, cursor)
        : await get<{ items: unknown[]; nextCursor: string | null; counts?: Record<string, number> }>(`/api/moderation/queue${query({ queue: view, cursor })}`);
    if (state.view !== view) return;
    state.items.push(...(page.items as QueueItem[]).map(toItem));
    state.cursor = page.nextCursor ?? null;
    renderList();
    if (!append) focusCard(0, false);
    if (view === 'search') announce(t.searchFound(state.items.length, state.cursor !== null));
  } catch (err) {
    handleError(err);
  }
  void refreshCounts();
}

async function loadComment(id: string): Promise<void> {
  try {
    const raw = await get<QueueItem>(`/api/moderation/comments/${encodeURIComponent(id)}`);
    if (state.view !== 'comment' || state.commentId !== id) return;
    state.items = [toItem(raw)];
    renderList();
    focusCard(0, true);
  } catch (err) {
    handleError(err);
  }
}

async function refreshCounts(): Promise<void> {
  const counts = await get<Record<string, number>>('/api/moderation/queue/counts').catch(() => null);
  if (counts) {
    state.counts = counts;
    renderTabs();
  }
}

function render(): void {
  clear(root);
  const me = state.me!;
  const header = h(
    'header',
    { class: 'top' },
    h('h1', {}, t.title),
    h('span', { id: 'live', class: state.live ? 'live on' : 'live', role: 'status' }, state.live ? t.live : t.offline),
    h('span', { class: 'me' }, me.email),
    h('button', { type: 'button', class: 'link', 'aria-label': t.languageLabel, onclick: () => setLang(state.lang === 'en' ? 'ko' : 'en') }, t.language),
    h('button', { type: 'button', class: 'link', id: 'open-search', 'aria-keyshortcuts': '/', onclick: () => openSearch() }, t.search),
    h('button', { type: 'button', class: 'link', 'aria-label': t.showKeys, onclick: () => showKeys() }, '?'),
    h('button', { type: 'button', class: 'link', id: 'open-account', onclick: () => openAccount({ t, me, handleError, announce }) }, t.myAccount),
    h('button', { type: 'button', class: 'link', onclick: () => void signOut() }, t.signOut),
  );
  const nav = h('nav', { 'aria-label': t.queues }, h('ul', { id: 'tabs', class: 'tabs' }));
  const main = h('main', { id: 'main', 'aria-labelledby': 'view-title' });
  root.append(header, nav, main);
  renderTabs();
  renderList();
}

function renderTabs(): void {
  const tabs = document.getElementById('tabs');
  if (!tabs || !state.me) return;
  const views: View[] = [...QUEUES, 'log', 'rules', ...(state.me.role === 'admin' ? (['moderators', 'webhooks'] as View[]) : [])];
  tabs.replaceChildren(
    ...views.map((view, i) => {
      const count = state.counts[view];
      return h(
        'li',
        {},
        h(
          'a',
          {
            href: `#${view}`,
            'aria-current': state.view === view ? 'page' : null,
            'data-view': view,
            onclick: (e: Event) => {
              e.preventDefault();
              void loadView(view);
            },
          },
          view === 'rules' ? t.rulesTab : t[view],
          typeof count === 'number' ? h('span', { class: 'count', 'data-count': view }, ` ${count}`) : null,
          i < 4 ? h('span', { class: 'visually-hidden' }, ` (g ${i + 1})`) : null,
        ),
      );
    }),
  );
}

/** Draws the cards again (live updates do, often); a field the moderator was typing in keeps the focus and the caret. */
function renderList(): void {
  const typing = document.activeElement;
  const field = (typing instanceof HTMLInputElement || typing instanceof HTMLTextAreaElement) && typing.id ? typing : null;
  const caret = field ? [field.selectionStart, field.selectionEnd] : null;
  drawList();
  if (!field || field.isConnected) return;
  const again = document.getElementById(field.id);
  if (!(again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) return;
  again.focus();
  if (caret && caret[0] !== null && caret[1] !== null) again.setSelectionRange(caret[0], caret[1]);
}

function drawList(): void {
  const main = document.getElementById('main');
  if (!main || !hasCards(state.view)) return;
  clear(main);
  main.append(h('h2', { id: 'view-title' }, state.view === 'comment' ? t.comment : state.view === 'search' ? t.searchTitle : t[state.view as Queue]));
  if (state.view === 'search') main.append(searchForm(t, state.search, statusLabel, () => void loadView('search')));
  if (state.selected.size) main.append(bulkBar());
  if (!state.items.length) {
    if (state.view !== 'search' || hasTerms(state.search)) main.append(h('p', { class: 'empty' }, state.view === 'search' ? t.searchEmpty : t.empty));
    return;
  }
  main.append(h('ol', { class: 'cards', id: 'cards' }, ...state.items.map((item, i) => card(item, i))));
  if (state.cursor) main.append(h('button', { type: 'button', class: 'more', onclick: () => void loadView(state.view, true) }, t.loadMore));
}

function bulkBar(): HTMLElement {
  return h(
    'div',
    { class: 'bulk', role: 'region', 'aria-label': t.selected(state.selected.size) },
    h('span', {}, t.selected(state.selected.size)),
    h('button', { type: 'button', onclick: () => void decide('approve') }, t.approveSelected),
    h('button', { type: 'button', onclick: () => openReasons([...state.selected]) }, t.rejectSelected),
    h('button', { type: 'button', class: 'link', onclick: () => { state.selected.clear(); renderList(); } }, t.clearSelection),
  );
}

function card(item: Item, index: number): HTMLElement {
  const c = item.comment;
  const titleId = `c-${item.id}-title`;
  const selected = state.selected.has(item.id);
  // A deleted comment (taken back by its author, e.g. while it waited) can never be published again.
  const edit = waitingEdit(item);
  const reported = state.view === 'reported' || (keepsDecided(state.view) && c.reportCount > 0);
  const canApprove = c.status !== 'deleted' && (c.status !== 'published' || reported || edit !== null);
  const canReject = c.status !== 'rejected' && c.status !== 'deleted';
  return h(
    'li',
    {
      class: `card${index === state.current ? ' current' : ''}${selected ? ' selected' : ''}`,
      id: `c-${item.id}`,
      tabindex: index === state.current ? 0 : -1,
      'aria-labelledby': titleId,
      'aria-describedby': `c-${item.id}-body`,
      'data-id': item.id,
      onfocus: (e: Event) => {
        if (e.target === e.currentTarget && state.current !== index) focusCard(index, false);
      },
    },
    h(
      'div',
      { class: 'meta' },
      h('input', { type: 'checkbox', id: `s-${item.id}`, checked: selected, 'aria-label': `${t.select}: ${item.author.displayName}`, onchange: () => toggleSelect(item.id) }),
      h('span', { id: titleId, class: 'author' }, item.author.displayName || item.author.id, item.author.banned ? h('span', { class: 'banned' }, ` (${t.bannedBadge})`) : null),
      h('span', { class: 'article' }, `${t.on} `, item.article.url ? h('a', { href: item.article.url, rel: 'noopener noreferrer', target: '_blank' }, item.article.title ?? item.article.id) : (item.article.title ?? item.article.id)),
      h('time', { datetime: c.createdAt }, formatTime(c.createdAt)),
      c.status !== 'in_review' ? h('span', { class: `status ${c.status}` }, statusLabel(c.status), c.reason ? ' · ' : '', c.reason ? reasonLabel(t, c.reason) : null) : null,
      c.featured ? h('span', { class: 'featured-badge' }, t.featuredBadge) : null,
      c.editCount > 0 ? h('span', { class: 'edited-badge' }, t.edited(c.editCount)) : null,
    ),
    item.notice ? h('p', { class: 'notice', role: 'alert' }, item.notice) : null,
    item.parent ? parentContext(item.parent) : null,
    // A published comment's edit waiting: its new text is what is decided; the public still reads the old one.
    edit ? h('p', { class: 'edit-label' }, t.editWaiting) : null,
    h('p', { class: 'body', id: `c-${item.id}-body` }, ...highlighted(edit?.body ?? c.body, edit?.findings ?? item.findings, (rule) => `${t.rules}: ${ruleName(t, rule)}`)),
    findingsLine(edit?.body ?? c.body, edit?.findings ?? item.findings),
    edit ? h('figure', { class: 'parent published-text' }, h('figcaption', {}, t.publishedText), h('blockquote', {}, c.body)) : null,
    item.reports.length ? reportsPanel(item) : null,
    item.revisions.length ? revisionsList(item) : null,
    state.openHistory.has(item.id) ? historyPanel(item) : null,
    state.openArticle.has(item.id) ? articlePanel(item) : null,
    h(
      'div',
      { class: 'actions' },
      canApprove ? h('button', { type: 'button', class: 'approve', onclick: () => void decide('approve', [item.id]) }, t.approve, h('kbd', {}, 'a')) : null,
      canReject ? h('button', { type: 'button', class: 'reject', onclick: () => { focusCard(index, false); openReasons([item.id]); } }, t.reject, h('kbd', {}, 'r')) : null,
      c.status === 'published' && !c.hidden
        ? h('button', { type: 'button', class: 'feature', 'aria-pressed': c.featured ? 'true' : 'false', onclick: () => void toggleFeatured(item) }, t.feature, h('kbd', {}, 'f'))
        : null,
      h('button', { type: 'button', onclick: () => void openBan(item) }, t.ban, h('kbd', {}, 'b')),
      h('button', { type: 'button', 'aria-expanded': state.openHistory.has(item.id), onclick: () => void toggleHistory(item) }, t.history, h('kbd', {}, 'h')),
      h('button', { type: 'button', 'aria-expanded': state.openArticle.has(item.id), onclick: () => void toggleArticle(item) }, t.articleSettings, h('kbd', {}, 'o')),
    ),
  );
}

function statusLabel(status: string): string {
  return t.statuses[status] ?? status;
}

const excerpt = (text: string, max = 280) => (text.length > max ? `${text.slice(0, max)}…` : text);

/** What a reply answers, above its text: without it a reply such as "exactly!" cannot be judged. */
function parentContext(parent: NonNullable<Item['parent']>): HTMLElement {
  return h(
    'figure',
    { class: 'parent', 'aria-label': t.inReplyTo(parent.author.displayName) },
    h('figcaption', {}, t.inReplyTo(parent.author.displayName), parent.status !== 'published' ? h('span', { class: `status ${parent.status}` }, statusLabel(parent.status)) : null),
    h('blockquote', {}, excerpt(parent.body)),
  );
}

function findingsLine(body: string, findings: Item['findings']): HTMLElement | null {
  if (!findings.length) return null;
  // A finding about the comment as a whole (pre-moderation, a closed article) has no text to quote.
  // An outside classifier's findings carry its own words (label, score, why it was unavailable).
  const parts = findings.flatMap((f, i) => [
    i ? ', ' : '',
    ruleLabel(t, f.rule),
    f.detail && f.rule.startsWith('external') ? ` (${f.detail})` : '',
    f.end > f.start ? ` “${body.slice(f.start, f.end)}”` : '',
  ]);
  return h('p', { class: 'findings' }, `${t.findings}: `, ...parts);
}

/** Readers' reports: how many gave each reason, then each note as the reader wrote it (text, never HTML). */
function reportsPanel(item: Item): HTMLElement {
  const noted = item.reports.filter((r) => r.note);
  return h(
    'div',
    { class: 'reports' },
    h('p', {}, `${t.reportReasons} (${item.reports.length}): `, ...reportsByReason(item).flatMap((r, i) => [i ? ', ' : '', reasonLabel(t, r.reason), ` ×${r.count}`])),
    noted.length
      ? h(
          'ul',
          { class: 'report-notes', 'aria-label': t.readerNote },
          ...noted.map((r) => h('li', { class: 'report' }, reasonLabel(t, r.reason), ' ', h('time', { datetime: r.createdAt }, formatTime(r.createdAt)), ' ', h('q', { class: 'note' }, r.note!))),
        )
      : null,
  );
}

/** An edited comment's texts, the original first, each with its time and verdict. */
function revisionsList(item: Item): HTMLElement {
  const revisions = item.revisions;
  return h(
    'details',
    { class: 'revisions' },
    h('summary', {}, t.revisions(revisions.length)),
    h(
      'ol',
      {},
      ...revisions.map((r) =>
        h(
          'li',
          { 'data-revision': r.id },
          h('time', { datetime: r.createdAt }, formatTime(r.createdAt)),
          ' ',
          h('span', { class: `status ${r.status}` }, statusLabel(r.status), r.reason ? ' · ' : '', r.reason ? reasonLabel(t, r.reason) : null),
          r.decidedAt ? h('span', { class: 'decided' }, ` ${t.decidedAt} `, h('time', { datetime: r.decidedAt }, formatTime(r.decidedAt))) : null,
          h('p', { class: 'body' }, r.body),
        ),
      ),
    ),
  );
}

interface Profile {
  recent: Array<{ id: string; body: string; status: string; reason: string | null; createdAt: string }>;
}

function historyPanel(item: Item): HTMLElement {
  const a = item.author;
  const counts = a.history;
  const profile = state.histories.get(a.id) as Profile | undefined;
  return h(
    'div',
    { class: 'history', role: 'region', 'aria-label': `${t.history}: ${a.displayName}` },
    h(
      'dl',
      {},
      h('dt', {}, t.statusCounts),
      h(
        'dd',
        { class: 'status-counts' },
        (['published', 'in_review', 'pending', 'rejected', 'deleted'] as const)
          .filter((s) => s !== 'pending' || counts.pending)
          .map((s) => `${statusLabel(s)} ${counts[s] ?? 0}`)
          .concat(`${t.total} ${counts.total}`)
          .join(' · '),
      ),
      h('dt', {}, t.firstSeen),
      h('dd', {}, formatTime(a.firstSeenAt)),
      h('dt', {}, t.bans),
      h('dd', {}, a.bans.length ? a.bans.map((b) => `${reasonName(t, b.reason)} (${formatTime(b.createdAt)}${b.until ? ` → ${formatTime(b.until)}` : ''}${b.active ? `, ${t.bannedBadge}` : ''})`).join('; ') : t.none),
    ),
    profile?.recent.length
      ? h('ul', { class: 'recent' }, ...profile.recent.filter((r) => r.id !== item.id).slice(0, 5).map((r) => h('li', {}, h('span', { class: `status ${r.status}` }, statusLabel(r.status), r.reason ? ' · ' : '', r.reason ? reasonLabel(t, r.reason) : null), ' ', r.body.length > 140 ? `${r.body.slice(0, 140)}…` : r.body)))
      : null,
    sanctionsPanel(a.id, profile as (Profile & SanctionsProfile) | undefined, {
      lang: state.lang,
      changed: async (said) => {
        state.histories.set(a.id, await get<Record<string, unknown>>(`/api/moderation/commenters/${encodeURIComponent(a.id)}`));
        renderList();
        if (said) announce(said);
      },
      failed: handleError,
    }),
  );
}

async function toggleHistory(item: Item): Promise<void> {
  if (state.openHistory.delete(item.id)) {
    renderList();
    focusCard(state.current, true);
    return;
  }
  state.openHistory.add(item.id);
  try {
    const profile = await get<Record<string, unknown>>(`/api/moderation/commenters/${encodeURIComponent(item.author.id)}`);
    state.histories.set(item.author.id, profile);
  } catch (err) {
    handleError(err);
  }
  renderList();
  focusCard(state.current, true);
}

function articlePanel(item: Item): HTMLElement | null {
  const a = state.articles.get(item.article.id);
  if (!a) return null;
  const modeId = `m-${item.id}`;
  const modes: Array<[string, string]> = [['', t.modeDefault], ['auto', t.modeAuto], ['pre', t.modePre]];
  const mode = h(
    'select',
    {
      id: modeId,
      onchange: (e: Event) => {
        const value = (e.target as HTMLSelectElement).value;
        void saveArticle(item, { moderationMode: value === '' ? null : (value as ModerationMode) });
      },
    },
    ...modes.map(([value, label]) => h('option', { value, selected: (a.moderationMode ?? '') === value }, label)),
  );
  return h(
    'div',
    { class: 'article-settings', role: 'region', 'aria-label': `${t.articleSettings}: ${item.article.title ?? item.article.id}` },
    h(
      'p',
      {},
      `${t.commentsLabel}: `,
      h('strong', { class: a.commentsOpen ? 'open' : 'closed' }, a.commentsOpen ? t.commentsOpenState : t.commentsClosedState),
      ' ',
      h('button', { type: 'button', class: a.commentsOpen ? 'reject' : '', onclick: () => void saveArticle(item, { commentsOpen: !a.commentsOpen }) }, a.commentsOpen ? t.closeComments : t.reopenComments),
    ),
    h('p', {}, h('label', { for: modeId }, t.modeLabel), ' ', mode),
  );
}

async function toggleArticle(item: Item): Promise<void> {
  if (!state.openArticle.delete(item.id)) {
    state.openArticle.add(item.id);
    try {
      state.articles.set(item.article.id, await get<ArticleView>(`/api/moderation/articles/${encodeURIComponent(item.article.id)}`));
    } catch (err) {
      state.openArticle.delete(item.id);
      handleError(err);
    }
  }
  renderList();
  focusCard(state.current, true);
}

async function toggleFeatured(item: Item | undefined): Promise<void> {
  // Only what readers see can be a pick: not a comment hidden after reports.
  if (!item || item.comment.status !== 'published' || item.comment.hidden) return;
  const on = !item.comment.featured;
  try {
    const answer = await post<{ comment: QueueItem['comment'] }>(`/api/moderation/comments/${encodeURIComponent(item.id)}/${on ? 'feature' : 'unfeature'}`);
    item.comment = { ...item.comment, ...answer.comment };
    announce(on ? t.featuredDone : t.unfeaturedDone);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'COMMENT_NOT_PUBLISHED') {
      await refreshCard(item.id, t.conflict);
      return;
    }
    handleError(err);
  }
  renderList();
  focusCard(state.current, true);
}

async function saveArticle(item: Item, change: { commentsOpen?: boolean; moderationMode?: ModerationMode | null }): Promise<void> {
  try {
    const saved = await api<ArticleView>('PATCH', `/api/moderation/articles/${encodeURIComponent(item.article.id)}`, change);
    state.articles.set(saved.id, saved);
    announce(change.commentsOpen === undefined ? t.articleSaved : saved.commentsOpen ? t.commentsReopened : t.commentsClosed);
  } catch (err) {
    handleError(err);
  }
  renderList();
  focusCard(state.current, true);
}

// ---------------------------------------------------------------- focus and selection

function focusCard(index: number, focus = true): void {
  if (!state.items.length) return;
  state.current = Math.max(0, Math.min(index, state.items.length - 1));
  const cards = document.querySelectorAll<HTMLElement>('#cards > .card');
  cards.forEach((el, i) => {
    el.classList.toggle('current', i === state.current);
    el.tabIndex = i === state.current ? 0 : -1;
  });
  const el = cards[state.current];
  // A moderator typing in a card (a note, a warning) keeps the keyboard; the keys move between cards only from outside a field.
  const typing = document.activeElement instanceof HTMLInputElement || document.activeElement instanceof HTMLTextAreaElement;
  if (el && focus && !typing) {
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
  }
}

function toggleSelect(id: string): void {
  if (!state.selected.delete(id)) state.selected.add(id);
  renderList();
  focusCard(state.current, true);
}

function currentItem(): Item | undefined {
  return state.items[state.current];
}

function removeItem(id: string): void {
  const index = state.items.findIndex((i) => i.id === id);
  if (index === -1) return;
  state.items.splice(index, 1);
  state.selected.delete(id);
  if (state.current >= state.items.length) state.current = Math.max(0, state.items.length - 1);
  const hadFocus = document.activeElement?.closest('#cards') !== null;
  renderList();
  focusCard(state.current, hadFocus);
}

// ---------------------------------------------------------------- decisions

async function decide(action: 'approve' | 'reject', ids?: string[], reason?: string): Promise<void> {
  const targets = ids ?? (state.selected.size ? [...state.selected] : currentItem() ? [currentItem()!.id] : []);
  if (!targets.length) return;
  const done = action === 'approve' ? t.approved : t.rejectedDone;
  // The status the moderator was looking at: if it changed meanwhile, the API answers 409 instead of
  // reversing someone else's decision (and it reverses a decided comment only when told which status it had).
  const seenStatus = (id: string) => state.items.find((i) => i.id === id)?.comment.status;
  // The edit on screen: if the author replaced it meanwhile, the API answers 409 instead of deciding text nobody saw.
  const seenRevision = (id: string) => shownRevision(state.items.find((i) => i.id === id))?.id;
  const decideOne = (id: string) => {
    const expectedStatus = seenStatus(id);
    const revisionId = seenRevision(id);
    return post(`/api/moderation/comments/${id}/${action}`, {
      ...(action === 'reject' ? { reason } : {}),
      ...(expectedStatus ? { expectedStatus } : {}),
      // null: the moderator read a text never edited (an edit since is a 409 too).
      revisionId: revisionId ?? null,
    });
  };
  try {
    if (targets.length === 1) {
      await decideOne(targets[0]!);
      announce(done);
      // A comment opened on its own stays on screen, in its new state.
      if (keepsDecided(state.view)) await refreshCard(targets[0]!, done);
      else removeItem(targets[0]!);
      return;
    }
    const results: Array<{ id: string; ok: boolean; error?: string; status?: string | null }> = [];
    // Edits are decided one by one, each with its revision; the rest in one bulk request per status seen.
    for (const id of targets.filter(seenRevision)) {
      try {
        await decideOne(id);
        results.push({ id, ok: true });
      } catch (err) {
        if (!(err instanceof ApiError) || (err.code !== 'CONFLICT' && err.code !== 'NOT_FOUND')) throw err;
        results.push({ id, ok: false, error: err.code });
      }
    }
    const byStatus = new Map<string | undefined, string[]>();
    for (const id of targets.filter((id) => !seenRevision(id))) {
      const status = seenStatus(id);
      byStatus.set(status, [...(byStatus.get(status) ?? []), id]);
    }
    for (const [expectedStatus, ids] of byStatus) {
      const answer = await post<{ results: typeof results }>('/api/moderation/comments/bulk', {
        ids,
        action,
        ...(reason ? { reason } : {}),
        ...(expectedStatus ? { expectedStatus } : {}),
      });
      results.push(...answer.results);
    }
    const failed = results.filter((r) => !r.ok);
    for (const r of results) if (r.ok) removeItem(r.id);
    announce(`${done} (${results.length - failed.length})`);
    for (const r of failed) await refreshCard(r.id, r.error === 'CONFLICT' ? t.conflict : `${t.failed}${r.error}`);
    if (failed.length) alertError(t.conflict);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'CONFLICT') {
      await refreshCard(targets[0]!, t.conflict);
      alertError(t.conflict);
      return;
    }
    handleError(err);
  }
}

/** Someone else decided first: show the comment as it is now, with a notice saying so. */
async function refreshCard(id: string, notice: string): Promise<void> {
  const index = state.items.findIndex((i) => i.id === id);
  if (index === -1) return;
  const fresh = await get<QueueItem>(`/api/moderation/comments/${encodeURIComponent(id)}`).catch(() => null);
  if (fresh) state.items[index] = toItem(fresh);
  state.items[index]!.notice = notice;
  state.selected.delete(id);
  renderList();
  focusCard(state.current, true);
}

function handleError(err: unknown): void {
  if (err instanceof ApiError && err.status === 401) {
    renderSignIn(err.message);
    return;
  }
  alertError(t.failed + (err as Error).message);
}

// ---------------------------------------------------------------- dialogs

let rejectTargets: string[] | undefined;

function dialog(title: string, content: HTMLElement[], onClose?: () => void): HTMLDialogElement {
  const titleId = `d-${Date.now()}`;
  const previous = document.activeElement as HTMLElement | null;
  const d = h('dialog', { 'aria-labelledby': titleId }, h('h2', { id: titleId }, title), ...content);
  d.addEventListener('close', () => {
    d.remove();
    onClose?.();
    previous?.focus();
  });
  document.body.append(d);
  d.showModal();
  return d;
}

function openReasons(ids?: string[]): void {
  state.pending = 'reject';
  rejectTargets = ids;
  const d = dialog(
    t.chooseReason,
    [
      h(
        'ol',
        { class: 'reasons' },
        ...REASONS.map((reason, i) =>
          h('li', {}, h('button', { type: 'button', 'data-reason': reason, onclick: () => { d.close(); void decide('reject', rejectTargets, reason); } }, h('kbd', {}, String(i + 1)), ' ', t.reasons[reason]!)),
        ),
      ),
      h('button', { type: 'button', class: 'link', onclick: () => d.close() }, t.cancel),
    ],
    () => (state.pending = null),
  );
  d.id = 'reasons';
}

async function openBan(item: Item | undefined): Promise<void> {
  if (!item) return;
  const reason = h('select', { id: 'ban-reason' }, ...REASONS.map((r) => h('option', { value: r }, t.reasons[r]!)));
  const until = h(
    'select',
    { id: 'ban-until' },
    h('option', { value: '' }, t.banForever),
    ...[1, 7, 30].map((days) => h('option', { value: String(days) }, t.days(days))),
  );
  const rejectPending = h('input', { id: 'ban-reject', type: 'checkbox', checked: true });
  const form = h(
    'form',
    { method: 'dialog' },
    h('p', {}, item.author.displayName),
    h('label', { for: 'ban-reason' }, t.banReason),
    reason,
    h('label', { for: 'ban-until' }, t.banUntil),
    until,
    h('label', { class: 'check' }, rejectPending, ` ${t.rejectPending}`),
    h('div', { class: 'actions' }, h('button', { type: 'submit', value: 'ban', class: 'reject' }, t.banConfirm), h('button', { type: 'submit', value: 'cancel', class: 'link' }, t.cancel)),
  );
  const d = dialog(t.banTitle, [form]);
  reason.focus();
  form.addEventListener('submit', async (e) => {
    const submitter = (e as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter?.value !== 'ban') return;
    const days = Number(until.value);
    const body = { reason: reason.value, rejectPending: rejectPending.checked, ...(days ? { until: new Date(Date.now() + days * 86_400_000).toISOString() } : {}) };
    try {
      const result = await post<{ rejected: string[] }>(`/api/moderation/commenters/${encodeURIComponent(item.author.id)}/ban`, body);
      announce(t.banned);
      state.histories.delete(item.author.id);
      for (const other of state.items) if (other.author.id === item.author.id) other.author.banned = true;
      for (const id of result.rejected ?? []) if (state.view === 'review') removeItem(id);
      renderList();
      focusCard(state.current, true);
    } catch (err) {
      handleError(err);
    }
    d.close();
  });
}

/** The search view, its first field focused (the header's button and the key `/`). */
function openSearch(): void {
  if (state.view !== 'search') void loadView('search');
  const input = document.getElementById('search-q') as HTMLInputElement | null;
  input?.focus();
  input?.select();
}

function showKeys(): void {
  if (document.getElementById('keys')) return;
  const d = dialog(t.keysTitle, [
    h('dl', { class: 'keys' }, ...t.keys.flatMap(([key, what]) => [h('dt', {}, h('kbd', {}, key!)), h('dd', {}, what!)])),
    h('button', { type: 'button', onclick: () => d.close() }, t.close),
  ]);
  d.id = 'keys';
}

// ---------------------------------------------------------------- keyboard

document.addEventListener('keydown', (e) => {
  if (!state.me || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = e.target as HTMLElement;
  const reasons = document.getElementById('reasons') as HTMLDialogElement | null;
  if (reasons && state.pending === 'reject') {
    const n = Number(e.key);
    if (n >= 1 && n <= REASONS.length) {
      e.preventDefault();
      const targets = rejectTargets;
      reasons.close();
      void decide('reject', targets, REASONS[n - 1]);
    }
    return;
  }
  if (document.querySelector('dialog[open]')) return; // Esc closes dialogs natively
  if (target.matches('input, select, textarea') || target.isContentEditable) return;
  if (state.pending === 'go') {
    state.pending = null;
    const n = Number(e.key);
    if (n >= 1 && n <= QUEUES.length) void loadView(QUEUES[n - 1]!);
    return;
  }
  const queueView = hasCards(state.view);
  const key = e.key;
  if (key === '?') showKeys();
  else if (key === '/') openSearch();
  else if (key === 'g') state.pending = 'go';
  else if (!queueView) return;
  else if (key === 'j') focusCard(state.current + 1);
  else if (key === 'k') focusCard(state.current - 1);
  else if (key === 'a') void decide('approve');
  else if (key === 'r' && (state.selected.size || currentItem())) openReasons(state.selected.size ? undefined : [currentItem()!.id]);
  else if (key === 'b') void openBan(currentItem());
  else if (key === 'f') void toggleFeatured(currentItem());
  else if (key === 'x' && currentItem()) toggleSelect(currentItem()!.id);
  else if (key === 'h' && currentItem()) void toggleHistory(currentItem()!);
  else if (key === 'o' && currentItem()) void toggleArticle(currentItem()!);
  else return;
  e.preventDefault();
});

void start();
