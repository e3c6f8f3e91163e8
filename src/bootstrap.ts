import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigError, loadConfig, type AppConfig, type LoadOptions } from './config.js';
import { REDIS_INSTALL_HINT, RedisServerMissing, findPrivateRedis, startPrivateRedis, type PrivateRedis } from './redis/embedded-redis.js';
import { assertRedisReachable } from './redis/redis.module.js';

/** Start-up problems end the process with one plain line, not a stack trace. */
export function exitWith(message: string): never {
  process.stderr.write(message + '\n');
  process.exit(1);
}

export function configOrExit(options: LoadOptions = {}): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env, options);
  } catch (err) {
    if (err instanceof ConfigError) exitWith(err.message);
    throw err;
  }
}

/**
 * A library's stray rejection (seen in client libraries while Redis reconnects) must not take the
 * whole process down with every request in it: log it loudly instead.
 */
export function keepRunningOnStrayRejections(logger: { error(obj: object, msg: string): void }): void {
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}

/**
 * Settles where Redis is before anything connects, and sets config.redisUrl. REDIS_URL when it is
 * a URL (and, outside development, when unset: the default address). Otherwise a private Redis
 * already running for DATA_DIR; then, REDIS_URL unset, 127.0.0.1:6379 if it answers; then, for
 * the API only (`startPrivate`), a private Redis started now, which stops with this process.
 * Returns the line to log, if any; throws with the one line to exit with.
 */
export async function chooseRedis(config: AppConfig, { startPrivate }: { startPrivate: boolean }): Promise<string | undefined> {
  const development = config.nodeEnv === 'development';
  if (config.redisSetting === 'url' || (config.redisSetting === 'unset' && !development)) {
    await assertRedisReachable(config.redisUrl, { suggestPrivate: !config.isProduction });
    return undefined;
  }
  const dir = join(config.dataDir, 'redis');
  const shown = shownPath(dir);
  const explicit = config.redisSetting === 'embedded';
  const using = (redis: PrivateRedis) => {
    config.redisUrl = redis.url;
    return `Using the private Redis of process ${redis.owner} (redis-server ${redis.version}) on 127.0.0.1:${redis.port}, data in ${shown}`;
  };
  const running = await findPrivateRedis(dir);
  if (running) return using(running);
  if (!explicit && (await redisAnswers(config.redisUrl))) return undefined;

  const nothing = explicit ? 'REDIS_URL=embedded' : `No Redis at ${hostAndPort(config.redisUrl)}`;
  if (!startPrivate) {
    throw new Error(`${nothing}, and no private Redis is running for ${shown}: start the service first (npm start starts one and stops it with itself), or set REDIS_URL`);
  }
  let started: PrivateRedis;
  try {
    started = await startPrivateRedis(dir);
  } catch (err) {
    if (err instanceof RedisServerMissing) {
      throw new Error(`${nothing}, and no redis-server on the PATH to start a private one: ${REDIS_INSTALL_HINT}${explicit ? ', then unset REDIS_URL' : ''}`);
    }
    throw err;
  }
  if (started.reused) return using(started);
  config.redisUrl = started.url;
  const where = `(redis-server ${started.version}) on 127.0.0.1:${started.port}, data in ${shown}`;
  return explicit ? `REDIS_URL=embedded: started a private Redis ${where}` : `${nothing}: started a private one ${where}`;
}

async function redisAnswers(url: string): Promise<boolean> {
  return assertRedisReachable(url, { timeoutMs: 1000 }).then(
    () => true,
    () => false,
  );
}

function hostAndPort(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 6379}`;
}

/** ./data/redis under the working directory, the absolute path elsewhere. */
function shownPath(dir: string): string {
  const inside = relative(process.cwd(), dir);
  return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? dir : `./${inside}`;
}
