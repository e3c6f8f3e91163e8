import type { EntityManager } from 'typeorm';
import { Article } from '../../comments/article.entity.js';
import { Comment } from '../../comments/comment.entity.js';

/**
 * What a comment entering (+1) or leaving (−1) the public list changes: its article's published
 * count and, for a reply, its thread's reply count. In the caller's transaction.
 */
export async function adjustListedCounts(manager: EntityManager, comment: Pick<Comment, 'articleId' | 'parentId'>, delta: number): Promise<void> {
  if (delta === 0) return;
  await manager
    .createQueryBuilder()
    .update(Article)
    .set({ publishedCount: () => `published_count + ${delta}` })
    .where('id = :id', { id: comment.articleId })
    .execute();
  if (!comment.parentId) return;
  await manager
    .createQueryBuilder()
    .update(Comment)
    .set({ replyCount: () => `reply_count + ${delta}` })
    .where('id = :id', { id: comment.parentId })
    .execute();
}
