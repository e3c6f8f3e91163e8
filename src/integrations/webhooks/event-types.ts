/** Free of any framework: the dashboard's bundle imports these too. */
export const WEBHOOK_EVENT_TYPES = [
  'comment.created',
  'comment.published',
  'comment.rejected',
  'comment.reported',
  'comment.featured',
  'commenter.banned',
  'queue.backlog',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
