import { RateLimits } from '../src/common/rate-limits.js';
import { loadConfig } from '../src/config.js';
import { createRedis } from '../src/redis/redis.module.js';
import { TEST_REDIS_URL } from './support/databases.js';

/*
 * ioredis batches the commands of one turn of the event loop into one pipeline, which copies the
 * client's scripts when it is made. A limit first counted in a turn whose pipeline already existed
 * once sent no command and broke the connection for good (CI: every later request hung).
 */
test('the first limit counted beside other Redis commands of the same turn counts, and the connection keeps working', async () => {
  const redis = createRedis(TEST_REDIS_URL, 'rate-limits-test');
  await new Promise((resolve) => redis.once('ready', resolve));
  const crashes: unknown[] = [];
  const crashed = (err: unknown) => crashes.push(err);
  process.on('uncaughtException', crashed);
  try {
    const limits = new RateLimits(loadConfig({ NODE_ENV: 'test', QUEUE_PREFIX: `rl-${Date.now()}` }), redis);
    const rule = { points: 1, windowSeconds: 60, message: 'too many' };
    const other = redis.get('rate-limits-test:other'); // the turn's pipeline, made before the limit is counted
    await Promise.all([other, limits.consume('first', 'reader', rule)]);
    await expect(limits.consume('first', 'reader', rule)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await redis.ping()).toBe('PONG');
    expect(crashes).toEqual([]);
  } finally {
    process.off('uncaughtException', crashed);
    redis.disconnect();
  }
});
