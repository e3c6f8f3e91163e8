/**
 * What every part of the comment box shares: its settings, its words, the signed-in reader, whether
 * the article is open, and the notice line. Parts that must follow the reader or the article (the
 * composer, every comment's buttons) subscribe with onSessionChange.
 */
import { ApiError } from './api.js';
import { AuthStore, type Auth, type Commenter } from './auth-store.js';
import { h } from './dom.js';
import { strings, type ApiErrorInfo } from './i18n.js';
import type { WidgetSettings } from '../widget-page.js';

export const settings = JSON.parse(document.getElementById('widget-settings')!.textContent!) as WidgetSettings;
export const t = strings(settings.lang);
export const articlePath = `/api/articles/${encodeURIComponent(settings.articleId)}`;
export const authStore = new AuthStore();

let auth: Auth | null = authStore.load();
/** A moderator closed comments on this article: no forms, a notice instead. */
let closed = false;
const listeners: Array<() => void> = [];

export function currentAuth(): Auth | null {
  return auth;
}

export function isOwn(author: Commenter | null): boolean {
  return !!auth && !!author && author.id === auth.commenter.id;
}

export function isClosed(): boolean {
  return closed;
}

export function onSessionChange(listener: () => void): void {
  listeners.push(listener);
}

function changed(): void {
  for (const listener of listeners) listener();
}

export function setAuth(next: Auth | null): void {
  auth = next;
  authStore.save(next);
  changed();
}

export function setOpen(open: boolean): void {
  if (closed === !open) return;
  closed = !open;
  changed();
}

export const notice = h('p', { class: 'cw-notice', role: 'status', 'aria-live': 'polite' });

export function setNotice(text: string, kind: 'info' | 'error' = 'info'): void {
  notice.textContent = text;
  notice.className = `cw-notice cw-${kind}`;
}

/** What went wrong with a call; an expired sign-in signs the reader out (the composer then says so). */
export function failure(err: unknown): ApiErrorInfo {
  const info = err instanceof ApiError ? err.info : { error: 'OTHER', status: 0 };
  if (info.error === 'UNAUTHENTICATED' && auth) {
    setAuth(null);
    setNotice(t.errors.UNAUTHENTICATED!(info), 'error');
  }
  return info;
}
