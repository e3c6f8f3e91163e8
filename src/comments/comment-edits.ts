import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import type { Commenter } from '../auth/commenter.entity.js';
import { AppConfig } from '../config.js';
import { Sql } from '../db/sql.js';
import { Transactions } from '../db/transactions.js';
import { AppError } from '../errors.js';
import { BansService } from '../moderation/commenters/bans.service.js';
import { historyCounts } from '../moderation/decisions/history-counts.js';
import { ModerationLogEntry } from '../moderation/decisions/moderation-log.entity.js';
import { ModerationService } from '../moderation/decisions/moderation.service.js';
import { SEARCH_TEXT_SEPARATOR, searchText } from '../moderation/search/search-text.js';
import { Article } from './article.entity.js';
import { CommentEvents } from './comment-events.js';
import { CommentRevision } from './comment-revision.entity.js';
import { addRevision } from './comment-revisions.js';
import { acceptCommentText } from './comment-text.js';
import { Comment, type CommentStatus } from './comment.entity.js';
import { toOwnComment, type OwnComment } from './comments.service.js';
import { OutboxEntry } from './outbox.entity.js';
import { OutboxRelay } from './outbox.relay.js';

/** Edits an author may make to one comment. */
export const EDIT_MAX = 3;

/** A deletion takes a comment from wherever it is; nothing takes it anywhere after. */
const DELETABLE: CommentStatus[] = ['pending', 'in_review', 'published', 'rejected'];

/** Concurrent edits of one comment are applied one after the other: each re-reads and re-checks. */
const ATTEMPTS = 3;

/**
 * An author's edit and deletion of their own comment. An edit's text is moderated like a new
 * comment (the outbox, the queue, the rules, human review): a comment not yet published simply
 * changes text and waits again; a published one keeps its public text while the edit waits as a
 * revision (ModerationService decides it). A deletion goes through ModerationService like any
 * status change.
 */
@Injectable()
export class CommentEdits {
  constructor(
    @InjectRepository(Comment) private readonly comments: Repository<Comment>,
    @InjectRepository(Article) private readonly articles: Repository<Article>,
    private readonly transactions: Transactions,
    private readonly sql: Sql,
    private readonly relay: OutboxRelay,
    private readonly moderation: ModerationService,
    private readonly bans: BansService,
    private readonly events: CommentEvents,
    private readonly config: AppConfig,
  ) {}

  async edit(commenter: Commenter, commentId: string, raw: string): Promise<OwnComment> {
    if (await this.bans.isBanned(commenter)) throw new AppError('COMMENTER_BANNED', 403, 'This account may not comment');
    const body = acceptCommentText(raw);
    for (let attempt = 1; ; attempt++) {
      const comment = await this.own(commenter, commentId);
      this.assertEditable(comment);
      const article = await this.articles.findOneBy({ id: comment.articleId });
      if (article && !article.commentsOpen) throw new AppError('COMMENTS_CLOSED', 403, 'Comments are closed on this article');
      const [view] = await this.ownViews([comment]);
      // The same text again (a retried request) changes nothing and uses no edit.
      if (body === (view!.pendingBody ?? comment.body)) return view!;
      if (await this.apply(comment, body)) {
        this.relay.kick(comment.id, comment.editCount + 1);
        if (comment.status === 'in_review') {
          // Out of the review queue until the rules have judged the new text.
          await this.events.emit({ type: 'comment.changed', articleId: comment.articleId, commentId, from: 'in_review', to: 'pending', actor: 'author', actorId: commenter.id, reason: null });
        }
        return (await this.ownViews([await this.comments.findOneByOrFail({ id: commentId })]))[0]!;
      }
      if (attempt === ATTEMPTS) throw new AppError('CONFLICT', 409, 'The comment changed while it was being edited; load it again');
    }
  }

