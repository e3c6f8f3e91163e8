import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Sign-in with the publisher's own accounts (issue 16): the `iat` (Unix seconds) of the newest SSO
 * token that set a reader's name and picture, so an older token arriving late cannot overwrite them.
 */
export class Sso1765200100000 implements MigrationInterface {
  name = 'Sso1765200100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn('commenters', new TableColumn({ name: 'sso_iat', type: 'bigint', isNullable: true }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('commenters', 'sso_iat');
  }
}
