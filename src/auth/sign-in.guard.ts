import { type ExecutionContext, Inject, Injectable, mixin, type Type } from '@nestjs/common';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { addressBucket } from '../common/client-address.js';
import { RateLimits } from '../common/rate-limits.js';
import { REDIS } from '../redis/redis.module.js';
import { AppError, ResponseAlreadySent } from '../errors.js';
import type { SignInFailure } from './auth-pages.js';
import type { ProviderProfile } from './auth.service.js';
import type { Provider } from './commenter.entity.js';
import { pickLanguage } from '../common/language.js';
import { passportResponse, type PassportResponse } from './passport-fastify.js';
import { RETURN_TO_MAX_LENGTH, safeReturnTo } from './return-to.js';
import { SIGN_IN_FLOW_TTL_SECONDS, signInUnavailable } from './session.store.js';
import { ownOrigin } from './trusted-origin.js';

/** What the callback handler receives on `request.signIn`. */
export type SignInOutcome = { ok: true; profile: ProviderProfile } | { ok: false; reason: SignInFailure; detail: string };

/** Kept in the server-side session between the redirect to the provider and its callback. */
export interface SignInFlow {
  provider: Provider;
  returnTo: string;
  popup: boolean;
}

/** Where passport-oauth1 keeps the pending request token in the session. */
const TWITTER_SESSION_KEY = 'oauth:twitter';

const responses = new WeakMap<FastifyRequest, PassportResponse>();

function classifyFailure(provider: Provider, query: Record<string, string | undefined>, err: unknown, status?: number): SignInFailure {
  if (provider === 'twitter' && query.denied) return 'denied';
  if (provider === 'facebook' && query.error) return query.error === 'access_denied' ? 'denied' : 'provider';
  if (err instanceof Error) {
    if (/request token in session|authorization request state|requires session/i.test(err.message)) return 'state';
    // Twitter answers an expired or already used request token with error 89.
    const code = (err as Error & { code?: unknown }).code;
    if (/obtain access token|expired/i.test(err.message) || err.name === 'TokenError' || code === 89) return 'expired';
    return 'provider';
  }
  return status === 403 ? 'state' : 'denied';
}

/**
 * A callback must carry the provider's answer and, for Twitter, the request token this very
 * session asked for (passport-oauth1 itself only looks at the secret it stored).
 */
function isGenuineCallback(provider: Provider, query: Record<string, string | undefined>, request: FastifyRequest): boolean {
  if (provider === 'facebook') return Boolean(query.error || query.code);
  if (query.denied) return true;
  const pending = (request.session as unknown as Record<string, { oauth_token?: string } | undefined>)[TWITTER_SESSION_KEY];
  return Boolean(query.oauth_token && query.oauth_verifier && pending?.oauth_token === query.oauth_token);
}

/**
 * The emulator is this very service. A sign-in started at another address than PUBLIC_URL's
 * (development: 127.0.0.1 while PUBLIC_URL says localhost) is sent to the consent page at that
 * address too: its form, and the redirect back that browsers check against its form-action 'self',
 * stay on one origin.
 */
function emulatorAt(self: string, publicOrigin: string, response: PassportResponse): void {
  const setHeader = response.setHeader.bind(response);
  const emulator = `${publicOrigin}/_emulator/`;
  response.setHeader = (name, value) =>
    setHeader(name, name.toLowerCase() === 'location' && typeof value === 'string' && value.startsWith(emulator) ? self + value.slice(publicOrigin.length) : value);
}

/**
 * Runs a passport strategy on the Fastify adapter. On the start route it records where the
 * reader came from and lets the strategy redirect; on the callback it never throws: it leaves a
 * SignInOutcome for the controller, which answers with a page in the reader's language.
 */
