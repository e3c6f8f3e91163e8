import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/**
 * When a moderator's credentials last changed (disable, role change, password reset): sessions and
 * tokens from before then stop working, also after the account is enabled again.
 */
export class ModeratorCredentialsChanged1764810000000 implements MigrationInterface {
  name = 'ModeratorCredentialsChanged1764810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('moderators', new TableColumn({ name: 'credentials_changed_at', type: timestampType(queryRunner), isNullable: true }));
    await queryRunner.query('UPDATE moderators SET credentials_changed_at = password_changed_at');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('moderators', 'credentials_changed_at');
  }
}
