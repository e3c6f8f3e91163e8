import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** Sanctions between a warning and a ban (issue 13): warnings, per-commenter pre-moderation, moderators' notes. */
export class Sanctions1765000000000 implements MigrationInterface {
  name = 'Sanctions1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.addColumn('commenters', new TableColumn({ name: 'premoderated', type: 'boolean', isNullable: false, default: false }));
    await queryRunner.createTable(
      new Table({
        name: 'commenter_warnings',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'commenter_id', type: 'varchar', length: '36' },
          { name: 'message', type: 'varchar', length: '500' },
          { name: 'created_at', type: ts },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'acknowledged_at', type: ts, isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_commenter_warnings_commenter', columnNames: ['commenter_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'commenter_notes',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'commenter_id', type: 'varchar', length: '36' },
          { name: 'text', type: 'text' },
          { name: 'created_at', type: ts },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
        ],
        indices: [new TableIndex({ name: 'ix_commenter_notes_commenter', columnNames: ['commenter_id', 'id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('commenter_notes');
    await queryRunner.dropTable('commenter_warnings');
    await queryRunner.dropColumn('commenters', 'premoderated');
  }
}
