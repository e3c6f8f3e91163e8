import { Module } from '@nestjs/common';
import { StreamSlotsModule } from '../common/stream-slots.js';
import { ModerationApiModule } from '../moderation/moderation-api.module.js';
import { ModeratorsModule } from '../moderators/moderators.module.js';
import { DashboardController } from './dashboard.controller.js';
import { EventsController } from './events.controller.js';
import { LiveEvents } from './live-events.js';

/** The moderator dashboard page and the live event stream it listens to. */
@Module({
  imports: [ModeratorsModule, ModerationApiModule, StreamSlotsModule],
  controllers: [DashboardController, EventsController],
  providers: [LiveEvents],
})
export class DashboardModule {}
