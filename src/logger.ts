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

/**
 * Nest's own start-up narration (a line per module, per controller and per route: over a hundred),
 * written at debug rather than info; `startupSummary` says it in one line.
 */
const NARRATING_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/** Nest's LoggerService on top of pino: JSON lines, bound to the current request when there is one. */
export class PinoNestLogger implements LoggerService {
  private readonly mapped = { routes: 0, controllers: 0 };

  constructor(private readonly root: Logger) {}

  /** What Nest mapped, as one line for the info log (call it after `app.init()`). */
  startupSummary(): [{ routes: number; controllers: number }, string] {
    const { routes, controllers } = this.mapped;
    return [{ routes, controllers }, `mapped ${routes} routes in ${controllers} controllers (LOG_LEVEL=debug lists them)`];
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    const logger = requestLogger.getStore() ?? this.root;
    const context = typeof params[params.length - 1] === 'string' ? (params.pop() as string) : undefined;
    if (level === 'info' && context && NARRATING_CONTEXTS.has(context)) {
      if (context === 'RouterExplorer') this.mapped.routes++;
      else if (context === 'RoutesResolver') this.mapped.controllers++;
      level = 'debug';
    }
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
