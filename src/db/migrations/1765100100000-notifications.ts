import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/** Readers' notifications and which types they get (issue 15). */
export class Notifications1765100100000 implements MigrationInterface {
  name = 'Notifications1765100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'notifications',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'reader_id', type: 'varchar', length: '36' },
          { name: 'type', type: 'varchar', length: '16' },
          { name: 'event_key', type: 'varchar', length: '64' },
          { name: 'comment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'article_id', type: 'varchar', length: '200', isNullable: true },
          { name: 'article_url', type: 'varchar', length: '2000', isNullable: true },
          { name: 'reason', type: 'varchar', length: '64', isNullable: true },
          { name: 'actor_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'actor_name', type: 'varchar', length: '100', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'read_at', type: ts, isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'uq_notifications_event', columnNames: ['reader_id', 'type', 'event_key'], isUnique: true }),
          new TableIndex({ name: 'ix_notifications_reader', columnNames: ['reader_id', 'id'] }),
          // A deleted account's name leaves the others' reply notifications.
          new TableIndex({ name: 'ix_notifications_actor', columnNames: ['actor_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'notification_preferences',
        columns: [
          { name: 'reader_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'type', type: 'varchar', length: '16', isPrimary: true },
          { name: 'enabled', type: 'boolean' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('notification_preferences');
    await queryRunner.dropTable('notifications');
  }
}
