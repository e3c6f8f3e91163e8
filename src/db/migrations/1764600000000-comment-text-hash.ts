import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The normalised-text hash the duplicate rules look up (same text from one or many commenters). */
export class CommentTextHash1764600000000 implements MigrationInterface {
  name = 'CommentTextHash1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('comments', new TableColumn({ name: 'text_hash', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_text_hash', columnNames: ['text_hash', 'created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('comments', 'ix_comments_text_hash');
    await queryRunner.dropColumn('comments', 'text_hash');
  }
}
