import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../../config.js';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { AuditEntry, auditRow, type AuditAction } from '../../moderation/decisions/audit-entry.entity.js';
import { urlProblem } from './url-guard.js';
import type { WebhookEvent } from './webhook-payload.js';
import { WebhookTypes } from './webhook-types.js';
import { DELIVERIES_KEPT } from './webhook-sender.js';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity.js';
import type { CreateWebhookInput, UpdateWebhookInput } from './webhooks.dto.js';
import { WebhookQueue } from './webhooks.queue.js';

/** Endpoints one service may have: each event is one job per endpoint. */
export const MAX_ENDPOINTS = 50;

export interface WebhookView {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  format: string;
  enabled: boolean;
  secret: string;
  rotating: boolean;
  failures: number;
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: number;
  eventId: string;
  eventType: string;
  status: string;
  attempt: number;
  responseCode: number | null;
  durationMs: number;
  error: string | null;
  at: string;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;
/** The prefix and the last four characters, to tell secrets apart; a short secret shows nothing of itself. */
const mask = (secret: string) => `${secret.slice(0, secret.startsWith('whsec_') ? 6 : 0)}…${secret.length >= 16 ? secret.slice(-4) : ''}`;

function view(e: WebhookEndpoint): WebhookView {
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    format: e.format,
    enabled: e.enabled,
    secret: mask(e.secret),
    rotating: e.previousSecret !== null,
    failures: e.failures,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

/** The admins' side of webhooks: endpoints, their secrets, test events and the delivery log; every change audited. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
    private readonly types: WebhookTypes,
    private readonly queue: WebhookQueue,
  ) {}

  private get endpoints() {
    return this.dataSource.getRepository(WebhookEndpoint);
  }

  async list(): Promise<WebhookView[]> {
    return (await this.endpoints.find({ order: { createdAt: 'ASC' } })).map(view);
  }

  async get(id: string): Promise<WebhookView> {
    return view(await this.mustFind(id));
  }

  async create(input: CreateWebhookInput, moderatorId: string): Promise<{ webhook: WebhookView; secret: string }> {
    this.checkUrl(input.url);
    const now = new Date();
    const endpoint = Object.assign(new WebhookEndpoint(), {
      id: randomUUID(),
      url: input.url,
      description: input.description ?? null,
      events: input.events,
      format: input.format,
      enabled: input.enabled,
      secret: input.secret ?? newSecret(),
      previousSecret: null,
      failures: 0,
      disabledReason: null,
      disabledAt: null,
      createdBy: moderatorId,
      createdAt: now,
      updatedAt: now,
    });
    await this.transactions.run(async (manager) => {
      // The count and the insert under one lock, so two admins at once cannot pass the limit.
      if (this.transactions.isPostgres) await manager.query("SELECT pg_advisory_xact_lock(hashtext('webhook_endpoints'))");
      if ((await manager.count(WebhookEndpoint)) >= MAX_ENDPOINTS) {
        throw new AppError('WEBHOOK_LIMIT', 409, `At most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
      }
      await manager.insert(WebhookEndpoint, endpoint);
      await this.audit(manager, 'webhook.create', moderatorId, endpoint, { events: endpoint.events.join(','), format: endpoint.format, enabled: endpoint.enabled });
    });
    await this.types.changed();
    return { webhook: view(endpoint), secret: endpoint.secret };
  }

  async update(id: string, input: UpdateWebhookInput, moderatorId: string): Promise<WebhookView> {
    if (input.url !== undefined) this.checkUrl(input.url);
    const updated = await this.transactions.run(async (manager) => {
      const endpoint = await this.mustFind(id, manager);
      const changes: Partial<WebhookEndpoint> = {};
      if (input.url !== undefined && input.url !== endpoint.url) changes.url = input.url;
      if (input.events !== undefined && input.events.join(',') !== endpoint.events.join(',')) changes.events = input.events;
      if (input.format !== undefined && input.format !== endpoint.format) changes.format = input.format;
      if (input.description !== undefined && input.description !== endpoint.description) changes.description = input.description;
      // A new secret is a rotation: the current one keeps signing beside it until finish-rotation.
      if (input.secret !== undefined && input.secret !== endpoint.secret) Object.assign(changes, { secret: input.secret, previousSecret: endpoint.secret });
      if (input.enabled !== undefined && input.enabled !== endpoint.enabled) {
        changes.enabled = input.enabled;
        // Switched on again: a fresh start (the count and the reason of a switch-off go).
        if (input.enabled) Object.assign(changes, { failures: 0, disabledReason: null, disabledAt: null });
      }
      if (Object.keys(changes).length === 0) return endpoint;
      changes.updatedAt = new Date();
      await manager.update(WebhookEndpoint, { id }, changes);
      const fields = Object.keys(changes).filter((k) => !['updatedAt', 'failures', 'disabledReason', 'disabledAt', 'previousSecret'].includes(k));
      await this.audit(manager, 'webhook.update', moderatorId, endpoint, { changed: fields.join(','), ...(changes.url ? { url: changes.url } : {}), ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}) });
      return Object.assign(endpoint, changes);
    });
    await this.types.changed();
    return view(updated);
  }

  async remove(id: string, moderatorId: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const endpoint = await this.mustFind(id, manager);
      await manager.delete(WebhookDelivery, { endpointId: id });
      await manager.delete(WebhookEndpoint, { id });
      await this.audit(manager, 'webhook.delete', moderatorId, endpoint, {});
    });
    await this.types.changed();
  }

  /** A new secret signs from now on; the one before keeps signing too (two v1 values) until finishRotation. */
  async rotate(id: string, secret: string | undefined, moderatorId: string): Promise<{ webhook: WebhookView; secret: string }> {
    const next = secret ?? newSecret();
    const updated = await this.transactions.run(async (manager) => {
      const endpoint = await this.mustFind(id, manager);
      if (next === endpoint.secret) throw new AppError('VALIDATION_FAILED', 400, 'secret: the new secret must differ from the current one', { field: 'secret' });
      const changes = { secret: next, previousSecret: endpoint.secret, updatedAt: new Date() };
      await manager.update(WebhookEndpoint, { id }, changes);
      await this.audit(manager, 'webhook.rotate_secret', moderatorId, endpoint, {});
      return Object.assign(endpoint, changes);
    });
    return { webhook: view(updated), secret: next };
  }

  /** The previous secret stops signing. */
  async finishRotation(id: string, moderatorId: string): Promise<WebhookView> {
    const updated = await this.transactions.run(async (manager) => {
      const endpoint = await this.mustFind(id, manager);
      if (endpoint.previousSecret === null) return endpoint;
      const changes = { previousSecret: null, updatedAt: new Date() };
      await manager.update(WebhookEndpoint, { id }, changes);
      await this.audit(manager, 'webhook.finish_rotation', moderatorId, endpoint, {});
      return Object.assign(endpoint, changes);
    });
    return view(updated);
  }

  /** A `webhook.test` event, sent once (also to a switched-off endpoint); its attempt shows in the delivery log. */
  async sendTest(id: string, moderatorId: string): Promise<{ eventId: string }> {
    const endpoint = await this.mustFind(id);
    const event: WebhookEvent = {
      id: `test-${randomUUID()}`,
      type: 'webhook.test',
      createdAt: new Date().toISOString(),
      data: { webhook: { id: endpoint.id, url: endpoint.url }, sentBy: moderatorId, message: 'A test event from the comment service' },
    };
    try {
      await this.queue.addTest(endpoint.id, event);
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 503, 'The webhooks queue is unavailable; try again shortly');
    }
    return { eventId: event.id };
  }

