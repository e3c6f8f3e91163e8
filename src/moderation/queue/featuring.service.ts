import { Injectable } from '@nestjs/common';
import { CommentEvents } from '../../comments/comment-events.js';
import { Comment } from '../../comments/comment.entity.js';
import { Sql } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';
import { toModerationComment, type ModerationCommentView } from './views.js';
import { notifyReader } from '../../readers/notifications/notification-writes.js';
import { recordWebhookEvent } from '../../integrations/webhooks/webhook-events.js';
import { WebhookTypes } from '../../integrations/webhooks/webhook-types.js';

export interface FeatureResult {
  comment: ModerationCommentView;
  /** False when it already was (or was not) a pick: nothing written, nothing audited. */
  changed: boolean;
}

const isVisible = (c: Comment) => c.status === 'published' && c.hiddenAt == null;

/**
 * Editor's picks. Each change is one conditional update (`featured_at IS NULL` to feature, `IS NOT
 * NULL` to unfeature), so a repeat or two moderators at once change and audit it once.
 *
 * featured_at is kept when a comment leaves the list (rejected, hidden, deleted): the public reads
 * picks only among visible comments, so it stops showing at once, and a reversed removal brings
 * the pick back with the comment. Unfeaturing is allowed in any status to withdraw such a pick.
 */
@Injectable()
export class FeaturingService {
  constructor(
    private readonly transactions: Transactions,
    private readonly events: CommentEvents,
    private readonly sql: Sql,
    private readonly webhooks: WebhookTypes,
  ) {}

  async set(moderatorId: string, commentId: string, featured: boolean): Promise<FeatureResult> {
    if (!/^[0-9a-f-]{36}$/.test(commentId)) throw new AppError('NOT_FOUND', 404, 'No such comment');
    const result = await this.transactions.run(async (manager) => {
      const now = new Date();
      const update = manager
        .createQueryBuilder()
        .update(Comment)
        .set({ featuredAt: featured ? now : null })
        .where('id = :id', { id: commentId });
      if (featured) update.andWhere("status = 'published' AND hidden_at IS NULL AND featured_at IS NULL");
      else update.andWhere('featured_at IS NOT NULL');
      const changed = (await update.execute()).affected === 1;
      const comment = await manager.findOneBy(Comment, { id: commentId });
      if (!comment) throw new AppError('NOT_FOUND', 404, 'No such comment');
      if (!changed) {
        if (!isVisible(comment)) throw new AppError('COMMENT_NOT_PUBLISHED', 409, `The comment is ${comment.hiddenAt ? 'hidden' : comment.status}; only published comments are featured`, { status: comment.status });
        return { comment, changed };
      }
      await manager.insert(
        AuditEntry,
        auditRow({
          createdAt: now,
          action: featured ? 'comment.feature' : 'comment.unfeature',
          moderatorId,
          commentId,
          commenterId: comment.commenterId,
          detail: { articleId: comment.articleId },
        }),
      );
      // Once per comment: featured again after a withdrawal, it is no news.
      if (featured) await notifyReader(this.sql, manager, { readerId: comment.commenterId, type: 'featured', eventKey: commentId, commentId, articleId: comment.articleId }, now);
      if (featured && this.webhooks.wants('comment.featured')) await recordWebhookEvent(this.sql, manager, { type: 'comment.featured', commentId, commenterId: comment.commenterId }, now);
      return { comment, changed };
    });
    if (result.changed) await this.events.emit({ type: 'comment.featured', articleId: result.comment.articleId, commentId, featured });
    return { comment: toModerationComment(result.comment), changed: result.changed };
  }
}
