/** Posting a comment or a reply: the same request, the same errors, the same record of the reader's own. */
import { normalizeComment } from '../../comments/comment-length.js';
import { api, uuid } from './api.js';
import { articlePath, currentAuth, failure, setOpen, settings } from './context.js';
import type { ApiErrorInfo } from './i18n.js';
import { remember } from './own-comments.js';
import type { Own } from './state.js';

/** One per draft: a retry after a network failure reuses it, so the comment is not posted twice. */
export class Draft {
  private key = uuid();

  /** Posts the text; the error (in `ApiErrorInfo` form) when it fails. */
  async post(text: string, parentId?: string): Promise<ApiErrorInfo | null> {
    const auth = currentAuth();
    if (!auth) return { error: 'UNAUTHENTICATED', status: 401 };
    const body: Record<string, string> = { body: text };
    if (parentId) body.parentId = parentId;
    if (settings.articleUrl) body.articleUrl = settings.articleUrl;
    if (settings.articleTitle) body.articleTitle = settings.articleTitle;
    try {
      const accepted = await api<{ id: string; status: Own['status']; createdAt: string; parentId?: string | null }>('POST', `${articlePath}/comments`, {
        token: auth.token,
        body,
        headers: { 'idempotency-key': this.key },
      });
      this.key = uuid();
      remember({ id: accepted.id, body: normalizeComment(text), status: accepted.status, reason: null, createdAt: accepted.createdAt, parentId: accepted.parentId ?? null });
      return null;
    } catch (err) {
      const info = failure(err);
      if (info.error === 'COMMENTS_CLOSED') setOpen(false);
      if (info.error !== 'NETWORK') this.key = uuid();
      return info;
    }
  }
}
