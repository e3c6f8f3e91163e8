import 'reflect-metadata';
import { createApp } from './app.js';
import { configOrExit, exitWith } from './bootstrap.js';
import { createRootLogger } from './logger.js';
import { assertRedisReachable } from './redis/redis.module.js';

async function main(): Promise<void> {
  const config = configOrExit();
  await assertRedisReachable(config.redisUrl).catch((err: Error) => exitWith(err.message));
  const logger = createRootLogger(config.logLevel);
  const app = await createApp(config, logger).catch((err: Error) => exitWith(`Could not start: ${err.message}`));
  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: config.publicUrl, database: config.databaseUrl ? 'postgres' : config.sqlitePath }, 'comments service listening');
  if (config.emulator) {
    logger.warn(`Sign-in emulator is ON: Twitter and Facebook sign-in go to ${config.publicUrl}/_emulator (development only)`);
  }
}

await main();
