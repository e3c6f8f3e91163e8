import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { WorkerModule } from './app.module.js';
import { PinoNestLogger, createRootLogger } from './logger.js';
import { configOrExit, exitWith } from './bootstrap.js';
import { assertRedisReachable } from './redis/redis.module.js';

/** The queue worker: the same modules as the API, no HTTP listener. */
async function main(): Promise<void> {
  const config = configOrExit();
  await assertRedisReachable(config.redisUrl).catch((err: Error) => exitWith(err.message));
  const logger = createRootLogger(config.logLevel, 'comments-worker');
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  }).catch((err: Error) => exitWith(`Could not start the worker: ${err.message}`));
  app.enableShutdownHooks();
  logger.info('worker started');
}

await main();
