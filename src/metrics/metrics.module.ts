import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Comment } from '../comments/comment.entity.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/** GET /metrics on the API. (DecisionStats, which records, lives with ModerationModule: workers record too.) */
@Module({
  imports: [TypeOrmModule.forFeature([Comment])],
  controllers: [MetricsController],
  providers: [MetricsService],
})
export class MetricsModule {}
