import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type AppConfig, type LoadOptions } from './config.js';

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
