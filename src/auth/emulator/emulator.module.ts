import { Module } from '@nestjs/common';
import { AvatarController } from './avatar.controller.js';
import { EmulatorStore } from './emulator.store.js';
import { FacebookEmulatorController } from './facebook-emulator.controller.js';
import { TwitterEmulatorController } from './twitter-emulator.controller.js';

/**
 * Local stand-ins for Twitter's OAuth 1.0a and Facebook's OAuth 2 endpoints,
 * served under /_emulator. Self-contained: for development and end-to-end
 * tests only, never imported in production.
 */
@Module({
  controllers: [TwitterEmulatorController, FacebookEmulatorController, AvatarController],
  providers: [EmulatorStore],
  exports: [EmulatorStore],
})
export class EmulatorModule {}
