import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** Readers muting readers (issue 15): one row per pair; the index on muted_id serves a deleted account's erasure. */
export class Mutes1765100000000 implements MigrationInterface {
  name = 'Mutes1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'reader_mutes',
        columns: [
          { name: 'muter_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'muted_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'created_at', type: timestampType(queryRunner) },
        ],
        indices: [new TableIndex({ name: 'ix_reader_mutes_muted', columnNames: ['muted_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('reader_mutes');
  }
}
