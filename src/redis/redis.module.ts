import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config.js';

export const REDIS = Symbol('REDIS');
export const InjectRedis = () => Inject(REDIS);

/**
 * The general-purpose connection (sessions, rate limits, caches, pub/sub publishing).
 * No offline queue: when Redis is away, callers get an error at once instead of hanging.
 */
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
}

/** Refuses to start without Redis: one line that says so and how to get one. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${url} (${(err as Error).message}). Start one with ` +
        `"redis-server --daemonize yes" or "docker compose up -d redis", or set REDIS_URL.`,
    );
  } finally {
    client.disconnect();
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const redis = createRedis(config.redisUrl, 'comments-api');
        redis.on('error', () => undefined); // reconnects on its own; readiness reports the outage
        if (redis.status !== 'ready') {
          await new Promise<void>((resolve, reject) => {
            redis.once('ready', resolve);
            redis.once('end', () => reject(new Error(`Redis is not reachable at ${config.redisUrl}`)));
            setTimeout(resolve, 5000).unref(); // start degraded; the first failing call reports it
          });
        }
        return redis;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
