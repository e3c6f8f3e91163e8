import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import { readBoundedText } from '../common/bounded-body.js';
import { AppConfig, type SsoConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';
import { AuthService, type ProviderProfile } from './auth.service.js';
import { cleanAvatarUrl, cleanDisplayName } from './display-text.js';
import { signInUnavailable } from './session.store.js';
import { TokensService, type IssuedToken } from './tokens.service.js';

/** The longest token POST /auth/sso reads; a site's token with a name and a picture URL is well under 2 KB. */
export const SSO_TOKEN_MAX_LENGTH = 8192;
/** How far the site's clock may be from ours, in seconds (exp, iat). */
export const SSO_CLOCK_SKEW = 60;
/** The longest a token may live: exp at most this many seconds after iat. */
export const SSO_MAX_LIFETIME = 600;
const JWKS_MAX_BYTES = 64 * 1024;
const JWKS_ALGORITHMS = ['RS256', 'ES256'];

/** A refusal of the site's token: 401 SSO_TOKEN_INVALID with the reason. */
function refused(reason: string): AppError {
  return new AppError('SSO_TOKEN_INVALID', 401, `The sign-in token was refused: ${reason}`);
}

export function ssoDisabled(): AppError {
  return new AppError('PROVIDER_DISABLED', 404, "Sign-in with the site's own accounts is not enabled on this site (SSO_SECRET or SSO_JWKS_URL)");
}

/** The keys at SSO_JWKS_URL could not be had (network, status, size, not JSON). */
class KeysUnavailable extends Error {}

/**
 * Sign-in with the publisher's own accounts: the site signs a short-lived JWT for its signed-in
 * reader, the widget hands it over, and it becomes a reader record and our own bearer token.
 * HS256 is checked with SSO_SECRET, RS256 and ES256 with the keys at SSO_JWKS_URL (jose's remote
 * key set: cached for SSO_JWKS_MAX_AGE, fetched again for an unknown `kid` at most once per
 * SSO_JWKS_COOLDOWN). Nothing else is accepted, `none` least of all.
 */
@Injectable()
export class SsoService {
  private readonly log = new Logger(SsoService.name);
  private readonly sso: SsoConfig | null;
  private readonly secret?: Uint8Array;
  private readonly keys?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
    private readonly auth: AuthService,
    private readonly tokens: TokensService,
  ) {
    this.sso = config.sso;
    if (this.sso?.secret) this.secret = new TextEncoder().encode(this.sso.secret);
    if (this.sso?.jwksUrl) {
      this.keys = createRemoteJWKSet(new URL(this.sso.jwksUrl), {
        timeoutDuration: config.providerTimeoutMs,
        cooldownDuration: this.sso.jwksCooldownSeconds * 1000,
        cacheMaxAge: this.sso.jwksMaxAgeSeconds * 1000,
        [customFetch]: fetchKeys,
      });
    }
  }

  /** The site's token for our bearer token, as POST /auth/token answers. */
  async exchange(token: string): Promise<IssuedToken> {
    if (!this.sso) throw ssoDisabled();
    const payload = await this.verify(token);
    const profile = readProfile(payload);
    if (typeof payload.jti === 'string') await this.spend(payload.jti, payload.exp!);
    const commenter = await this.auth.signIn(profile);
    this.log.log({ provider: 'sso', commenterId: commenter.id }, 'signed in');
    return this.tokens.issue(commenter.id, 'commenter');
  }

  private async verify(token: string): Promise<JWTPayload> {
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw refused('it is not a JWT (three base64url parts with a JSON header)');
    }
    if (alg === undefined || alg === 'none') throw refused('alg "none" is not allowed: the token must be signed');
    const allowed = [...(this.secret ? ['HS256'] : []), ...(this.keys ? JWKS_ALGORITHMS : [])];
    if (typeof alg !== 'string' || !allowed.includes(alg)) {
      throw refused(`the algorithm ${String(alg)} is not allowed here (allowed: ${allowed.join(', ')})`);
    }
    try {
      const options = { algorithms: [alg], clockTolerance: SSO_CLOCK_SKEW };
      const { payload } = alg === 'HS256' ? await jwtVerify(token, this.secret!, options) : await this.verifyWithKeys(token, options);
      return payload;
    } catch (err) {
      const reason = this.describe(err);
      this.log.warn({ reason }, 'SSO token refused');
      throw refused(reason);
    }
  }

  /**
   * A `kid` the cached keys lack, right after a fetch (within SSO_JWKS_COOLDOWN), waits for the
   * cooldown to end and is looked up once more, which fetches the keys again (one fetch for all who
   * wait): a site that rotates its key and signs with the new one at once is not refused, and
   * made-up `kid`s cannot make more than one fetch per cooldown.
   */
  private async verifyWithKeys(token: string, options: { algorithms: string[]; clockTolerance: number }) {
    try {
      return await jwtVerify(token, this.keys!, options);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey) || !this.keys!.coolingDown) throw err;
      await new Promise((resolve) => setTimeout(resolve, this.sso!.jwksCooldownSeconds * 1000));
      return jwtVerify(token, this.keys!, options);
    }
  }

  private describe(err: unknown): string {
    if (err instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not match';
    if (err instanceof errors.JWTExpired) return 'it has expired (exp is past)';
    if (err instanceof errors.JWTClaimValidationFailed) return `the claim ${err.claim} is not valid (${err.reason})`;
    if (err instanceof errors.JWKSNoMatchingKey) return 'no key at SSO_JWKS_URL matches its kid and algorithm';
    if (err instanceof errors.JWKSMultipleMatchingKeys) return 'several keys at SSO_JWKS_URL match it: give each key its own kid';
    if (err instanceof errors.JWKSTimeout) return `the signing keys could not be fetched: SSO_JWKS_URL did not answer within ${this.config.providerTimeoutMs} ms`;
    if (err instanceof KeysUnavailable) return `the signing keys could not be fetched: ${err.message}`;
    if (err instanceof errors.JWKSInvalid) return 'the signing keys could not be read: SSO_JWKS_URL did not answer with a JSON Web Key Set';
    if (err instanceof errors.JOSEError) return `it is malformed (${err.message})`;
    this.log.error({ err }, 'SSO token check failed unexpectedly');
    return 'it could not be checked';
  }

  /**
   * A token with a `jti` is good once: SET NX in Redis, shared by every API process, kept until the
   * token would expire (plus the clock skew it is allowed).
   */
  private async spend(jti: string, exp: number): Promise<void> {
    if (this.redis.status !== 'ready') throw signInUnavailable();
    const ttlMs = Math.max(1000, (exp + SSO_CLOCK_SKEW) * 1000 - Date.now());
    let first: string | null;
    try {
      first = await this.redis.set(`${this.config.queuePrefix}:sso-jti:${jti}`, '1', 'PX', ttlMs, 'NX');
    } catch {
      throw signInUnavailable();
    }
    if (first !== 'OK') throw refused('its jti was already used (a token signs in once)');
  }
}

