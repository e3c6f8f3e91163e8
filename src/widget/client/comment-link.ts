/**
 * A link to one comment (`#comment-<id>` on the article's page, as the notifications give it):
 * embed.js passes the id, as `?comment=` and on every change of the page's fragment. The box shows
 * that comment, loading older pages or opening its thread as needed, picks it out for a moment and
 * asks the page to scroll to it. A comment that is no longer public says so; one that is public but
 * not in this article's list (another box on the same page) is left alone.
 */
import { api, ApiError } from './api.js';
import { notice, setNotice, settings, t } from './context.js';
import { list, seekTop } from './list.js';
import type { Item } from './state.js';
import { revealReply } from './threads.js';

const COMMENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** Allowance for the clocks of the process that made the id and the one that published it. */
const CLOCK_SKEW_MS = 60_000;
/** Room left above the comment in the page's window (sites have fixed headers). */
const ABOVE_PX = 80;

/** Bumped by every link: a slower search for an earlier one stops there. */
let latest = 0;

export function startCommentLinks(): void {
  new ResizeObserver(follow).observe(document.documentElement);
  const first = new URLSearchParams(location.search).get('comment');
  if (first) void showComment(first);
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown; id?: unknown } | null;
    if (event.source !== window.parent || event.origin !== settings.host || data?.type !== 'comments:show') return;
    if (typeof data.id === 'string') void showComment(data.id);
  });
}

async function showComment(id: string): Promise<void> {
  if (!COMMENT_ID.test(id)) return;
  const mine = ++latest;
  let target = shown(id);
  if (!target) {
    let c: Item;
    try {
      c = await api<Item>('GET', `/api/comments/${id}`);
    } catch (err) {
      if (mine === latest && err instanceof ApiError && err.info.status === 404) {
        setNotice(t.commentGone);
        bringIntoView(notice);
      }
      return;
    }
    if (mine !== latest) return;
    // The top comment was published no earlier than its id was made (UUIDv7 starts with the time).
    const notBefore = c.parentId ? parseInt(c.parentId.replaceAll('-', '').slice(0, 12), 16) - CLOCK_SKEW_MS : new Date(c.publishedAt).getTime();
    const top = await seekTop(c.parentId ?? c.id, notBefore);
    if (!top || mine !== latest) return;
    target = c.parentId ? await revealReply(c) : top;
    if (!target || mine !== latest) return;
  }
  list.querySelectorAll('.cw-target').forEach((el) => el.classList.remove('cw-target'));
  const box = target.firstElementChild as HTMLElement;
  box.classList.add('cw-target');
  bringIntoView(box);
}

/** A published comment already in the list, or in a thread that is open. */
function shown(id: string): HTMLElement | null {
  const li = list.querySelector<HTMLElement>(`.cw-item[data-id="${id}"]`);
  return li && !li.closest('[hidden]') ? li : null;
}

/**
 * The comment (or the notice) scrolled to, for a few seconds: what loads above it meanwhile (the
 * highlights, the reader's own comments) moves it down, and the page is asked again.
 */
let followed: { el: Element; offset: number; until: number } | null = null;

function bringIntoView(el: Element): void {
  requestAnimationFrame(() => {
    followed = { el, offset: NaN, until: Date.now() + 3000 };
    follow();
  });
}

/** Asked of the host page (embed.js): the resize message with where to scroll to, so the frame is tall enough first. */
function follow(): void {
  if (!followed) return;
  if (Date.now() > followed.until || !followed.el.isConnected) {
    followed = null;
    return;
  }
  const offset = followed.el.getBoundingClientRect().top + window.scrollY;
  if (offset === followed.offset) return;
  followed.offset = offset;
  if (window.parent === window) return followed.el.scrollIntoView();
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  window.parent.postMessage({ type: 'comments:resize', height, offset: offset - ABOVE_PX }, settings.host);
}
