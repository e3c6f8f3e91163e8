import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/**
 * Conversation (issue 12): threads (parent and mention), reaction counts, edits and their
 * revisions, editor's picks; the readers' reactions.
 */
export class Conversation1764900000000 implements MigrationInterface {
  name = 'Conversation1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.addColumns('comments', [
      new TableColumn({ name: 'parent_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'reply_to_id', type: 'varchar', length: '36', isNullable: true }),
      new TableColumn({ name: 'reply_count', type: 'integer', isNullable: false, default: 0 }),
      new TableColumn({ name: 'likes', type: 'integer', isNullable: false, default: 0 }),
      new TableColumn({ name: 'dislikes', type: 'integer', isNullable: false, default: 0 }),
      new TableColumn({ name: 'edit_count', type: 'integer', isNullable: false, default: 0 }),
      new TableColumn({ name: 'edited_at', type: ts, isNullable: true }),
      new TableColumn({ name: 'revision_status', type: 'varchar', length: '16', isNullable: true }),
      new TableColumn({ name: 'featured_at', type: ts, isNullable: true }),
    ]);
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_thread', columnNames: ['article_id', 'parent_id', 'published_at', 'id'] }));
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_replies', columnNames: ['parent_id', 'published_at', 'id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'comment_revisions',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'comment_id', type: 'varchar', length: '36' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'findings', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'decided_at', type: ts, isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_comment_revisions_comment', columnNames: ['comment_id', 'created_at'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'comment_reactions',
        columns: [
          { name: 'comment_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'commenter_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'article_id', type: 'varchar', length: '200' },
          { name: 'type', type: 'varchar', length: '8' },
          { name: 'created_at', type: ts },
        ],
        indices: [new TableIndex({ name: 'ix_comment_reactions_reader', columnNames: ['commenter_id', 'article_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('comment_reactions');
    await queryRunner.dropTable('comment_revisions');
    await queryRunner.dropIndex('comments', 'ix_comments_replies');
    await queryRunner.dropIndex('comments', 'ix_comments_thread');
    for (const name of ['parent_id', 'reply_to_id', 'reply_count', 'likes', 'dislikes', 'edit_count', 'edited_at', 'revision_status', 'featured_at']) {
      await queryRunner.dropColumn('comments', name);
    }
  }
}