export function SignInGuard(provider: Provider, phase: 'start' | 'callback'): Type<IAuthGuard> {
  @Injectable()
  class ProviderSignInGuard extends AuthGuard(provider) {
    constructor(
      @Inject(AppConfig) private readonly config: AppConfig,
      @Inject(REDIS) private readonly redis: Redis,
      @Inject(RateLimits) private readonly limits: RateLimits,
    ) {
      super();
    }

    override async canActivate(context: ExecutionContext): Promise<boolean> {
      if (!this.config[provider]) {
        throw new AppError('PROVIDER_DISABLED', 404, `Sign-in with ${provider} is not enabled on this site`);
      }
      // The sign-in flow lives in the session, so it cannot start (or finish) while Redis is away.
      if (this.redis.status !== 'ready') {
        throw signInUnavailable();
      }
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const query = (request.query ?? {}) as Record<string, string | undefined>;
      if (phase === 'start') {
        void context.switchToHttp().getResponse<FastifyReply>().header('cache-control', 'no-store');
        await this.checkStart(request, query);
        // Only a completed sign-in earns the long session (and cookie); a signed-in reader keeps theirs.
        if (!request.session.commenterId) request.session.cookie.maxAge = SIGN_IN_FLOW_TTL_SECONDS * 1000;
        const flow: SignInFlow = {
          provider,
          returnTo: safeReturnTo(query.returnTo, this.config),
          popup: query.popup === '1' || query.popup === 'true',
        };
        request.session.signInFlow = flow;
      } else if (!isGenuineCallback(provider, query, request)) {
        (request as FastifyRequest & { signIn?: SignInOutcome }).signIn = {
          ok: false,
          reason: 'state',
          detail: 'callback without provider parameters or for another request token',
        };
        return true;
      }
      const response = passportResponse(context.switchToHttp().getResponse<FastifyReply>());
      const self = ownOrigin(request, this.config);
      if (this.config.emulator && self !== this.config.publicOrigin) emulatorAt(self, this.config.publicOrigin, response);
      responses.set(request, response);
      const answered = await Promise.race([super.canActivate(context), response.ended.then(() => 'answered' as const)]);
      if (answered === 'answered') throw new ResponseAlreadySent(); // passport redirected to the provider
      return true;
    }

    /**
     * Every start writes a session and, with real credentials, spends a request-token call at
     * Twitter: counted per client address before either happens.
     */
    private async checkStart(request: FastifyRequest, query: Record<string, string | undefined>): Promise<void> {
      if (typeof query.returnTo === 'string' && query.returnTo.length > RETURN_TO_MAX_LENGTH) {
        throw new AppError('VALIDATION_FAILED', 400, `returnTo must be at most ${RETURN_TO_MAX_LENGTH} characters`, { field: 'returnTo' });
      }
      await countSignIn(this.limits, this.config, request);
    }

    getResponse(context: ExecutionContext): PassportResponse {
      return responses.get(context.switchToHttp().getRequest<FastifyRequest>())!;
    }

    override getAuthenticateOptions(context: ExecutionContext): { session: false; callbackURL?: string } {
      // In development the popup may have opened at 127.0.0.1 or a LAN address: the provider must send
      // the reader back there, where the flow's session cookie is. Production: always PUBLIC_URL's.
      const self = ownOrigin(context.switchToHttp().getRequest<FastifyRequest>(), this.config);
      return self === this.config.publicOrigin ? { session: false } : { session: false, callbackURL: `${self}/auth/${provider}/callback` };
    }

    override handleRequest<T>(err: unknown, user: unknown, _info: unknown, context: ExecutionContext, status?: unknown): T {
      const request = context.switchToHttp().getRequest<FastifyRequest>();
      const query = (request.query ?? {}) as Record<string, string | undefined>;
      const outcome: SignInOutcome =
        !err && user
          ? { ok: true, profile: user as ProviderProfile }
          : {
              ok: false,
              reason: classifyFailure(provider, query, err, typeof status === 'number' ? status : undefined),
              detail: describeFailure(err),
            };
      (request as FastifyRequest & { signIn?: SignInOutcome }).signIn = outcome;
      return outcome as T;
    }
  }
  return mixin(ProviderSignInGuard);
}

/** One sign-in attempt from the request's address against SIGNIN_RATE_LIMIT (every provider counts together). */
export function countSignIn(limits: RateLimits, config: AppConfig, request: FastifyRequest): Promise<void> {
  return limits.consume('sign-in', addressBucket(request.ip), {
    points: config.signInRateLimit,
    windowSeconds: 60,
    message: 'Too many sign-in attempts from this address; please try again in a minute',
  });
}

/** For the log line: the error and its cause (node-oauth's status and body), cut short: a provider's answer can be any size. */
function describeFailure(err: unknown): string {
  if (!(err instanceof Error)) return 'not authorised';
  const cause = (err as Error & { oauthError?: { statusCode?: number; data?: unknown; message?: string } }).oauthError;
  const more = cause ? ` (${cause.statusCode ?? cause.message ?? ''} ${typeof cause.data === 'string' ? cause.data : ''})` : '';
  const text = `${err.message}${more}`;
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

export function languageOf(request: FastifyRequest) {
  return pickLanguage(request.headers['accept-language']);
}
