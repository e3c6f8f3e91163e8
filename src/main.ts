import 'reflect-metadata';
import { createApp } from './app.js';
import { chooseRedis, configOrExit, exitWith, keepRunningOnStrayRejections } from './bootstrap.js';
import { createRootLogger } from './logger.js';

async function main(): Promise<void> {
  const config = configOrExit();
  const redisLine = await chooseRedis(config, { startPrivate: true }).catch((err: Error) => exitWith(err.message));
  const logger = createRootLogger(config.logLevel);
  keepRunningOnStrayRejections(logger);
  if (redisLine) logger.info(redisLine);
  const app = await createApp(config, logger).catch((err: Error) => exitWith(`Could not start: ${err.message}`));
  await app
    .listen({ port: config.port, host: config.host })
    .catch((err: NodeJS.ErrnoException) =>
      exitWith(
        err.code === 'EADDRINUSE'
          ? `Port ${config.port} on ${config.host} is already in use: stop the other process or set PORT`
          : `Could not listen on ${config.host}:${config.port}: ${err.message}`,
      ),
    );
  logger.info({ url: config.publicUrl, host: config.host, port: config.port, database: config.databaseUrl ? 'postgres' : config.sqlitePath }, 'comments service listening');
  if (config.localOnly) {
    logger.info('listening on 127.0.0.1 only (development); set HOST=0.0.0.0 to accept other machines');
  }
  if (config.secureCookies && !config.trustProxy) {
    logger.warn('PUBLIC_URL is https but TRUST_PROXY is false: behind a TLS-terminating proxy set TRUST_PROXY to the proxy address (or 1 for one hop), or sign-in cookies will not be set');
  }
  if (config.emulator) {
    logger.warn(`Sign-in emulator is ON: Twitter and Facebook sign-in go to ${config.publicUrl}/_emulator (development only)`);
  }
}

await main();
