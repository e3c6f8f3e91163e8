import { Table, TableColumn, TableForeignKey, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** Moderator accounts, bans, reader reports, the moderators' audit trail; report state on comments. */
export class Moderation1764400000000 implements MigrationInterface {
  name = 'Moderation1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'moderators',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'email', type: 'varchar', length: '254' },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
          { name: 'last_login_at', type: ts, isNullable: true },
        ],
        indices: [new TableIndex({ name: 'uq_moderators_email', columnNames: ['email'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'commenter_bans',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'commenter_id', type: 'varchar', length: '36' },
          { name: 'reason', type: 'varchar', length: '200' },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'until', type: ts, isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'lifted_at', type: ts, isNullable: true },
          { name: 'lifted_by', type: 'varchar', length: '36', isNullable: true },
        ],
        foreignKeys: [new TableForeignKey({ columnNames: ['commenter_id'], referencedTableName: 'commenters', referencedColumnNames: ['id'] })],
        indices: [new TableIndex({ name: 'ix_commenter_bans_commenter', columnNames: ['commenter_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'comment_reports',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'comment_id', type: 'varchar', length: '36' },
          { name: 'commenter_id', type: 'varchar', length: '36' },
          { name: 'reason', type: 'varchar', length: '32' },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
        ],
        foreignKeys: [
          new TableForeignKey({ columnNames: ['comment_id'], referencedTableName: 'comments', referencedColumnNames: ['id'] }),
          new TableForeignKey({ columnNames: ['commenter_id'], referencedTableName: 'commenters', referencedColumnNames: ['id'] }),
        ],
        indices: [new TableIndex({ name: 'uq_comment_reports_reader', columnNames: ['comment_id', 'commenter_id'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'moderation_audit',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'created_at', type: ts },
          { name: 'moderator_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'action', type: 'varchar', length: '40' },
          { name: 'comment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'commenter_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'target_moderator_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'from_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'to_status', type: 'varchar', length: '16', isNullable: true },
          { name: 'reason', type: 'varchar', length: '200', isNullable: true },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'ix_moderation_audit_comment', columnNames: ['comment_id', 'id'] }),
          new TableIndex({ name: 'ix_moderation_audit_moderator', columnNames: ['moderator_id', 'id'] }),
        ],
      }),
    );
    await queryRunner.addColumns('comments', [
      new TableColumn({ name: 'report_count', type: 'integer', default: 0 }),
      new TableColumn({ name: 'reported_at', type: ts, isNullable: true }),
      new TableColumn({ name: 'hidden_at', type: ts, isNullable: true }),
    ]);
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_reported', columnNames: ['reported_at'] }));
    await queryRunner.createIndex('comments', new TableIndex({ name: 'ix_comments_status_decided', columnNames: ['status', 'decided_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('comments', 'ix_comments_status_decided');
    await queryRunner.dropIndex('comments', 'ix_comments_reported');
    for (const column of ['hidden_at', 'reported_at', 'report_count']) await queryRunner.dropColumn('comments', column);
    for (const table of ['moderation_audit', 'comment_reports', 'commenter_bans', 'moderators']) await queryRunner.dropTable(table);
  }
}
