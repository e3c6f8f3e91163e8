import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampType } from '../column-types.js';

/**
 * Webhooks (issue 16): the endpoints admins register, each one's delivery log (the newest 100 kept),
 * and the events waiting for the relay (written in the transaction of the change they tell of,
 * deleted once fanned out to the `webhooks` queue).
 */
export class Webhooks1765200000000 implements MigrationInterface {
  name = 'Webhooks1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const ts = timestampType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'webhook_endpoints',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'url', type: 'varchar', length: '2048' },
          { name: 'description', type: 'varchar', length: '200', isNullable: true },
          { name: 'events', type: 'text' },
          { name: 'format', type: 'varchar', length: '8' },
          { name: 'enabled', type: 'boolean' },
          { name: 'secret', type: 'varchar', length: '100' },
          { name: 'previous_secret', type: 'varchar', length: '100', isNullable: true },
          { name: 'failures', type: 'integer', default: 0 },
          { name: 'disabled_reason', type: 'varchar', length: '300', isNullable: true },
          { name: 'disabled_at', type: ts, isNullable: true },
          { name: 'created_by', type: 'varchar', length: '36', isNullable: true },
          { name: 'created_at', type: ts },
          { name: 'updated_at', type: ts },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_deliveries',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'endpoint_id', type: 'varchar', length: '36' },
          { name: 'event_id', type: 'varchar', length: '64' },
          { name: 'event_type', type: 'varchar', length: '32' },
          { name: 'status', type: 'varchar', length: '10' },
          { name: 'attempt', type: 'integer' },
          { name: 'response_code', type: 'integer', isNullable: true },
          { name: 'duration_ms', type: 'integer' },
          { name: 'error', type: 'varchar', length: '300', isNullable: true },
          { name: 'created_at', type: ts },
        ],
        indices: [new TableIndex({ name: 'ix_webhook_deliveries_endpoint', columnNames: ['endpoint_id', 'id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'webhook_events',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'type', type: 'varchar', length: '32' },
          { name: 'comment_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'commenter_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'detail', type: 'text', isNullable: true },
          { name: 'created_at', type: ts },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('webhook_events');
    await queryRunner.dropTable('webhook_deliveries');
    await queryRunner.dropTable('webhook_endpoints');
  }
}
