/** 공감 / 비공감: counted at once, put back if the service refuses; the reader's own from my-reactions. */
import { api } from './api.js';
import { boxes, say, syncReactions } from './comment-view.js';
import { articlePath, currentAuth, failure, t } from './context.js';
import { errorText } from './i18n.js';
import { askToSignIn } from './sign-in.js';
import { known, myReactions, type Item, type Reaction } from './state.js';

/** Comments with a reaction on its way: their buttons say so (aria-disabled), and take no click until the answer. */
const busy = new Set<string>();

function setBusy(id: string, on: boolean): void {
  if (on) busy.add(id);
  else busy.delete(id);
  for (const box of boxes(id)) box.querySelectorAll('.cw-react').forEach((b) => b.setAttribute('aria-disabled', String(on)));
}

export async function loadMyReactions(): Promise<void> {
  const auth = currentAuth();
  if (!auth) return;
  try {
    const { reactions } = await api<{ reactions: Record<string, Reaction> }>('GET', `${articlePath}/my-reactions`, { token: auth.token });
    if (currentAuth() !== auth) return;
    const changed = new Set([...myReactions.keys(), ...Object.keys(reactions)]);
    myReactions.clear();
    for (const [id, type] of Object.entries(reactions)) myReactions.set(id, type);
    changed.forEach(syncReactions);
  } catch (err) {
    failure(err);
  }
}

export function forgetMyReactions(): void {
  const ids = [...myReactions.keys()];
  myReactions.clear();
  ids.forEach(syncReactions);
}

function count(c: Item, type: Reaction | undefined, delta: number): void {
  if (type === 'like') c.likes = Math.max(0, c.likes + delta);
  if (type === 'dislike') c.dislikes = Math.max(0, c.dislikes + delta);
}

function setMine(id: string, type: Reaction | null | undefined): void {
  if (type) myReactions.set(id, type);
  else myReactions.delete(id);
}

/** Pressing like (or dislike) again takes it back; pressing the other one switches. */
export async function react(box: HTMLElement, id: string, type: Reaction): Promise<void> {
  const auth = currentAuth();
  if (!auth) return askToSignIn(box, t.signInToReact);
  const c = known.get(id);
  if (!c || busy.has(id)) return;
  const before = myReactions.get(id);
  const next = before === type ? undefined : type;
  count(c, before, -1);
  count(c, next, +1);
  setMine(id, next);
  syncReactions(id);
  say(box, '');
  setBusy(id, true);
  try {
    const path = `/api/comments/${encodeURIComponent(id)}/reaction`;
    const answer = await api<{ likes: number; dislikes: number; myReaction: Reaction | null } | undefined>(
      next ? 'PUT' : 'DELETE', path, next ? { token: auth.token, body: { type: next } } : { token: auth.token });
    if (answer) {
      c.likes = answer.likes;
      c.dislikes = answer.dislikes;
      setMine(id, answer.myReaction);
    }
  } catch (err) {
    count(c, next, -1);
    count(c, before, +1);
    setMine(id, before);
    say(box, errorText(t, failure(err), t.reactionErrors), true);
  } finally {
    setBusy(id, false);
    syncReactions(id);
  }
}
