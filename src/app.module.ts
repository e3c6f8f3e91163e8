import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AuthModule } from './auth/auth.module.js';
import { EmulatorModule } from './auth/emulator/emulator.module.js';
import { AppConfig } from './config.js';
import { LogFlusher } from './logger.js';
import { DatabaseModule } from './db/database.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DemoModule } from './demo/demo.module.js';
import { CommentsModule } from './comments/comments.module.js';
import { ModerationModule } from './moderation/moderation.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ModerationApiModule } from './moderation/moderation-api.module.js';
import { ModeratorsModule } from './moderators/moderators.module.js';
import { RedisModule } from './redis/redis.module.js';
import { RateLimitsModule } from './common/rate-limits.js';
import { ReaderDataModule } from './readers/reader-data.js';
import { MutesModule } from './readers/mutes/mutes.module.js';
import { NotificationsModule } from './readers/notifications/notifications.module.js';
import { AccountModule } from './readers/account/account.module.js';
import { EmailModule } from './readers/email/email.module.js';
import { CdnModule } from './integrations/cdn/cdn.module.js';
import { ClassifierModule } from './integrations/classifier/classifier.module.js';
import { WidgetModule } from './widget/widget.module.js';
import { WebhooksApiModule, WebhooksModule } from './integrations/webhooks/webhooks.module.js';

@Global()
@Module({})
class AppConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, cache: true, load: [() => ({ app: config })] })],
      providers: [{ provide: AppConfig, useValue: config }, LogFlusher],
      exports: [AppConfig],
    };
  }
}

/** What the API and the worker both stand on: one list, so the two never drift apart. */
export function sharedImports(config: AppConfig, options: { worker: boolean; asyncCommit?: boolean }) {
  return [
    AppConfigModule.forRoot(config),
    DatabaseModule.forRoot(config, { asyncCommit: options.asyncCommit }),
    RedisModule,
    RateLimitsModule,
    ReaderDataModule,
    AuthModule.register(config),
    ModerationModule.register(options),
    AccountModule.register(options),
    MutesModule,
    NotificationsModule,
    EmailModule.register(options),
    WebhooksModule.register(options),
    CdnModule.register(options),
    ClassifierModule,
  ];
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...sharedImports(config, { worker: config.runWorkerInProcess }),
        CommentsModule,
        ModeratorsModule,
        ModerationApiModule,
        HealthModule,
        WidgetModule,
        MetricsModule,
        DashboardModule,
        WebhooksApiModule,
        DemoModule.register(config),
        ...(config.emulator ? [EmulatorModule] : []),
      ],
    };
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: WorkerModule, imports: [...sharedImports(config, { worker: true, asyncCommit: true })] };
  }
}
