import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** Versioned rule sets (the highest version is active); RULES_FILE only seeds version 1. */
export class RuleSets1764650000000 implements MigrationInterface {
  name = 'RuleSets1764650000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'rule_sets',
        columns: [
          { name: 'version', type: 'integer', isPrimary: true },
          { name: 'rule_set', type: 'text' },
          { name: 'created_at', type: timestampType(queryRunner) },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'source', type: 'varchar', length: '16' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('rule_sets');
  }
}
