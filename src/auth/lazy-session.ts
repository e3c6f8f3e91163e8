import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyPluginCallback, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

/** Where a session may be started: the sign-in flow and its token exchange. */
const SESSION_ROUTES = '/auth/';

/**
 * @fastify/session, run only where a session can matter: requests that carry the session cookie,
 * and the sign-in routes that create one. The plugin otherwise builds and signs a new, empty
 * session for every request (the widget's bearer-token calls, every public read), which is a
 * measurable share of a cheap route. Elsewhere `request.session` stays null.
 */
export const lazySession = fp<fastifySession.FastifySessionOptions>((fastify, options, done) => {
  const cookieName = options.cookieName ?? 'sessionId';
  const needsSession = (request: FastifyRequest) => request.cookies[cookieName] !== undefined || request.url.startsWith(SESSION_ROUTES);
  const onlyWhereNeeded = new Proxy(fastify, {
    get(target, property) {
      if (property === 'addHook') {
        return (name: string, hook: onRequestHookHandler) =>
          name === 'onRequest'
            ? target.addHook('onRequest', function (this: FastifyInstance, request, reply, next) {
                if (needsSession(request)) return hook.call(this, request, reply, next);
                next();
              })
            : target.addHook(name as 'onSend', hook as never);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  (fastifySession as unknown as FastifyPluginCallback<fastifySession.FastifySessionOptions>)(onlyWhereNeeded, options, done);
}, { name: 'lazy-session', dependencies: ['@fastify/cookie'] });
