import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { InjectRedis } from '../redis/redis.module.js';
import { deriveKey } from './keys.js';

export type TokenKind = 'commenter' | 'moderator';

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

export interface TokenClaims {
  sub: string;
  kind: TokenKind;
  jti: string;
  exp: number;
}

const AUDIENCE = 'news-comments';
const VERIFIED_CACHE_SIZE = 50_000;

/** Short-lived signed bearer tokens (HS256 JWT) for the embedded widget and API clients. */
@Injectable()
export class TokensService {
  private readonly key: Buffer;
  private readonly log = new Logger(TokensService.name);
  /** Signature checks are the costly part and a reader sends the same token many times. */
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {
    this.key = deriveKey(config.authSecret, 'bearer-token');
  }

  async issue(subject: string, kind: TokenKind, ttlSeconds = this.config.authTokenTtlSeconds): Promise<IssuedToken> {
    return (await this.issueRevocable(subject, kind, ttlSeconds)).issued;
  }

  /**
   * A token and what `revoke` needs of it (its id and expiry), for callers that must be able to end
   * it later. `claims`: extra ones the caller reads back after verify (e.g. a moderator token's
   * issue time to the millisecond).
   */
  async issueRevocable(
    subject: string,
    kind: TokenKind,
    ttlSeconds: number,
    claims: Record<string, string | number> = {},
  ): Promise<{ issued: IssuedToken; revocation: Pick<TokenClaims, 'jti' | 'exp'> }> {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const jti = randomUUID();
    const token = await new SignJWT({ ...claims, kind })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(subject)
      .setJti(jti)
      .setIssuer(this.config.publicOrigin)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(exp)
      .sign(this.key);
    return { issued: { token, expiresAt: new Date(exp * 1000).toISOString() }, revocation: { jti, exp } };
  }

  async verify(token: string, kind: TokenKind): Promise<TokenClaims> {
    return (await this.verifyWith(token, kind, async () => undefined)).claims;
  }

  /**
   * Verifies the token and, while its revocation is looked up, already runs `use` with its claims
   * (the caller's own lookup): one round trip less on every authenticated request. `use`'s result
   * is returned only if the token stands.
   */
  async verifyWith<T>(token: string, kind: TokenKind, use: (claims: TokenClaims) => Promise<T>): Promise<{ claims: TokenClaims; result: T }> {
    let claims = this.verified.get(token);
    if (claims && claims.exp * 1000 <= Date.now()) {
      this.verified.delete(token);
      claims = undefined;
    }
    claims ??= await this.verifySignature(token);
    if (claims.kind !== kind || typeof claims.sub !== 'string' || typeof claims.jti !== 'string') {
      throw new AppError('UNAUTHENTICATED', 401, 'The token is not valid here');
    }
    const [revoked, result] = await Promise.all([this.isRevoked(claims.jti), use(claims)]);
    if (revoked) throw new AppError('UNAUTHENTICATED', 401, 'The token was signed out');
    return { claims, result };
  }

  private async verifySignature(token: string): Promise<TokenClaims> {
    let claims: TokenClaims;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: this.config.publicOrigin,
        audience: AUDIENCE,
      });
      claims = payload as unknown as TokenClaims;
    } catch (err) {
      const expired = err instanceof joseErrors.JWTExpired;
      throw new AppError('UNAUTHENTICATED', 401, expired ? 'The token has expired; sign in again' : 'The token is not valid');
    }
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    this.verified.set(token, claims);
    return claims;
  }

  /** Ends a token before its expiry (sign-out). Kept only as long as the token would have lived. */
  async revoke(claims: Pick<TokenClaims, 'jti' | 'exp'>): Promise<void> {
    const ttlMs = claims.exp * 1000 - Date.now();
    if (ttlMs > 0) await this.redis.set(this.revokedKey(claims.jti), '1', 'PX', ttlMs);
  }

  private async isRevoked(jti: string): Promise<boolean> {
    if (this.redis.status !== 'ready') {
      this.log.warn('revocation check skipped: Redis unavailable');
      return false;
    }
    try {
      return (await this.redis.exists(this.revokedKey(jti))) === 1;
    } catch (err) {
      // Readers keep commenting while Redis is away; a signed-out token is the smaller risk.
      this.log.warn({ err }, 'revocation check skipped: Redis unavailable');
      return false;
    }
  }

  private revokedKey(jti: string): string {
    return `cs:revoked:${jti}`;
  }
}