  async deliveries(id: string, limit = DELIVERIES_KEPT): Promise<DeliveryView[]> {
    await this.mustFind(id);
    const rows = await this.dataSource.getRepository(WebhookDelivery).find({ where: { endpointId: id }, order: { id: 'DESC' }, take: Math.min(limit, DELIVERIES_KEPT) });
    return rows.map((d) => ({
      id: d.id,
      eventId: d.eventId,
      eventType: d.eventType,
      status: d.status,
      attempt: d.attempt,
      responseCode: d.responseCode,
      durationMs: d.durationMs,
      error: d.error,
      at: d.createdAt.toISOString(),
    }));
  }

  private checkUrl(url: string): void {
    const problem = urlProblem(url, this.config.webhookAllowPrivate);
    if (problem) throw new AppError(problem.code, 400, problem.message, { field: 'url' });
  }

  private async mustFind(id: string, manager?: EntityManager): Promise<WebhookEndpoint> {
    const found = /^[0-9a-f-]{36}$/i.test(id) ? await (manager ?? this.dataSource.manager).findOneBy(WebhookEndpoint, { id }) : null;
    if (!found) throw new AppError('NOT_FOUND', 404, 'No such webhook endpoint');
    return found;
  }

  private async audit(manager: EntityManager, action: AuditAction, moderatorId: string, endpoint: WebhookEndpoint, detail: Record<string, string | boolean>): Promise<void> {
    await manager.insert(AuditEntry, auditRow({ action, moderatorId, note: endpoint.description, detail: { webhookId: endpoint.id, url: endpoint.url, ...detail } }));
  }
}
