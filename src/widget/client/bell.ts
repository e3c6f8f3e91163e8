/**
 * The bell in the box's header: the signed-in reader's unread notifications, on every article page.
 * Kept current by a light poll (POLL_MS, answered 304 by ETag while nothing changed; paused while
 * the page is hidden, asked again when it shows), and at once when the article's live stream
 * brings a reply to one of the reader's comments. The panel it opens is notifications.ts.
 */
import { api } from './api.js';
import { currentAuth, isOwn, onSessionChange, t } from './context.js';
import { h } from './dom.js';
import { closePanel, togglePanel } from './notifications.js';
import { known, own, type Item } from './state.js';

const POLL_MS = 30_000;

const badge = h('span', { class: 'cw-bell-count', hidden: true });
const button = h('button', { type: 'button', class: 'cw-bell', 'aria-expanded': 'false', 'aria-controls': 'cw-notifications', onclick: () => togglePanel(button, setUnread) },
  bellIcon(),
  badge,
);
/** Beside the title; the panel (notifications.ts) goes below it. */
export const bell = h('div', { class: 'cw-bell-box', hidden: true }, button);

/** Drawn, not an emoji: not every system has a font with one. */
function bellIcon(): SVGSVGElement {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'cw-bell-icon');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z');
  path.setAttribute('fill', 'currentColor');
  svg.append(path);
  return svg;
}

let timer: number | undefined;
let unread = 0;

export function setUnread(n: number): void {
  unread = Math.max(0, n);
  badge.textContent = unread > 99 ? '99+' : String(unread);
  badge.hidden = unread === 0;
  button.setAttribute('aria-label', unread ? `${t.notifications.title}: ${t.notifications.unread(unread)}` : t.notifications.title);
}

/** Asks for the count now (the browser revalidates with the ETag it kept). */
export async function refreshUnread(): Promise<void> {
  const token = currentAuth()?.token;
  if (!token) return;
  try {
    const { unread: n } = await api<{ unread: number }>('GET', '/api/me/notifications/unread', { token, cache: 'no-cache' });
    if (currentAuth()?.token === token) setUnread(n);
  } catch {
    // The next poll tries again.
  }
}

function schedule(): void {
  window.clearTimeout(timer);
  if (!currentAuth() || document.hidden) return;
  timer = window.setTimeout(() => void refreshUnread().then(schedule), POLL_MS);
}

/** From the live stream: a reply to one of the reader's comments on this page was published. */
export function replyPublished(c: Item): void {
  const answered = c.replyTo?.id ?? c.parentId;
  if (!answered || isOwn(c.author) || !(own.has(answered) || isOwn(known.get(answered)?.author ?? null))) return;
  void refreshUnread();
}

export function startBell(): void {
  let signedInAs: string | undefined;
  const follow = () => {
    const token = currentAuth()?.token;
    if (token === signedInAs) return;
    signedInAs = token;
    bell.hidden = !token;
    closePanel(button);
    setUnread(0);
    if (token) void refreshUnread();
    schedule();
  };
  onSessionChange(follow);
  follow();
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) void refreshUnread();
    schedule();
  });
}
