/**
 * The bell's panel: the reader's notifications, newest first (a page at a time), each a link to the
 * article at the comment (`#comment-<id>`) that marks it read; "mark all read"; and which types the
 * reader gets, and by e-mail (email.ts). Text from the server is set as text, and only http(s) links are followed.
 */
import { api } from './api.js';
import { currentAuth, failure, settings, setNotice, t } from './context.js';
import { clear, h } from './dom.js';
import { emailSection, loadEmail, showModes, type EmailModes } from './email.js';
import { errorText, relativeTime } from './i18n.js';

type NotificationType = 'reply' | 'published' | 'rejected' | 'featured' | 'warning';
const TYPES: NotificationType[] = ['reply', 'published', 'rejected', 'featured', 'warning'];

interface Notice {
  id: string;
  type: NotificationType;
  link: string | null;
  at: string;
  read: boolean;
  reason?: string | null;
  actor?: { displayName: string } | null;
}

interface Page {
  items: Notice[];
  nextCursor: string | null;
  unread: number;
}

const words = t.notifications;
const items = h('ul', { class: 'cw-notes' });
const more = h('button', { type: 'button', class: 'cw-link cw-notes-more', hidden: true }, words.more);
const markAll = h('button', { type: 'button', class: 'cw-link cw-notes-all' }, words.markAll);
const types = h('fieldset', { class: 'cw-notes-prefs' }, h('legend', {}, words.settings));
const prefs = h('div', { class: 'cw-notes-settings-box', hidden: true }, types, emailSection);
const prefsToggle = h('button', { type: 'button', class: 'cw-link cw-notes-settings', 'aria-expanded': 'false' }, words.settings);
export const panel = h('div', { id: 'cw-notifications', class: 'cw-notes-panel', role: 'region', 'aria-label': words.title, hidden: true },
  h('div', { class: 'cw-notes-head' }, h('strong', {}, words.title), markAll, prefsToggle),
  prefs,
  items,
  more,
);

let cursor: string | null = null;
let onUnread: (n: number) => void = () => undefined;

export function closePanel(button: HTMLElement): void {
  panel.hidden = true;
  button.setAttribute('aria-expanded', 'false');
}

export function togglePanel(button: HTMLElement, tellUnread: (n: number) => void): void {
  onUnread = tellUnread;
  if (!panel.hidden) return closePanel(button);
  panel.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  clear(items);
  cursor = null;
  void load();
  if (!prefs.hidden) void loadPreferences();
}

async function load(): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  more.hidden = true;
  try {
    const page = await api<Page>('GET', `/api/me/notifications?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token, cache: 'no-store' });
    if (currentAuth()?.token !== token) return;
    if (!cursor && page.items.length === 0) items.append(h('li', { class: 'cw-notes-empty' }, words.empty));
    for (const n of page.items) items.append(row(n));
    cursor = page.nextCursor;
    more.hidden = !cursor;
    onUnread(page.unread);
  } catch (err) {
    failure(err);
  }
}

function text(n: Notice): string {
  const said = words.text[n.type](n.actor?.displayName ?? null);
  return n.type === 'rejected' && n.reason ? `${said} (${t.reasons[n.reason] ?? n.reason})` : said;
}

function row(n: Notice): HTMLElement {
  const when = h('time', { datetime: n.at }, relativeTime(settings.lang, n.at));
  const link = n.link && /^https?:\/\//i.test(n.link) ? n.link : null;
  const body = link ? h('a', { href: link, target: '_top', class: 'cw-note-link' }, text(n)) : h('span', { class: 'cw-note-link' }, text(n));
  const li = h('li', { class: n.read ? 'cw-note' : 'cw-note cw-unread', 'data-id': n.id }, body, ' ', when);
  body.addEventListener('click', () => {
    if (!li.classList.contains('cw-unread')) return;
    li.classList.remove('cw-unread');
    // keepalive: the link may take the page away meanwhile.
    void send({ ids: [n.id] }, true);
  });
  return li;
}

async function send(body: { ids: string[] } | { all: true }, keepalive = false): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  try {
    const { unread } = await api<{ unread: number }>('POST', '/api/me/notifications/read', { token, body, keepalive });
    onUnread(unread);
  } catch (err) {
    const info = failure(err);
    setNotice(errorText(t, info), 'error');
  }
}

markAll.addEventListener('click', () => {
  items.querySelectorAll('.cw-unread').forEach((li) => li.classList.remove('cw-unread'));
  void send({ all: true });
});
more.addEventListener('click', () => void load());

prefsToggle.addEventListener('click', () => {
  const open = prefs.hidden;
  prefs.hidden = !open;
  prefsToggle.setAttribute('aria-expanded', String(open));
  if (open) void loadPreferences();
});

// The reader may have confirmed the address in another tab.
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && !panel.hidden && !prefs.hidden) void loadEmail();
});

async function loadPreferences(): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  void loadEmail();
  try {
    const { notifications, email } = await api<{ notifications: Record<NotificationType, boolean>; email?: EmailModes }>('GET', '/api/me/preferences', { token, cache: 'no-store' });
    if (currentAuth()?.token !== token) return;
    types.querySelectorAll('label').forEach((el) => el.remove());
    for (const type of TYPES) {
      const box = h('input', { type: 'checkbox', name: type, checked: notifications[type] !== false });
      box.addEventListener('change', () => void savePreference(type, box));
      types.append(h('label', { class: 'cw-notes-pref' }, box, ' ', words.types[type]));
    }
    showModes(email);
  } catch (err) {
    failure(err);
  }
}

async function savePreference(type: NotificationType, box: HTMLInputElement): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  box.disabled = true;
  try {
    const { notifications, email } = await api<{ notifications: Record<NotificationType, boolean>; email?: EmailModes }>('PUT', '/api/me/preferences', { token, body: { notifications: { [type]: box.checked } } });
    box.checked = notifications[type];
    showModes(email);
  } catch (err) {
    box.checked = !box.checked;
    setNotice(errorText(t, failure(err)), 'error');
  } finally {
    box.disabled = false;
  }
}
