import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { SEARCH_TEXT_SEPARATOR, searchText } from '../../moderation/search/search-text.js';

const BATCH = 500;

/**
 * Moderator search (issue 13): comments.search_text, the texts an author wrote for a comment as the
 * rules read them (moderation/search/search-text.ts), filled here for existing comments in batches
 * (computed in JS: the normaliser has no SQL equivalent); an index on created_at for the
 * newest-first scan.
 */
export class Search1765000100000 implements MigrationInterface {
  name = 'Search1765000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('comments', new TableColumn({ name: 'search_text', type: 'text', isNullable: true }));
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_created', columnNames: ['created_at', 'id'] }));
    await fillSearchText(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('comments', 'ix_comments_created');
    await queryRunner.dropColumn('comments', 'search_text');
  }
}

/** Computes search_text for every comment (its body and revisions) still without one, in batches. */
export async function fillSearchText(queryRunner: QueryRunner): Promise<void> {
  const pg = queryRunner.connection.options.type === 'postgres';
  const p = (n: number) => (pg ? `$${n}` : '?');
  for (let after = ''; ; ) {
    const rows: Array<{ id: string; body: string; edit_count: number | string }> = await queryRunner.query(
      `SELECT id, body, edit_count FROM comments WHERE id > ${p(1)} AND search_text IS NULL ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0) break;
    const edited = rows.filter((r) => Number(r.edit_count) > 0).map((r) => r.id);
    const revisions: Array<{ comment_id: string; body: string }> = edited.length
      ? await queryRunner.query(
          `SELECT comment_id, body FROM comment_revisions WHERE comment_id IN (${edited.map((_, i) => p(i + 1)).join(', ')}) ORDER BY created_at, id`,
          edited,
        )
      : [];
    for (const row of rows) {
      const texts = [row.body, ...revisions.filter((r) => r.comment_id === row.id).map((r) => r.body)];
      const forms = [...new Set(texts.map(searchText))];
      await queryRunner.query(`UPDATE comments SET search_text = ${p(1)} WHERE id = ${p(2)}`, [forms.join(SEARCH_TEXT_SEPARATOR), row.id]);
    }
    after = rows[rows.length - 1]!.id;
  }
}
