import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type LoggerService, type OnApplicationShutdown } from '@nestjs/common';
import { pino, type Logger, type Level } from 'pino';

/** The logger of the request being handled, so every line logged during a request carries its id. */
export const requestLogger = new AsyncLocalStorage<Logger>();

/** The process's root loggers, flushed before a shutdown signal ends it (LogFlusher). */
const roots = new Set<Logger>();

export function createRootLogger(level: Level | 'silent', name = 'comments'): Logger {
  const logger = pino({
    level,
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token'],
      censor: '[redacted]',
    },
  });
  roots.add(logger);
  return logger;
}

/**
 * The last hook of a shutdown: writes out what the loggers still hold. pino writes stdout
 * asynchronously, and Nest ends a signalled process by raising the signal again, which skips the
 * 'exit' handlers that would otherwise flush: the "stopped" lines could be lost.
 */
@Injectable()
export class LogFlusher implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...roots].map((logger) => new Promise<void>((resolve) => logger.flush(() => resolve()))));
  }
}

/** Nest's LoggerService on top of pino: JSON lines, bound to the current request when there is one. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = requestLogger.getStore() ?? this.root;
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (message instanceof Error) {
      logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const text = typeof params[0] === 'string' ? (params.shift() as string) : undefined;
      logger[level]({ context, ...(message as object) }, text);
    } else {
      const stack = level === 'error' && typeof params[0] === 'string' ? params[0] : undefined;
      logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }
}
