import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult } from '@nestjs/terminus';
import { ErrorDto } from '../auth/auth.dto.js';
import { AppError } from '../errors.js';
import { RedisHealthIndicator } from './redis.health.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The path probes and people try first: the same answer as /health/ready. */
  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Same as /health/ready: the database and Redis answer' })
  @ApiOkResponse({ description: '{status: "ok", checks: {database: "up", redis: "up"}}' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'NOT_READY, naming what is down' })
  check(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    return this.ready();
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The database and Redis answer' })
  @ApiOkResponse({ description: '{status: "ok", checks: {database: "up", redis: "up"}}' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'NOT_READY, naming what is down' })
  async ready(): Promise<{ status: 'ok'; checks: Record<string, string> }> {
    let result: HealthCheckResult;
    try {
      result = await this.health.check([
        () => this.database.pingCheck('database', { timeout: 1500 }),
        () => this.redis.check('redis'),
      ]);
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const details = (err.getResponse() as HealthCheckResult).details ?? {};
      const checks = Object.fromEntries(Object.entries(details).map(([name, d]) => [name, d.status]));
      const down = Object.keys(checks).filter((name) => checks[name] !== 'up');
      throw new AppError('NOT_READY', 503, `Not ready: ${down.join(' and ')} ${down.length > 1 ? 'are' : 'is'} down`, { checks });
    }
    return { status: 'ok', checks: Object.fromEntries(Object.entries(result.details).map(([name, d]) => [name, d.status])) };
  }
}
