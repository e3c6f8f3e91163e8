import { Module } from '@nestjs/common';
import { MutesController } from './mutes.controller.js';
import { MutesService } from './mutes.service.js';

/** Readers muting readers; MutesService.hasMuted is for the other reader features (notifications). */
@Module({ controllers: [MutesController], providers: [MutesService], exports: [MutesService] })
export class MutesModule {}