  /** Takes the comment out of every list, count and stream at once; repeating it changes nothing. */
  async delete(commenter: Commenter, commentId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const comment = await this.own(commenter, commentId);
      if (comment.status === 'deleted') return;
      const result = await this.moderation.transition({ commentId, from: DELETABLE, to: 'deleted', actor: 'author', actorId: commenter.id });
      if (result.changed || result.comment?.status === 'deleted') return;
      if (attempt === ATTEMPTS) throw new AppError('CONFLICT', 409, 'The comment changed while it was being deleted; try again');
    }
  }

  /** Comments as their author sees them: with the edit window, and the text of an edit still waiting. */
  async ownViews(comments: Comment[]): Promise<OwnComment[]> {
    const waiting = comments.filter((c) => c.revisionStatus != null).map((c) => c.id);
    const edits = waiting.length === 0 ? [] : await this.comments.manager.find(CommentRevision, { where: { commentId: In(waiting), status: In(['pending', 'in_review']) } });
    const pending = new Map(edits.map((r) => [r.commentId, r.body]));
    return comments.map((c) => toOwnComment(c, { pendingBody: pending.get(c.id) ?? null, editableUntil: this.editableUntil(c) }));
  }

  /** Until when the author may edit it, or null when they no longer can (whatever the time). */
  private editableUntil(c: Comment): string | null {
    if (c.status === 'rejected' || c.status === 'deleted' || c.editCount >= EDIT_MAX) return null;
    return new Date(c.createdAt.getTime() + this.config.editWindowSeconds * 1000).toISOString();
  }

  private async own(commenter: Commenter, commentId: string): Promise<Comment> {
    const comment = /^[0-9a-f-]{36}$/.test(commentId) ? await this.comments.findOneBy({ id: commentId }) : null;
    if (!comment) throw new AppError('NOT_FOUND', 404, 'No such comment');
    if (comment.commenterId !== commenter.id) throw new AppError('NOT_AUTHOR', 403, 'Only its author may change a comment');
    return comment;
  }

  private assertEditable(c: Comment): void {
    if (c.status === 'deleted') throw new AppError('COMMENT_DELETED', 409, 'The comment was deleted');
    if (c.status === 'rejected') throw new AppError('COMMENT_REJECTED', 409, 'A rejected comment cannot be edited');
    if (Date.now() >= c.createdAt.getTime() + this.config.editWindowSeconds * 1000) {
      throw new AppError('EDIT_WINDOW_CLOSED', 409, `A comment can be edited for ${this.config.editWindowSeconds} seconds after posting`, {
        editWindowSeconds: this.config.editWindowSeconds,
      });
    }
    if (c.editCount >= EDIT_MAX) throw new AppError('EDIT_LIMIT_REACHED', 409, `A comment can be edited at most ${EDIT_MAX} times`, { limit: EDIT_MAX });
  }

  /**
   * The new text and its outbox row, in one transaction, if the comment is still as read (status, edit
   * count and waiting edit: a decision or another edit meanwhile makes the caller read it again).
   */
  private apply(comment: Comment, body: string): Promise<boolean> {
    const now = new Date();
    return this.transactions.run(async (manager) => {
      const published = comment.status === 'published';
      const changed = await manager
        .createQueryBuilder()
        .update(Comment)
        .set(
          published
            ? { editCount: () => 'edit_count + 1', revisionStatus: 'pending' }
            : // Judged again from the start: nothing of the old text's decision stays.
              { editCount: () => 'edit_count + 1', body, status: 'pending', decisionReason: null, decidedAt: null, findings: null, textHash: null },
        )
        .where('id = :id AND status = :status AND edit_count = :editCount', { id: comment.id, status: comment.status, editCount: comment.editCount })
        // The waiting edit as read, too: once the rules have published it, a retry of its text is no new edit.
        .andWhere(comment.revisionStatus == null ? 'revision_status IS NULL' : 'revision_status = :revisionStatus', { revisionStatus: comment.revisionStatus })
        .execute();
      if (changed.affected !== 1) return false;
      // Moderator search finds every text the author wrote for it (a waiting edit too; EDIT_MAX bounds them).
      await this.sql.run(`UPDATE comments SET search_text = COALESCE(search_text, '') || $1::text WHERE id = $2`, [SEARCH_TEXT_SEPARATOR + searchText(body), comment.id], manager);
      await addRevision(manager, comment, body, now);
      await manager.insert(OutboxEntry, { commentId: comment.id, createdAt: now });
      if (comment.status === 'in_review') await this.backToPending(manager, comment, now);
      return true;
    });
  }

  /** A held comment's new text leaves the review queue for the rules: logged, and the author's history counts follow. */
  private async backToPending(manager: EntityManager, comment: Comment, now: Date): Promise<void> {
    const counts = historyCounts([{ commenterId: comment.commenterId, from: 'in_review', to: 'pending' }]);
    if (counts) await this.sql.run(counts.text, counts.params, manager);
    await manager.insert(ModerationLogEntry, {
      commentId: comment.id,
      fromStatus: 'in_review',
      toStatus: 'pending',
      actor: 'author',
      actorId: comment.commenterId,
      reason: 'edited',
      note: null,
      createdAt: now,
    });
  }
}
