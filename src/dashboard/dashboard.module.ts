import { Module } from '@nestjs/common';
import { ModeratorsModule } from '../moderators/moderators.module.js';
import { DashboardController } from './dashboard.controller.js';
import { EventsController } from './events.controller.js';
import { LiveEvents } from './live-events.js';

/** The moderator dashboard page and the live event stream it listens to. */
@Module({
  imports: [ModeratorsModule],
  controllers: [DashboardController, EventsController],
  providers: [LiveEvents],
})
export class DashboardModule {}
