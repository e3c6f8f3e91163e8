import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config.js';
import { AppError } from '../errors.js';
import { assertTrustedOrigin } from './trusted-origin.js';
import { AuthService } from './auth.service.js';
import type { Commenter } from './commenter.entity.js';
import { TokensService, type TokenClaims } from './tokens.service.js';

export interface CommenterRequest extends FastifyRequest {
  commenter?: Commenter;
  tokenClaims?: TokenClaims;
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 401, 'The Authorization header must be "Bearer <token>"');
  return match[1]!;
}

/** Finds the signed-in reader: a bearer token (the widget) or the session cookie (first-party pages). */
@Injectable()
export class CommenterResolver {
  constructor(
    private readonly tokens: TokensService,
    private readonly auth: AuthService,
  ) {}

  /** The reader, or null when the request carries no credentials; a bad or stale credential is an error. */
  async resolve(request: CommenterRequest): Promise<Commenter | null> {
    const token = bearerToken(request);
    let commenter: Commenter | null;
    if (token) {
      const verified = await this.tokens.verifyWith(token, 'commenter', (claims) => this.auth.findById(claims.sub));
      request.tokenClaims = verified.claims;
      commenter = verified.result;
    } else {
      const commenterId = request.session?.commenterId;
      if (!commenterId) return null;
      commenter = await this.auth.findById(commenterId);
    }
    // A deleted account's tokens and sessions all end with it (they are not listed anywhere to revoke one by one).
    if (!commenter || commenter.status === 'deleted' || commenter.deletedAt) throw new AppError('UNAUTHENTICATED', 401, 'This account no longer exists; sign in again');
    request.commenter = commenter;
    return commenter;
  }
}

@Injectable()
export class CommenterGuard implements CanActivate {
  constructor(
    private readonly resolver: CommenterResolver,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CommenterRequest>();
    const commenter = await this.resolver.resolve(request);
    if (!commenter) throw new AppError('UNAUTHENTICATED', 401, 'Sign in to continue');
    if (!request.tokenClaims && !SAFE_METHODS.has(request.method)) assertTrustedOrigin(request, this.config);
    return true;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CurrentCommenter = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Commenter => context.switchToHttp().getRequest<CommenterRequest>().commenter!,
);
