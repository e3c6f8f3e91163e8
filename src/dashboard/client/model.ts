import type { Span } from './highlight.js';

export type Queue = 'review' | 'reported' | 'rejected' | 'published';
export const QUEUES: Queue[] = ['review', 'reported', 'rejected', 'published'];
export const REASONS = ['spam', 'abuse', 'personal_information', 'off_topic', 'link', 'other'] as const;

export interface Me {
  id: string;
  email: string;
  role: 'moderator' | 'admin';
}

export interface Item {
  id: string;
  body: string;
  status: string;
  reason: string | null;
  createdAt: string;
  articleId: string;
  articleTitle: string | null;
  articleUrl: string | null;
  findings: Span[];
  reports: Array<{ reason: string; count: number }>;
  reportCount: number;
  author: { id: string; name: string; summary: Record<string, unknown> | null };
  /** Shown on the card after a 409: someone else acted first. */
  notice?: string;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One queue item from GET /api/moderation/queue, flattened for rendering. */
export function toItem(raw: Json): Item {
  const c: Json = raw.comment ?? raw;
  const article: Json = raw.article ?? {};
  const author: Json = raw.author ?? {};
  const reports: Json = raw.reports ?? {};
  const byReason: Array<{ reason: string; count: number }> = Array.isArray(reports.byReason)
    ? reports.byReason
    : Array.isArray(reports)
      ? reports
      : Object.entries((reports.reasons ?? {}) as Record<string, number>).map(([reason, count]) => ({ reason, count }));
  return {
    id: String(c.id),
    body: String(c.body ?? ''),
    status: String(c.status ?? ''),
    reason: (c.decisionReason ?? c.reason ?? null) as string | null,
    createdAt: String(c.createdAt ?? ''),
    articleId: String(article.id ?? c.articleId ?? ''),
    articleTitle: (article.title ?? null) as string | null,
    articleUrl: (article.url ?? null) as string | null,
    findings: ((raw.findings ?? c.findings ?? []) as Span[]) || [],
    reports: byReason,
    reportCount: Number(reports.count ?? reports.total ?? byReason.reduce((n, r) => n + r.count, 0)),
    author: {
      id: String(author.id ?? c.commenterId ?? ''),
      name: String(author.displayName ?? author.name ?? author.id ?? ''),
      summary: (author.history ?? author.summary ?? null) as Record<string, unknown> | null,
    },
  };
}

export function queueOfStatus(status: string): Queue | null {
  return status === 'in_review' ? 'review' : status === 'published' ? 'published' : status === 'rejected' ? 'rejected' : null;
}
