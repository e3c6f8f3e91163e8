import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

import type { WebhookEventType, WebhookFormat } from './event-types.js';

export { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS, type WebhookEventType, type WebhookFormat } from './event-types.js';

/** A site's receiver: where to POST which events, signed with `secret` (and `previousSecret` during a rotation). */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  description!: string | null;

  @Column({ type: 'simple-json' })
  events!: WebhookEventType[];

  @Column({ type: 'varchar', length: 8 })
  format!: WebhookFormat;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'varchar', length: 100 })
  secret!: string;

  @Column({ name: 'previous_secret', type: 'varchar', length: 100, nullable: true })
  previousSecret!: string | null;

  /** Delivery attempts failed in a row (test events aside); 0 after any success. */
  @Column({ type: 'integer', default: 0 })
  failures!: number;

  /** Why the service switched it off (null: on, or switched off by an admin). */
  @Column({ name: 'disabled_reason', type: 'varchar', length: 300, nullable: true })
  disabledReason!: string | null;

  @Column({ name: 'disabled_at', type: Date, nullable: true })
  disabledAt!: Date | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;

  @Column({ name: 'updated_at' })
  updatedAt!: Date;
}

export type DeliveryStatus = 'delivered' | 'failed' | 'retrying';

/** One attempt to deliver one event to one endpoint; the newest DELIVERIES_KEPT per endpoint are kept. */
@Entity('webhook_deliveries')
@Index('ix_webhook_deliveries_endpoint', ['endpointId', 'id'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ name: 'endpoint_id', type: 'varchar', length: 36 })
  endpointId!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ name: 'response_code', type: 'integer', nullable: true })
  responseCode!: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 300, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}

/**
 * An event waiting for the relay, written in the transaction of the change it tells of (so never
 * lost nor told of a change rolled back). Only the references: the relay reads the rest.
 */
@Entity('webhook_events')
export class WebhookEventRow {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'varchar', length: 32 })
  type!: WebhookEventType;

  @Column({ name: 'comment_id', type: 'varchar', length: 36, nullable: true })
  commentId!: string | null;

  @Column({ name: 'commenter_id', type: 'varchar', length: 36, nullable: true })
  commenterId!: string | null;

  @Column({ type: 'simple-json', nullable: true })
  detail!: Record<string, unknown> | null;

  @Column({ name: 'created_at' })
  createdAt!: Date;
}
