import type { AuditView } from '../../moderation/decisions/audit.service.js';
import { get, query } from './api.js';
import { clear, h } from './dom.js';
import type { AuditWords, Text } from './i18n.js';
import { formatDate, formatTime, own, reasonLabel } from './words.js';

/** An audit entry as GET /api/moderation/log gives it (with the comment's excerpt, the commenter's name, the article's title). */
export type AuditLine = AuditView;

export interface LogContext {
  t: Text;
  stillShown: () => boolean;
  statusLabel: (status: string) => string;
  handleError: (err: unknown) => void;
  /** Opens one comment in the dashboard (the link on each line that names one). */
  openComment: (id: string) => void;
}

/** The audit log, newest first: one sentence a line, the comment it concerns a link away. */
export async function loadLog(main: HTMLElement, ctx: LogContext, cursor?: string): Promise<void> {
  const { t } = ctx;
  try {
    const page = await get<{ items: AuditLine[]; nextCursor: string | null }>(`/api/moderation/log${query({ cursor })}`);
    if (!ctx.stillShown()) return;
    if (!cursor) {
      clear(main);
      main.append(
        h('h2', { id: 'view-title' }, t.log),
        h(
          'table',
          { class: 'log audit' },
          h('thead', {}, h('tr', {}, ...[t.when, t.action, t.comment, t.status].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}),
        ),
      );
    }
    const tbody = main.querySelector('tbody')!;
    for (const e of page.items) tbody.append(auditRow(e, ctx));
    main.querySelector('button.more')?.remove();
    if (page.nextCursor) main.append(h('button', { type: 'button', class: 'more', onclick: () => void loadLog(main, ctx, page.nextCursor!) }, t.loadMore));
    if (!page.items.length && !cursor) main.append(h('p', { class: 'empty' }, t.none));
  } catch (err) {
    ctx.handleError(err);
  }
}

function auditRow(e: AuditLine, ctx: LogContext): HTMLElement {
  const { t } = ctx;
  const status = e.from || e.to ? `${e.from ? ctx.statusLabel(e.from) : '–'} → ${e.to ? ctx.statusLabel(e.to) : '–'}` : '';
  return h(
    'tr',
    { 'data-action': e.action, 'data-entry': e.id, 'data-commenter': e.commenterId },
    h('td', {}, h('time', { datetime: e.at }, formatTime(e.at))),
    h(
      'td',
      { class: 'what' },
      h('span', { class: 'sentence', title: e.action }, auditSentence(t, e)),
      e.reason ? h('span', { class: 'because' }, ' — ', reasonLabel(t, e.reason)) : null,
      e.note ? h('q', { class: 'note' }, e.note) : null,
    ),
    h('td', {}, e.commentId ? commentLink(e.commentId, e.commentExcerpt ?? null, ctx) : ''),
    h('td', {}, status),
  );
}

/** Its excerpt when the server sends one, else words: a bare UUID tells a person nothing. */
function commentLink(id: string, excerpt: string | null, ctx: LogContext): HTMLElement {
  return h(
    'a',
    {
      href: `#comment/${encodeURIComponent(id)}`,
      class: excerpt ? 'excerpt' : 'open-comment',
      'data-comment': id,
      title: id,
      onclick: (event: Event) => {
        event.preventDefault();
        ctx.openComment(id);
      },
    },
    excerpt ? `“${excerpt}”` : ctx.t.openComment,
  );
}

const str = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** The entry as a sentence in the dashboard's language; an action it does not know yet still reads "who: action". */
export function auditSentence(t: Text, e: AuditLine): string {
  const d = e.detail ?? {};
  const who = t.auditWho(e.moderator?.email ?? null, str(d.via) ?? undefined);
  const role = (r: unknown) => (str(r) ? (own(t.roles, r as string) ?? (r as string)) : '?');
  const settings: string[] = [];
  if (typeof d.commentsOpen === 'boolean') settings.push(`${t.commentsLabel}: ${d.commentsOpen ? t.commentsOpenState : t.commentsClosedState}`);
  if ('moderationMode' in d) settings.push(`${t.modeLabel}: ${d.moderationMode === 'pre' ? t.modePre : d.moderationMode === 'auto' ? t.modeAuto : t.modeDefault}`);
  const words: AuditWords = {
    target: e.targetModerator?.email || str(d.email) || '?',
    commenter: e.commenterName ?? null,
    role: role(d.role),
    from: role(d.from),
    to: role(d.to),
    version: num(d.version),
    changes: Array.isArray(d.changes) ? d.changes.length : 0,
    until: str(d.until) ? formatDate(d.until as string) : null,
    count: num(d.reportCount),
    hidden: d.hidden === true,
    article: `“${e.articleTitle ?? str(d.articleId) ?? '?'}”`,
  };
  const sentence = Object.prototype.hasOwnProperty.call(t.audit, e.action) ? t.audit[e.action]!(who, words) : t.auditOther(who, e.action);
  return settings.length ? `${sentence} (${settings.join('; ')})` : sentence;
}
