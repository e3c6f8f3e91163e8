import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

const COUNTS = ['comment_count', 'published_count', 'rejected_count'] as const;

/**
 * A commenter's history as counters kept with the status changes, so the rules' history facts are
 * one row's read instead of a count over every comment the commenter ever wrote.
 */
export class CommenterCounts1764700000000 implements MigrationInterface {
  name = 'CommenterCounts1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns(
      'commenters',
      COUNTS.map((name) => new TableColumn({ name, type: 'integer', isNullable: false, default: 0 })),
    );
    await queryRunner.query(
      `UPDATE commenters SET
         comment_count = (SELECT COUNT(*) FROM comments c WHERE c.commenter_id = commenters.id AND c.status <> 'pending'),
         published_count = (SELECT COUNT(*) FROM comments c WHERE c.commenter_id = commenters.id AND c.status = 'published'),
         rejected_count = (SELECT COUNT(*) FROM comments c WHERE c.commenter_id = commenters.id AND c.status = 'rejected')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of COUNTS) await queryRunner.dropColumn('commenters', name);
  }
}
