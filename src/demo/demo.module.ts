import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config.js';
import { DemoController, StandardsController } from './demo.controller.js';

/** The sample standards page always (the default COMMENT_POLICY_URL); the demo article only with DEMO_PAGE. */
@Module({})
export class DemoModule {
  static register(config: Pick<AppConfig, 'demoPage'>): DynamicModule {
    return { module: DemoModule, controllers: [StandardsController, ...(config.demoPage ? [DemoController] : [])] };
  }
}
