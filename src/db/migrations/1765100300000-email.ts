import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/**
 * E-mail notifications (issue 15): a reader's address and its confirmation (only the token's
 * SHA-256 is kept), each type's e-mail mode beside its on/off switch (null: the default), and where
 * each notification's mail stands (null: not looked at yet; 'held' for its thread's immediate mail,
 * 'sent', 'skip', 'digest', 'failed'). The partial indexes keep the held and digest rows, the few
 * still to mail, at hand; new rows are found through the few readers with a confirmed address (no
 * index on every reader's unmailed rows: that would cost each decision's insert).
 */
export class Email1765100300000 implements MigrationInterface {
  name = 'Email1765100300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'reader_emails',
        columns: [
          { name: 'reader_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'address', type: 'varchar', length: '254' },
          { name: 'language', type: 'varchar', length: '2' },
          { name: 'confirmed_at', type: ts, isNullable: true },
          { name: 'token_hash', type: 'varchar', length: '64', isNullable: true },
          { name: 'token_expires_at', type: ts, isNullable: true },
          { name: 'confirmation_sent_at', type: ts, isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
        indices: [new TableIndex({ name: 'uq_reader_emails_token', columnNames: ['token_hash'], isUnique: true })],
      }),
    );
    await queryRunner.addColumn('notification_preferences', new TableColumn({ name: 'email_mode', type: 'varchar', length: '16', isNullable: true }));
    await queryRunner.addColumn('notifications', new TableColumn({ name: 'mail_state', type: 'varchar', length: '16', isNullable: true }));
    await queryRunner.addColumn('notifications', new TableColumn({ name: 'mail_thread', type: 'varchar', length: '64', isNullable: true }));
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'ix_notifications_mail_held', columnNames: ['reader_id', 'mail_thread', 'id'], where: "mail_state = 'held'" }));
    await queryRunner.createIndex('notifications', new TableIndex({ name: 'ix_notifications_mail_digest', columnNames: ['reader_id', 'id'], where: "mail_state = 'digest'" }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('notifications', 'ix_notifications_mail_digest');
    await queryRunner.dropIndex('notifications', 'ix_notifications_mail_held');
    await queryRunner.dropColumn('notifications', 'mail_thread');
    await queryRunner.dropColumn('notifications', 'mail_state');
    await queryRunner.dropColumn('notification_preferences', 'email_mode');
    await queryRunner.dropTable('reader_emails');
  }
}
