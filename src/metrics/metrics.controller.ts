import { timingSafeEqual, createHash } from 'node:crypto';
import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ErrorDto } from '../auth/auth.dto.js';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { MetricsService } from './metrics.service.js';

function sameSecret(given: string, expected: string): boolean {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  @Get()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Prometheus metrics (text format); needs `Authorization: Bearer $METRICS_TOKEN` when METRICS_TOKEN is set' })
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4' })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const token = this.config.metricsToken;
    if (token) {
      const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (!given || !sameSecret(given, token)) {
        throw new AppError('UNAUTHENTICATED', 401, 'Metrics need Authorization: Bearer <METRICS_TOKEN>', {}, { 'www-authenticate': 'Bearer realm="metrics"' });
      }
    }
    const text = await this.metrics.text();
    await reply.header('cache-control', 'no-store').type(this.metrics.contentType()).send(text);
  }
}
