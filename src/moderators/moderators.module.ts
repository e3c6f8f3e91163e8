import { Module } from '@nestjs/common';
import { MeController } from './me.controller.js';
import { ModeratorSessions } from './moderator-sessions.js';
import { ModeratorGuard, ModeratorResolver } from './moderator.guard.js';
import { ModeratorsController } from './moderators.controller.js';
import { ModeratorsService } from './moderators.service.js';
import { SessionController } from './session.controller.js';
import { SignInThrottle } from './sign-in-throttle.js';

/** Moderator accounts, sign-in and the guard every /api/moderation route stands behind. API only. */
@Module({
  controllers: [SessionController, ModeratorsController, MeController],
  providers: [ModeratorsService, ModeratorSessions, SignInThrottle, ModeratorResolver, ModeratorGuard],
  exports: [ModeratorsService, ModeratorSessions, ModeratorResolver, ModeratorGuard],
})
export class ModeratorsModule {}
