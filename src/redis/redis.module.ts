import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig, redactUrl } from '../config.js';

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
    // Commands issued in the same tick (many requests, many jobs) go out in one socket write:
    // round trips, not JavaScript, are what a comment costs most.
    enableAutoPipelining: true,
  });
}

/**
 * Refuses to start without Redis: one line that says so and how to get one (`suggestPrivate`:
 * outside production, also the private Redis the service can run itself).
 */
export async function assertRedisReachable(url: string, { timeoutMs = 3000, suggestPrivate = false } = {}): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause: Error | undefined;
  client.on('error', (err: Error) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${redactUrl(url)} (${(cause ?? (err as Error)).message}). Start one with ` +
        `"redis-server --daemonize yes" or "docker compose up -d redis", or set REDIS_URL` +
        (suggestPrivate ? ' (REDIS_URL=embedded: a private one, started and stopped with the service).' : '.'),
    );
  } finally {
    client.disconnect();
  }
}

/** Closes a connection politely when Redis answers, at once when it does not (shutdown never hangs). */
export async function closeRedis(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  redis.disconnect();
}

/** Waits for a clean close for a while, then gives up (the caller disconnects hard). */
export function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  promise.catch(() => undefined); // a late failure, after we stopped waiting, is not an unhandled one
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref())]);
}

/**
 * A producer's queue call (BullMQ waits for its connection; the producer would rather know now and
 * try again later): refused at once while `connection` is not ready, and after `timeoutMs`.
 */
export async function beforeDeadline<T>(connection: Redis, promise: Promise<T>, what: string, timeoutMs = 3000): Promise<T> {
  if (connection.status !== 'ready') {
    promise.catch(() => undefined);
    throw new Error(`Redis connection is ${connection.status}`);
  }
  const result = await within(promise.then((value) => ({ value })), timeoutMs);
  if (result === undefined) throw new Error(`${what} timed out`);
  return result.value;
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@InjectRedis() private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
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
            redis.once('end', () => reject(new Error(`Redis is not reachable at ${redactUrl(config.redisUrl)}`)));
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
