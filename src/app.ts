import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type fastifySession from '@fastify/session';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController, type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { HelmetOptions } from 'helmet';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { deriveKey } from './auth/keys.js';
import { lazySession } from './auth/lazy-session.js';
import { RedisSessionStore } from './auth/session.store.js';
import { SESSION_COOKIE } from './auth/session.cookie.js';
import { MODERATOR_COOKIE } from './moderators/moderator-sessions.js';
import type { AppConfig } from './config.js';
import { fastifyTrustProxy } from './common/client-address.js';
import { securityHeaders } from './common/security-headers.js';
import { refuseRepeatedQueryParameters } from './common/query-params.js';
import { answerClientError } from './common/client-error.js';
import { serveFavicon } from './common/favicon.js';
import { AllExceptionsFilter, sendError, sendFrameworkError } from './errors.js';
import { ModeratorResolver, assertAdmin } from './moderators/moderator.guard.js';
import { ModeratorsService } from './moderators/moderators.service.js';
import { PinoNestLogger, requestLogger } from './logger.js';
import { HttpMetrics, recordHttpMetrics } from './metrics/http-metrics.js';
import { REDIS } from './redis/redis.module.js';

const BODY_LIMIT = 16 * 1024;
/** Rule sets carry word lists of up to 100,000 entries each. */
const RULES_BODY_LIMIT = 10 * 1024 * 1024;

/**
 * One line per request, after it: reads (the bulk of traffic) at debug, everything else at info,
 * failures at error.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error || reply.statusCode >= 500) reply.log.error({ ...line, err: error ?? undefined }, 'request failed');
    else if (request.method === 'GET' || request.method === 'HEAD') reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}

/**
 * An onRequest hook: the guard's answer for anyone but an admin (401, or 403 for a reader, a
 * moderator or a missing CSRF token), given before the body is read, on a connection then closed
 * so the rest of the body is never received.
 */
function adminsBeforeTheBody(resolver: ModeratorResolver) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      assertAdmin(await resolver.resolve(request));
    } catch (err) {
      sendError(reply.header('connection', 'close'), err);
      return reply;
    }
  };
}

function requestId(header: unknown): string {
  return typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID();
}

function helmetOptions(config: AppConfig): HelmetOptions {
  return {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    crossOriginOpenerPolicy: false, // the sign-in popup must be able to reach window.opener
    crossOriginEmbedderPolicy: false,
    hsts: config.secureCookies,
  };
}

/** Builds the HTTP application (not yet listening): used by main.ts and by the e2e tests. */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const headers = securityHeaders(helmetOptions(config));
  const setResponseHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    // On the raw response, so streams that take it over (server-sent events) keep them too.
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    reply.raw.setHeader('x-request-id', request.id);
  };
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: BODY_LIMIT,
    // A slow client holds a socket and its buffers: every request must arrive in time. Live streams
    // lift the idle limit on their own socket (common/event-stream.ts).
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.connectionTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      // How often Node looks for requests over those limits (its default, 30 s, would double them).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
    },
    clientErrorHandler: answerClientError,
    routerOptions: { maxParamLength: 1000 }, // article ids are up to 200 characters, URL-encoded (Fastify's default is 100)
    genReqId: (req: { headers: Record<string, unknown> }) => requestId(req.headers['x-request-id']),
    logController: new AccessLog(),
    // No Nest middleware here (hooks and guards do that work): no @fastify/middie pass on every request.
    skipMiddie: true,
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      setResponseHeaders(request, reply);
      sendFrameworkError(reply, error);
    },
  });
  const nestLogger = new PinoNestLogger(logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: nestLogger,
    bufferLogs: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // First, so that every route registered from here on (all of Nest's, at init) is measured.
  recordHttpMetrics(fastify, app.get(HttpMetrics));
  const adminsOnly = adminsBeforeTheBody(app.get(ModeratorResolver));
  fastify.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/moderation/rules')) return;
    route.bodyLimit = RULES_BODY_LIMIT;
    // Every rule-set write is an admin's (RulesController): no one else's 10 MB is read, let alone parsed.
    if (route.method !== 'GET' && route.method !== 'HEAD') route.onRequest = [...[route.onRequest ?? []].flat(), adminsOnly];
  });

  fastify.addHook('onRequest', (request, reply, done) => {
    setResponseHeaders(request, reply);
    done();
  });
  refuseRepeatedQueryParameters(fastify);
  serveFavicon(fastify);
  const moderators = app.get(ModeratorsService);
  fastify.addHook('onListen', (done) => {
    moderators.announceFirstAdmin();
    done();
  });
  if (config.logRequestContext) {
    // Node 20's AsyncLocalStorage turns on promise hooks for the whole process: opt-in.
    fastify.addHook('preHandler', (request, _reply, done) => {
      requestLogger.run(request.log as Logger, done);
    });
  }

  await app.register(fastifyCookie);
  await app.register(lazySession, {
    secret: deriveKey(config.authSecret, 'session-cookie').toString('hex'),
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    rolling: false,
    store: new RedisSessionStore(app.get<Redis>(REDIS), config.sessionTtlSeconds) as unknown as fastifySession.SessionStore,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: config.sessionTtlSeconds * 1000,
    },
  });

  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  // Off in production unless API_DOCS=true: the full route map is a head start for an attacker.
  if (config.apiDocs) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('News comments')
        .setDescription('Comment service for news sites. Every error answers {statusCode, error: CODE, message}.')
        .setVersion('1')
        .addBearerAuth()
        .addCookieAuth(SESSION_COOKIE)
        .addCookieAuth(MODERATOR_COOKIE, { type: 'apiKey', in: 'cookie', name: MODERATOR_COOKIE }, MODERATOR_COOKIE)
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs.json' });
  }

  await app.init();
  logger.info(...nestLogger.startupSummary());
  await fastify.ready();
  return app;
}

