import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply } from 'fastify';

/**
 * The one error type the service throws on purpose. `code` is part of the API contract:
 * clients branch on it, so codes are never renamed.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Thrown when a handler or guard has already answered the request itself (e.g. a redirect). */
export class ResponseAlreadySent extends Error {}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [extra: string]: unknown;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

const log = new Logger('errors');

/** Network failures, and PostgreSQL's "shutting down / cannot connect now" and connection-exception classes. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** The database went away (restart, failover, network): the request may well succeed in a moment. */
function isDatabaseUnreachable(exception: unknown): boolean {
  const e = exception as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } } | null;
  if (!e || typeof e !== 'object') return false;
  const code = e.driverError?.code ?? e.code;
  const message = String(e.driverError?.message ?? e.message ?? '');
  return (typeof code === 'string' && UNREACHABLE_CODES.has(code)) || /Connection terminated|timeout exceeded when trying to connect/i.test(message);
}

/** Turns anything thrown into `{statusCode, error, message}`; never leaks a stack trace. */
export function toErrorResponse(exception: unknown): { body: ErrorBody; headers: Record<string, string> } {
  if (exception instanceof AppError) {
    return {
      body: { statusCode: exception.status, error: exception.code, message: exception.message, ...exception.extra },
      headers: exception.headers,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const fromResponse = typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {};
    const message = Array.isArray(fromResponse.message)
      ? fromResponse.message.join('; ')
      : typeof fromResponse.message === 'string'
        ? fromResponse.message
        : exception.message;
    // Nest's Fastify adapter rethrows body-parser failures as plain HttpExceptions.
    const badJson = status === 400 && /not valid JSON|JSON at position|Unexpected (token|end of JSON)/i.test(message);
    const error = badJson
      ? 'INVALID_JSON'
      : status >= 500 && status !== 503
        ? 'INTERNAL_ERROR'
        : (CODE_BY_STATUS[status] ?? `HTTP_${status}`);
    return { body: { statusCode: status, error, message }, headers: {} };
  }
  const fastifyError = exception as Partial<FastifyError> | undefined;
  if (fastifyError && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const error =
      (fastifyError.code && FASTIFY_CODES[fastifyError.code]) ??
      (fastifyError.name === 'SyntaxError' ? 'INVALID_JSON' : undefined) ??
      CODE_BY_STATUS[status] ??
      'BAD_REQUEST';
    const message =
      error === 'PAYLOAD_TOO_LARGE'
        ? 'The request body is larger than the 16 KB this service accepts'
        : error === 'INVALID_JSON'
          ? 'The request body is not valid JSON'
          : (fastifyError.message ?? 'Bad request');
    return { body: { statusCode: status, error, message }, headers: {} };
  }
  if (isDatabaseUnreachable(exception)) {
    log.warn({ err: (exception as Error).message }, 'database unreachable');
    return {
      body: { statusCode: HttpStatus.SERVICE_UNAVAILABLE, error: 'DATABASE_UNAVAILABLE', message: 'The service cannot reach its database just now; please try again shortly' },
      headers: { 'retry-after': '5' },
    };
  }
  log.error({ err: exception, name: (exception as Error)?.name, code: (exception as FastifyError)?.code }, 'unhandled error');
  return {
    body: { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'INTERNAL_ERROR', message: 'Something went wrong on our side' },
    headers: {},
  };
}

const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'The URL is not valid: a path segment has broken percent-encoding',
  FST_ERR_MAX_PARAM_LENGTH: 'A path segment is longer than this service accepts',
};

/** Fastify's own routing failures (its `frameworkErrors` option), which no Nest filter sees. */
export function sendFrameworkError(reply: FastifyReply, error: FastifyError): void {
  const message = FRAMEWORK_MESSAGES[error.code];
  sendError(reply, message ? new AppError('VALIDATION_FAILED', 400, message, { field: 'path' }) : error);
}

export function sendError(reply: FastifyReply, exception: unknown): void {
  if (reply.sent || exception instanceof ResponseAlreadySent) return;
  const { body, headers } = toErrorResponse(exception);
  void reply.status(body.statusCode).headers(headers).type('application/json; charset=utf-8').send(body);
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(reply, exception);
  }
}

