import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ModeratorsModule } from '../../moderators/moderators.module.js';
import { WebhookRelay } from './webhook-relay.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookTypes } from './webhook-types.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhookQueue } from './webhooks.queue.js';
import { WebhooksService } from './webhooks.service.js';
import { WebhookWorker } from './webhooks.worker.js';

/**
 * Webhooks in every process: which types are wanted (for the code that records events), the
 * producer queue and the relay; with `worker`, the deliveries. Global: moderation and the comment
 * path ask WebhookTypes without importing this module.
 */
@Module({})
export class WebhooksModule {
  static register(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [WebhookTypes, WebhookQueue, WebhookRelay];
    if (options.worker) providers.push(WebhookSender, WebhookWorker);
    return { module: WebhooksModule, global: true, providers, exports: [WebhookTypes, WebhookQueue] };
  }
}

/** The admins' API (API process only). */
@Module({ imports: [ModeratorsModule], controllers: [WebhooksController], providers: [WebhooksService] })
export class WebhooksApiModule {}