/** The claims the reader record is made of, each checked, with the first problem as the reason. */
function readProfile(payload: JWTPayload): ProviderProfile {
  const { sub, iat, exp, jti } = payload;
  const claims = payload as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  if (sub === undefined) throw refused('the claim sub is missing');
  // eslint-disable-next-line no-control-regex
  if (typeof sub !== 'string' || sub.length > 64 || sub.trim() === '' || /[\u0000-\u001f\u007f]/.test(sub) || sub.startsWith('deleted:')) {
    throw refused('sub must be a string of 1 to 64 characters, without control characters');
  }
  if (claims.name === undefined) throw refused('the claim name is missing');
  if (typeof claims.name !== 'string' || claims.name.length > 1000) throw refused('name must be a string of at most 1,000 characters');
  const name = cleanDisplayName(claims.name);
  if (!name) throw refused('name is empty');
  if (claims.picture !== undefined && claims.picture !== null && !cleanAvatarUrl(claims.picture)) {
    throw refused('picture must be an http(s) URL of at most 1,000 characters');
  }
  if (iat === undefined) throw refused('the claim iat is missing');
  if (iat > now + SSO_CLOCK_SKEW) throw refused('iat is in the future');
  if (exp === undefined) throw refused('the claim exp is missing');
  // With iat at most SSO_CLOCK_SKEW ahead, this also keeps exp within 10 minutes (and the skew) of now.
  if (exp - iat > SSO_MAX_LIFETIME) throw refused(`exp is more than ${SSO_MAX_LIFETIME / 60} minutes after iat`);
  if (jti !== undefined && (typeof jti !== 'string' || jti.length === 0 || jti.length > 256)) throw refused('jti must be a string of 1 to 256 characters');
  return { provider: 'sso', id: sub, displayName: name, avatarUrl: (claims.picture as string | undefined) ?? undefined, issuedAt: iat };
}

/** jose's fetch for the key set, bounded in size too (jose bounds the time). */
async function fetchKeys(url: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    if (init.signal?.aborted) throw err; // jose reports the timeout
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new KeysUnavailable(`SSO_JWKS_URL could not be reached (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new KeysUnavailable(`SSO_JWKS_URL answered ${response.status}`);
  }
  let text: string;
  try {
    text = await readBoundedText(response, JWKS_MAX_BYTES);
  } catch (err) {
    if (init.signal?.aborted) throw err; // jose reports the timeout
    throw new KeysUnavailable(`SSO_JWKS_URL: ${(err as Error).message}`);
  }
  return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
}
