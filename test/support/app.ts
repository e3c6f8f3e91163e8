import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createRootLogger } from '../../src/logger.js';
import { freshDatabase, TEST_REDIS_URL, type DatabaseKind, type TestDatabase } from './databases.js';
import { freePort } from './ports.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real HTTP service on a free port, on a fresh database of the given kind. */
export async function startTestApp(
  kind: DatabaseKind,
  env: Record<string, string> | ((url: string) => Record<string, string>) = {},
  reuse?: TestDatabase,
): Promise<TestApp> {
  const database = reuse ?? (await freshDatabase(kind));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    REDIS_URL: TEST_REDIS_URL,
    // A queue of its own, so workers of other suites (or other checkouts) never take this one's jobs.
    QUEUE_PREFIX: `test-${port}-${Date.now().toString(36)}`,
    // Every test signs its readers in from 127.0.0.1; suites that test the limit set their own.
    SIGNIN_RATE_LIMIT: '100000',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...database.env,
    ...(typeof env === 'function' ? env(url) : env),
  });
  const app = await createApp(config, createRootLogger(config.logLevel));
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    config,
    url,
    database,
    close: async () => {
      await app.close();
      if (!reuse) await database.drop();
    },
  };
}
