/** The article's live stream (server-sent events): new, removed and edited comments, counts, picks, open or closed. */
import { edited, featuredChanged, published, reactionsChanged, removed } from './changes.js';
import { articlePath, setOpen } from './context.js';
import { catchUp, setTotal } from './list.js';
import type { Item } from './state.js';
import { replyPublished } from './bell.js';

export function live(): void {
  if (typeof EventSource === 'undefined') return;
  const source = new EventSource(`${articlePath}/events`);
  const on = <T>(type: string, handle: (data: T) => void) =>
    source.addEventListener(type, (event) => handle(JSON.parse((event as MessageEvent).data as string) as T));
  let opened = false;
  // After a dropped connection, events may have been missed: catch up from the first page.
  source.addEventListener('open', () => {
    if (opened) void catchUp().then((items) => items.forEach(published));
    opened = true;
  });
  on<{ comment: Item; total: number }>('published', (data) => {
    published(data.comment);
    setTotal(data.total);
    replyPublished(data.comment);
  });
  on<{ id: string; parentId: string | null; total: number; placeholder: Item | null }>('removed', (data) => {
    removed(data.id, data.parentId, data.placeholder);
    setTotal(data.total);
  });
  on<{ comment: Item }>('edited', (data) => edited(data.comment));
  on<{ id: string; likes: number; dislikes: number }>('reactions', (data) => reactionsChanged(data.id, data.likes, data.dislikes));
  on<{ id: string; featured: boolean }>('featured', (data) => featuredChanged(data.id, data.featured));
  on<{ commentsOpen: boolean }>('article', (data) => setOpen(data.commentsOpen));
}
