import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';
import { LiveEvents } from './live-events.js';

/** The moderator dashboard page and the live event stream it listens to. */
@Module({
  controllers: [DashboardController],
  providers: [LiveEvents],
})
export class DashboardModule {}
