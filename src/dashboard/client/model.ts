import type { Span } from './highlight.js';

import type { StatusCounts } from '../../moderation/queue.service.js';
import type { QueueName as Queue } from '../../moderation/reasons.js';

// The server's own lists and shapes (type imports vanish from the bundle; reasons.ts has no dependencies).
export { QUEUES, REJECT_REASONS as REASONS, type QueueName as Queue } from '../../moderation/reasons.js';
export type { StatusCounts } from '../../moderation/queue.service.js';

export interface Me {
  id: string;
  email: string;
  role: 'moderator' | 'admin';
}


export interface BanView {
  reason: string;
  until: string | null;
  createdAt: string;
  active: boolean;
}

/** GET /api/moderation/queue items and GET /api/moderation/comments/{id} (QueueItem on the server). */
export interface QueueItem {
  comment: { id: string; articleId: string; commenterId: string; body: string; status: string; reason: string | null; createdAt: string; reportCount: number; hidden: boolean };
  article: { id: string; title: string | null; url: string | null };
  findings: Span[];
  reports: Array<{ reason: string; note: string | null; createdAt: string }>;
  author: { id: string; displayName: string; provider: string; firstSeenAt: string; history: StatusCounts; banned: boolean; bans: BanView[] };
}

export interface Item extends QueueItem {
  id: string;
  /** Shown on the card after a 409: someone else acted first. */
  notice?: string;
}

export function toItem(raw: QueueItem): Item {
  return { ...raw, id: raw.comment.id };
}

/** Report reasons with how many readers gave each. */
export function reportsByReason(item: QueueItem): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of item.reports) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => ({ reason, count }));
}

/** Which queue a comment in this state belongs to (reported comments are also published). */
export function belongsTo(item: { status: string; reportCount?: number; reportedAt?: string | null }, queue: Queue): boolean {
  switch (queue) {
    case 'review':
      return item.status === 'in_review';
    case 'rejected':
      return item.status === 'rejected';
    case 'published':
      return item.status === 'published';
    case 'reported':
      return item.status === 'published' && (item.reportedAt != null || (item.reportCount ?? 0) > 0);
  }
}
