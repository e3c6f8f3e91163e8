import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** When a moderator's password last changed: sessions and tokens from before then stop working. */
export class ModeratorPasswordChanged1764400100000 implements MigrationInterface {
  name = 'ModeratorPasswordChanged1764400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('moderators', new TableColumn({ name: 'password_changed_at', type: timestampType(queryRunner), isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('moderators', 'password_changed_at');
  }
}
