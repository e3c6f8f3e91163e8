// Dependency-free, so the dashboard and the widget bundles import the same lists as the server.

/** Reasons a moderator rejects for; shown to readers, so a fixed list. */
export const REJECT_REASONS = ['spam', 'abuse', 'personal_information', 'off_topic', 'link', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Reasons a reader reports a comment for. */
export const REPORT_REASONS = ['spam', 'abuse', 'personal_information', 'off_topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

export const QUEUES = ['review', 'reported', 'rejected', 'published'] as const;
export type QueueName = (typeof QUEUES)[number];
