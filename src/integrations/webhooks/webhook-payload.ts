import type { WebhookEventType, WebhookFormat } from './webhook.entity.js';

/** What every endpoint receives (docs/integration.md, "Webhooks", has the schema of `data`). */
export interface WebhookEvent {
  /** Stable across retries: receivers use it to ignore a repeat. */
  id: string;
  type: WebhookEventType | 'webhook.test';
  createdAt: string;
  data: Record<string, unknown>;
}

/** An event row joined with what it refers to (WebhookRelay's query). */
export interface EventRow {
  id: number | string;
  type: WebhookEventType;
  created_at: unknown;
  detail: string | null;
  comment_id: string | null;
  commenter_id: string | null;
  body: string | null;
  status: string | null;
  decision_reason: string | null;
  parent_id: string | null;
  comment_created_at: unknown;
  article_id: string | null;
  article_url: string | null;
  article_title: string | null;
  author_id: string | null;
  display_name: string | null;
}

/** The event as delivered. `time` reads a timestamp column (Sql.time). */
export function toWebhookEvent(row: EventRow, time: (value: unknown) => Date, publicUrl: string): WebhookEvent {
  const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : {};
  const author = row.author_id ? { id: row.author_id, displayName: row.display_name ?? '' } : null;
  let data: Record<string, unknown>;
  if (row.type === 'commenter.banned') {
    data = { commenter: author, reason: detail.reason ?? null, until: detail.until ?? null };
  } else if (row.type === 'queue.backlog') {
    data = { inReview: detail.inReview, threshold: detail.threshold, dashboardUrl: `${publicUrl}/moderation` };
  } else {
    const decided = row.type === 'comment.published' || row.type === 'comment.rejected';
    const eventStatus = row.type === 'comment.created' ? 'pending' : decided ? row.type.slice('comment.'.length) : row.status;
    data = {
      comment: {
        id: row.comment_id,
        body: row.body ?? '',
        status: eventStatus,
        // The reason of this decision: read now, so only while the comment still has that status.
        reason: decided && row.status === eventStatus ? (row.decision_reason ?? null) : null,
        parentId: row.parent_id ?? null,
        createdAt: row.comment_created_at ? time(row.comment_created_at).toISOString() : null,
        url: row.article_url && row.comment_id ? `${row.article_url}#comment-${row.comment_id}` : null,
      },
      article: row.article_id ? { id: row.article_id, url: row.article_url ?? null, title: row.article_title ?? null } : null,
      author,
      ...(row.type === 'comment.reported'
        ? { reportCount: detail.reportCount ?? null, reason: detail.reason ?? null, queued: detail.queued ?? true, hidden: detail.hidden ?? false }
        : {}),
    };
  }
  return { id: String(row.id), type: row.type, createdAt: time(row.created_at).toISOString(), data };
}

/** Slack's mrkdwn treats these three as markup: the readers' words are escaped. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const quote = (text: string) =>
  slackEscape(text)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');

function link(url: unknown, label: string): string {
  return typeof url === 'string' && /^https?:\/\//.test(url) ? `<${url.replace(/[<>|]/g, encodeURIComponent)}|${slackEscape(label)}>` : slackEscape(label);
}

/** One line (and the comment quoted) for Slack-compatible incoming webhooks: `{text, blocks}`. */
export function slackMessage(event: WebhookEvent): { text: string; blocks: unknown[] } {
  const d = event.data as {
    comment?: { body: string; url: string | null; reason: string | null };
    article?: { url: string | null; title: string | null; id: string } | null;
    author?: { displayName: string } | null;
    commenter?: { displayName: string } | null;
    reason?: string | null;
    until?: string | null;
    inReview?: number;
    threshold?: number;
    dashboardUrl?: string;
    reportCount?: number | null;
    queued?: boolean;
  };
  const who = slackEscape(d.author?.displayName ?? d.commenter?.displayName ?? 'someone');
  const where = d.article ? link(d.article.url, d.article.title ?? d.article.id) : '';
  const headline: Record<WebhookEvent['type'], string> = {
    'comment.created': `New comment by ${who} on ${where}`,
    'comment.published': `Comment by ${who} published on ${where}`,
    'comment.rejected': `Comment by ${who} rejected on ${where}${d.comment?.reason ? ` (${slackEscape(d.comment.reason)})` : ''}`,
    'comment.reported': `Comment by ${who} reported${d.reportCount && d.reportCount > 1 ? ` (${d.reportCount} reports)` : ''}${d.queued ? ', now in the reported queue' : ''} on ${where}`,
    'comment.featured': `Comment by ${who} featured on ${where}`,
    'commenter.banned': `${who} was banned${d.reason ? `: ${slackEscape(String(d.reason))}` : ''}${d.until ? ` until ${slackEscape(String(d.until))}` : ''}`,
    'queue.backlog': `${d.inReview ?? '?'} comments wait for review (alert above ${d.threshold ?? '?'}): ${link(d.dashboardUrl, 'open the dashboard')}`,
    'webhook.test': 'Test message from the comment service: this channel will receive its webhooks',
  };
  const text = headline[event.type];
  const blocks: unknown[] = [{ type: 'section', text: { type: 'mrkdwn', text } }];
  if (d.comment?.body) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: quote(d.comment.body) } });
  if (d.comment?.url) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: link(d.comment.url, 'View the comment') }] });
  return { text: d.comment?.body ? `${text}\n${quote(d.comment.body)}` : text, blocks };
}

/** The request body for an endpoint of this format. */
export function renderBody(event: WebhookEvent, format: WebhookFormat): string {
  return JSON.stringify(format === 'slack' ? slackMessage(event) : event);
}
