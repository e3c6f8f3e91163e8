import { type DynamicModule, Module, type Provider as NestProvider } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { CommenterCache } from './commenter-cache.js';
import { Commenter } from './commenter.entity.js';
import { CommenterGuard, CommenterResolver } from './commenter.guard.js';
import { FacebookStrategy } from './facebook.strategy.js';
import { MeController } from './me.controller.js';
import { SsoController } from './sso.controller.js';
import { SsoService } from './sso.service.js';
import { TokensService } from './tokens.service.js';
import { TwitterStrategy } from './twitter.strategy.js';

@Module({})
export class AuthModule {
  /** Strategies exist only for providers with credentials (or the emulator's). */
  static register(config: AppConfig): DynamicModule {
    const strategies: NestProvider[] = [];
    if (config.twitter) strategies.push(TwitterStrategy);
    if (config.facebook) strategies.push(FacebookStrategy);
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule.register({ session: false }), TypeOrmModule.forFeature([Commenter])],
      controllers: [AuthController, SsoController, MeController],
      providers: [AuthService, CommenterCache, TokensService, CommenterResolver, CommenterGuard, SsoService, ...strategies],
      exports: [AuthService, CommenterCache, TokensService, CommenterResolver, CommenterGuard],
    };
  }
}
