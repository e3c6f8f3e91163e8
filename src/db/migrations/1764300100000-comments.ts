import { Table, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

export class Comments1764300100000 implements MigrationInterface {
  name = 'Comments1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'articles',
        columns: [
          { name: 'id', type: 'varchar', length: '200', isPrimary: true },
          { name: 'url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'title', type: 'varchar', length: '300', isNullable: true },
          { name: 'comments_open', type: 'boolean', default: true },
          { name: 'moderation_mode', type: 'varchar', length: '8', isNullable: true },
          { name: 'published_count', type: 'integer', default: 0 },
          { name: 'created_at', type: ts },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'comments',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'article_id', type: 'varchar', length: '200' },
          { name: 'commenter_id', type: 'varchar', length: '36' },
          { name: 'body', type: 'text' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'decision_reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'findings', type: 'text', isNullable: true },
          { name: 'idempotency_key', type: 'varchar', length: '100', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'decided_at', type: ts, isNullable: true },
          { name: 'published_at', type: ts, isNullable: true },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['article_id'], referencedTableName: 'articles', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['commenter_id'], referencedTableName: 'commenters', referencedColumnNames: ['id'] }),
        ],
        indices: [
          new TableIndex({ name: 'ix_comments_article_published', columnNames: ['article_id', 'status', 'published_at', 'id'] }),
          new TableIndex({ name: 'ix_comments_commenter_created', columnNames: ['commenter_id', 'created_at'] }),
          new TableIndex({ name: 'uq_comments_idempotency', columnNames: ['commenter_id', 'idempotency_key'], isUnique: true }),
          new TableIndex({ name: 'ix_comments_status_created', columnNames: ['status', 'created_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'moderation_log',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'comment_id', type: 'varchar', length: '36' },
          { name: 'from_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'to_status', type: 'varchar', length: '16' },
          { name: 'actor', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['comment_id'], referencedTableName: 'comments', referencedColumnNames: ['id'] })],
        indices: [new TableIndex({ name: 'ix_moderation_log_comment', columnNames: ['comment_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'outbox',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'comment_id', type: 'varchar', length: '36' },
          { name: 'created_at', type: ts },
        ],
        indices: [
          new TableIndex({ name: 'ix_outbox_comment', columnNames: ['comment_id'] }),
          new TableIndex({ name: 'ix_outbox_created', columnNames: ['created_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'moderation_log', 'comments', 'articles']) await queryRunner.dropTable(table);
  }
}
