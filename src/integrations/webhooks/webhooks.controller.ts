import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiCookieAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseOrFail } from '../../comments/comments.dto.js';
import { MODERATOR_COOKIE } from '../../moderators/moderator-sessions.js';
import type { Moderator } from '../../moderators/moderator.entity.js';
import { AdminOnly, CurrentModerator, ModeratorGuard } from '../../moderators/moderator.guard.js';
import {
  CreateWebhookDto,
  RotateSecretDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
  WebhookWithSecretDto,
  createWebhookSchema,
  rotateSecretSchema,
  updateWebhookSchema,
} from './webhooks.dto.js';
import { WebhooksService, type DeliveryView, type WebhookView } from './webhooks.service.js';

/** Webhook endpoints, admins only (docs/integration.md, "Webhooks"). */
@ApiTags('moderation')
@ApiBearerAuth()
@ApiCookieAuth(MODERATOR_COOKIE)
@Controller('api/moderation/webhooks')
@UseGuards(ModeratorGuard)
@AdminOnly()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @ApiOperation({ summary: 'Every webhook endpoint, secrets masked' })
  @ApiOkResponse({ type: [WebhookDto] })
  async list(): Promise<{ items: WebhookView[] }> {
    return { items: await this.webhooks.list() };
  }

  @Post()
  @ApiOperation({ summary: 'Register an endpoint (at most 50); its secret is shown in full only in this answer' })
  @ApiBody({ type: CreateWebhookDto })
  @ApiCreatedResponse({ type: WebhookWithSecretDto, description: 'Errors: VALIDATION_FAILED, WEBHOOK_URL_PRIVATE (400), WEBHOOK_LIMIT (409)' })
  create(@Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ webhook: WebhookView; secret: string }> {
    return this.webhooks.create(parseOrFail(createWebhookSchema, body), me.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookDto, description: 'Errors: NOT_FOUND' })
  async one(@Param('id') id: string): Promise<{ webhook: WebhookView }> {
    return { webhook: await this.webhooks.get(id) };
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change url, events, format, description, enabled (true also clears a switch-off) or secret (a rotation: the old one keeps signing too until finish-rotation)' })
  @ApiBody({ type: UpdateWebhookDto })
  @ApiOkResponse({ type: WebhookWithSecretDto, description: 'Errors: NOT_FOUND, VALIDATION_FAILED, WEBHOOK_URL_PRIVATE' })
  async update(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ webhook: WebhookView }> {
    return { webhook: await this.webhooks.update(id, parseOrFail(updateWebhookSchema, body), me.id) };
  }

  /** The same as PATCH, for clients that update with PUT (the fields left out stay as they are). */
  @Put(':id')
  @ApiOperation({ summary: 'The same as PATCH' })
  @ApiBody({ type: UpdateWebhookDto })
  @ApiOkResponse({ type: WebhookWithSecretDto })
  async replace(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ webhook: WebhookView }> {
    return this.update(id, body, me);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint and its delivery log; deliveries still queued for it are dropped' })
  @ApiNoContentResponse({ description: 'Errors: NOT_FOUND' })
  async remove(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<void> {
    await this.webhooks.remove(id, me.id);
  }

  @Post(':id/test')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `webhook.test` event once (also to a switched-off endpoint); the attempt shows in the delivery log' })
  @ApiAcceptedResponse({ description: '{eventId}. Errors: NOT_FOUND, SERVICE_UNAVAILABLE' })
  test(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<{ eventId: string }> {
    return this.webhooks.sendTest(id, me.id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new secret (shown once); the previous one keeps signing too until finish-rotation' })
  @ApiBody({ type: RotateSecretDto })
  @ApiOkResponse({ type: WebhookWithSecretDto, description: 'Errors: NOT_FOUND, VALIDATION_FAILED' })
  rotate(@Param('id') id: string, @Body() body: unknown, @CurrentModerator() me: Moderator): Promise<{ webhook: WebhookView; secret: string }> {
    return this.webhooks.rotate(id, parseOrFail(rotateSecretSchema, body).secret, me.id);
  }

  @Post(':id/finish-rotation')
  @HttpCode(200)
  @ApiOperation({ summary: 'The previous secret stops signing' })
  @ApiOkResponse({ type: WebhookWithSecretDto, description: 'Errors: NOT_FOUND' })
  async finishRotation(@Param('id') id: string, @CurrentModerator() me: Moderator): Promise<{ webhook: WebhookView }> {
    return { webhook: await this.webhooks.finishRotation(id, me.id) };
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'The delivery log: the newest 100 attempts, newest first' })
  @ApiOkResponse({ type: [WebhookDeliveryDto], description: 'Errors: NOT_FOUND' })
  async deliveries(@Param('id') id: string): Promise<{ items: DeliveryView[] }> {
    return { items: await this.webhooks.deliveries(id) };
  }
}
