/**
 * What happened to a comment, from the live stream or from the reader's own action, applied to
 * every place it is shown: the list, its thread, the highlights, the reader's own comments.
 */
import { syncHead, syncReactions } from './comment-view.js';
import { isOwn } from './context.js';
import { dropPick, reloadHighlightsSoon } from './highlights.js';
import { dropIfEmptyPlaceholder, topPublished, topRemoved } from './list.js';
import { renderMine } from './own-comments.js';
import { known, own, type Item } from './state.js';
import { replyPublished, replyRemoved } from './threads.js';

/** Removals already applied (the reader's own deletion, then the stream's news of it). */
const gone = new Set<string>();

export function published(c: Item): void {
  gone.delete(c.id);
  const mine = isOwn(c.author);
  if (c.parentId) replyPublished(c, mine);
  else topPublished(c, mine);
  const o = own.get(c.id);
  if (o && o.status !== 'published') {
    o.status = 'published';
    renderMine();
  }
}

/** True unless it had already been removed here (so the caller knows whether the total changes). */
export function removed(id: string, parentId: string | null, placeholder: Item | null): boolean {
  parentId ??= known.get(id)?.parentId ?? null;
  dropPick(id);
  if (!parentId) topRemoved(id, placeholder);
  if (gone.has(id)) return false;
  gone.add(id);
  if (parentId && replyRemoved(id, parentId) === 0) dropIfEmptyPlaceholder(parentId);
  return true;
}

export function edited(c: Item): void {
  known.set(c.id, { ...known.get(c.id), ...c });
  syncHead(c.id);
  const o = own.get(c.id);
  if (o?.pendingBody) {
    o.body = c.body ?? o.body;
    o.pendingBody = null;
    renderMine();
  }
}

export function reactionsChanged(id: string, likes: number, dislikes: number): void {
  const c = known.get(id);
  if (!c) return;
  c.likes = likes;
  c.dislikes = dislikes;
  syncReactions(id);
}

export function featuredChanged(id: string, featured: boolean): void {
  const c = known.get(id);
  if (c) {
    c.featured = featured;
    syncHead(id);
  }
  reloadHighlightsSoon();
}
