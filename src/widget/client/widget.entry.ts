/**
 * The comment box inside the iframe: sign-in by popup, composing with the shared length rule, the
 * reader's own unpublished comments, the highlights, the published list in four orders with
 * threads, reactions, edits and deletion, live updates, reports. Each part is a module beside this one.
 */
import { handleActions } from './actions.js';
import { api } from './api.js';
import { published } from './changes.js';
import { boxes, refreshBox } from './comment-view.js';
import { composer, startComposer } from './composer.js';
import { authStore, currentAuth, notice, onSessionChange, settings, t } from './context.js';
import { h } from './dom.js';
import { loadHighlights, strip } from './highlights.js';
import { relativeTime } from './i18n.js';
import { startCommentLinks } from './comment-link.js';
import { catchUp, checkAgainstOwn, count, list, listState, loadPage, more, sortBar } from './list.js';
import { live } from './live.js';
import { bell, startBell } from './bell.js';
import { panel as notificationsPanel } from './notifications.js';
import { forgetMutes, loadMutes, mutedPanel } from './mutes.js';
import { forgetAll, loadMine, mineList, waitingNotice, whenLoaded, whenPublished } from './own-comments.js';
import { forgetMyReactions, loadMyReactions } from './reactions.js';
import type { Item } from './state.js';
import { loadWarnings, warnings } from './warnings.js';

for (const [key, value] of Object.entries(settings.theme)) document.documentElement.style.setProperty(`--cw-${key}`, value);

const root = h('section', { class: 'cw-root', 'aria-labelledby': 'cw-title' },
  bell,
  h('h2', { id: 'cw-title', class: 'cw-title', tabindex: -1 }, t.comments, ' ', count),
  notificationsPanel,
  warnings,
  composer,
  notice,
  waitingNotice,
  mineList,
  mutedPanel,
  strip,
  sortBar,
  list,
  listState,
  more,
);
document.getElementById('app')!.append(root);
handleActions(root);

// One of the reader's comments was just published and the live stream has not said so (it may
// have been published before the stream opened): into the list (or its thread) at once, and the
// count and what else was missed from a fresh first page, so the count matches the list.
whenPublished((id) => {
  if (boxes(id).length) return;
  void api<Item>('GET', `/api/comments/${encodeURIComponent(id)}`)
    .then((c) => c.author && published(c), () => undefined)
    .then(() => catchUp())
    .then((missed) => missed.forEach(published));
});
// The list may come from the browser's cache, from before one of the reader's comments was published or removed.
whenLoaded(checkAgainstOwn);

let signedInAs = currentAuth()?.token;
onSessionChange(() => {
  const token = currentAuth()?.token;
  if (token !== signedInAs) {
    signedInAs = token;
    document.querySelectorAll('.cw-ask').forEach((el) => el.remove());
    void loadWarnings();
    if (token) {
      void loadMine();
      void loadMyReactions();
      void loadMutes();
    } else {
      forgetAll();
      forgetMyReactions();
      forgetMutes();
    }
  }
  // Who may edit, delete, report or react, and whether one may reply, changed: every comment says so again.
  boxes().forEach(refreshBox);
});

// Relative times age: refresh them once a minute.
window.setInterval(() => {
  document.querySelectorAll('.cw-byline time, .cw-own-status time').forEach((el) => (el.textContent = relativeTime(settings.lang, el.getAttribute('datetime')!)));
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

document.documentElement.dataset.storage = authStore.kind;
startComposer();
startBell();
if (currentAuth()) {
  void loadMine();
  void loadMyReactions();
  void loadWarnings();
  void loadMutes();
}
void loadHighlights();
void loadPage().then(() => {
  live();
  startCommentLinks();
});
