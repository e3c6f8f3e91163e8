import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

export class Commenters1764300000000 implements MigrationInterface {
  name = 'Commenters1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'commenters',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '16' },
          { name: 'provider_user_id', type: 'varchar', length: '64' },
          { name: 'display_name', type: 'varchar', length: '100' },
          { name: 'username', type: 'varchar', length: '100', isNullable: true },
          { name: 'avatar_url', type: 'varchar', length: '1000', isNullable: true },
          { name: 'status', type: 'varchar', length: '16', default: "'active'" },
          { name: 'first_seen_at', type: ts },
          { name: 'last_login_at', type: ts },
        ],
      }),
    );
    await queryRunner.createIndex(
      'commenters',
      new TableIndex({ name: 'uq_commenters_provider_user', columnNames: ['provider', 'provider_user_id'], isUnique: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('commenters');
  }
}
