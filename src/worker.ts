import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { WorkerModule } from './app.module.js';
import { chooseRedis, configOrExit, exitWith, keepRunningOnStrayRejections } from './bootstrap.js';
import { PinoNestLogger, createRootLogger } from './logger.js';
import { REDIS } from './redis/redis.module.js';

const HEARTBEAT_MS = 10_000;

/** The queue worker: the same modules as the API, no HTTP listener. */
async function main(): Promise<void> {
  const config = configOrExit({ servesHttp: false });
  // A private Redis is the API's to start: the worker only joins one (see chooseRedis).
  const redisLine = await chooseRedis(config, { startPrivate: false }).catch((err: Error) => exitWith(err.message));
  const logger = createRootLogger(config.logLevel, 'comments-worker');
  keepRunningOnStrayRejections(logger);
  if (redisLine) logger.info(redisLine);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  }).catch((err: Error) => exitWith(`Could not start the worker: ${err.message}`));
  app.enableShutdownHooks();

  if (config.workerHeartbeatFile) {
    // Container health checks read the file's age: it is touched only while both stores answer.
    const file = config.workerHeartbeatFile;
    const redis = app.get<Redis>(REDIS);
    const dataSource = app.get(DataSource);
    const beat = async () => {
      try {
        await Promise.all([redis.ping(), dataSource.query('SELECT 1')]);
        await writeFile(file, new Date().toISOString());
      } catch (err) {
        logger.warn({ err }, 'heartbeat skipped: a store is not answering');
      }
    };
    await beat();
    setInterval(() => void beat(), HEARTBEAT_MS).unref();
  }
  logger.info('worker started');
}

await main();
