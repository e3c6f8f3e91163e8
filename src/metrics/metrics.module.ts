import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Comment } from '../comments/comment.entity.js';
import { HttpMetrics } from './http-metrics.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * GET /metrics on the API, and the HTTP figures it reports (recorded by the hooks app.ts adds).
 * (DecisionStats, which records decisions, lives with ModerationModule: workers record too.)
 */
@Module({
  imports: [TypeOrmModule.forFeature([Comment])],
  controllers: [MetricsController],
  providers: [MetricsService, HttpMetrics],
})
export class MetricsModule {}
