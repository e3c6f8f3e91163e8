import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifySession from '@fastify/session';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { deriveKey } from './auth/keys.js';
import { RedisSessionStore } from './auth/session.store.js';
import type { AppConfig } from './config.js';
import { AllExceptionsFilter, fastifyErrorHandler } from './errors.js';
import { PinoNestLogger, requestLogger } from './logger.js';
import { REDIS } from './redis/redis.module.js';

export const SESSION_COOKIE = 'cs_session';
const BODY_LIMIT = 16 * 1024;

function requestId(header: unknown): string {
  return typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID();
}

/** Builds the HTTP application (not yet listening): used by main.ts and by the e2e tests. */
export async function createApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT,
    genReqId: (req: { headers: Record<string, unknown> }) => requestId(req.headers['x-request-id']),
    disableRequestLogging: config.logLevel !== 'debug' && config.logLevel !== 'trace',
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestLogger.enterWith(request.log as Logger);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (reply.statusCode >= 500) request.log.error({ statusCode: reply.statusCode, url: request.url }, 'request failed');
    else request.log.debug({ statusCode: reply.statusCode, ms: reply.elapsedTime }, 'request completed');
    done();
  });
  fastify.setErrorHandler(fastifyErrorHandler);

  await app.register(fastifyHelmet, {
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
      },
    },
    crossOriginOpenerPolicy: false, // the sign-in popup must be able to reach window.opener
    crossOriginEmbedderPolicy: false,
    hsts: config.secureCookies,
  });
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
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

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('News comments')
      .setDescription('Comment service for news sites. Every error answers {statusCode, error: CODE, message}.')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth(SESSION_COOKIE)
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs.json' });

  await app.init();
  await fastify.ready();
  return app;
}

