import { TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/**
 * A reader's account deletion and the retention job (issue 15): when a deletion is due
 * (commenters.deletion_at, the grace period's end) and when it happened (deleted_at); an index for
 * the sweep that finds due deletions whose job was lost, and a partial one for the rejected
 * comments whose text retention has yet to blank.
 */
export class Account1765100200000 implements MigrationInterface {
  name = 'Account1765100200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.addColumn('commenters', new TableColumn({ name: 'deletion_at', type: ts, isNullable: true }));
    await queryRunner.addColumn('commenters', new TableColumn({ name: 'deleted_at', type: ts, isNullable: true }));
    await queryRunner.createIndex('commenters', new TableIndex({ name: 'ix_commenters_deletion', columnNames: ['deletion_at'] }));
    await queryRunner.createIndex(
      'comments',
      new TableIndex({ name: 'ix_comments_rejected_text', columnNames: ['decided_at'], where: "status = 'rejected' AND body <> ''" }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('comments', 'ix_comments_rejected_text');
    await queryRunner.dropIndex('commenters', 'ix_commenters_deletion');
    await queryRunner.dropColumn('commenters', 'deleted_at');
    await queryRunner.dropColumn('commenters', 'deletion_at');
  }
}
