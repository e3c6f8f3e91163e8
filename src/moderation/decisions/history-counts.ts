import type { CommentStatus } from '../../comments/comment.entity.js';
import type { Statement } from '../../db/sql.js';

/**
 * The commenters' history counts (the rules' facts) in step with status changes: comments past
 * `pending`, and comments now published or rejected. Null when nothing changes.
 */
export function historyCounts(changes: Array<{ commenterId: string; from: CommentStatus; to: CommentStatus }>): Statement | null {
  const deltas = new Map<string, [number, number, number]>();
  for (const { commenterId, from, to } of changes) {
    // A deletion erases no history (a rejection stays counted), and a comment never judged stays uncounted.
    if (to === 'deleted') continue;
    const d = deltas.get(commenterId) ?? [0, 0, 0];
    d[0] += Number(from === 'pending') - Number(to === 'pending');
    d[1] += Number(to === 'published') - Number(from === 'published');
    d[2] += Number(to === 'rejected') - Number(from === 'rejected');
    deltas.set(commenterId, d);
  }
  // Sorted, so concurrent batches lock commenter rows in the same order.
  const rows = [...deltas].filter(([, d]) => d.some((n) => n !== 0)).sort(([a], [b]) => (a < b ? -1 : 1));
  if (rows.length === 0) return null;
  return {
    text: `UPDATE commenters SET comment_count = comment_count + v.column2, published_count = published_count + v.column3, rejected_count = rejected_count + v.column4
             FROM (VALUES ${rows.map((_, i) => `($${i * 4 + 1}, $${i * 4 + 2}::int, $${i * 4 + 3}::int, $${i * 4 + 4}::int)`).join(', ')}) AS v
            WHERE commenters.id = v.column1`,
    params: rows.flatMap(([id, d]) => [id, ...d]),
  };
}
