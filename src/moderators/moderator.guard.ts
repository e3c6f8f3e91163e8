import { timingSafeEqual } from 'node:crypto';
import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/commenter.guard.js';
import { TokensService, type TokenClaims } from '../auth/tokens.service.js';
import { AppError } from '../errors.js';
import { MODERATOR_COOKIE, ModeratorSessions, type ModeratorSession } from './moderator-sessions.js';
import type { Moderator, ModeratorRole } from './moderator.entity.js';
import { ModeratorsService } from './moderators.service.js';

export interface ModeratorRequest extends FastifyRequest {
  moderator?: Moderator;
  moderatorAuth?: { kind: 'bearer'; claims: TokenClaims } | { kind: 'cookie'; sessionId: string; session: ModeratorSession };
}

const ROLE = 'moderatorRole';

/**
 * A moderator token's issue time to the millisecond: `iat` is whole seconds, too coarse to tell a
 * token from just before a disable from one just after the re-enable.
 */
export const ISSUED_AT_MS = 'iat_ms';

/** Only admins (managing moderator accounts). */
export const AdminOnly = () => SetMetadata(ROLE, 'admin' satisfies ModeratorRole);

export function assertAdmin(moderator: Moderator): void {
  if (moderator.role !== 'admin') throw new AppError('FORBIDDEN', 403, 'Only admins may do this');
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Finds the signed-in moderator: a bearer token (API clients) or the dashboard cookie (with the CSRF token on writes). */
@Injectable()
export class ModeratorResolver {
  constructor(
    private readonly tokens: TokensService,
    private readonly sessions: ModeratorSessions,
    private readonly moderators: ModeratorsService,
  ) {}

  /** The active moderator; a missing, stale or reader's credential is an error (the guard's answers). */
  async resolve(request: ModeratorRequest): Promise<Moderator> {
    const moderatorId = await this.authenticate(request);
    const moderator = await this.moderators.findById(moderatorId);
    if (!moderator || moderator.status !== 'active') throw new AppError('UNAUTHENTICATED', 401, 'This moderator account is disabled or gone; sign in again');
    const changedAt = moderator.credentialsChangedAt ?? moderator.passwordChangedAt;
    if (changedAt && this.issuedAt(request) < changedAt.getTime()) {
      throw new AppError('UNAUTHENTICATED', 401, 'The account was disabled, given another role or a new password since this sign-in; sign in again');
    }
    request.moderator = moderator;
    return moderator;
  }

  /** For routes open to everyone that show moderators more: the moderator, or null for anyone else. */
  async resolveIfModerator(request: ModeratorRequest): Promise<Moderator | null> {
    if (!request.headers.authorization && !request.cookies?.[MODERATOR_COOKIE]) return null;
    return this.resolve(request).catch(() => null);
  }

  private async authenticate(request: ModeratorRequest): Promise<string> {
    const token = bearerToken(request);
    if (token) {
      const claims = await this.verifyToken(token);
      request.moderatorAuth = { kind: 'bearer', claims };
      return claims.sub;
    }
    const sessionId = request.cookies?.[MODERATOR_COOKIE];
    if (sessionId) {
      const session = await this.sessions.get(sessionId);
      if (!session) throw new AppError('UNAUTHENTICATED', 401, 'The moderator session has ended; sign in again');
      if (!SAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
          throw new AppError('CSRF_FAILED', 403, 'Missing or wrong X-CSRF-Token header');
        }
      }
      request.moderatorAuth = { kind: 'cookie', sessionId, session };
      return session.moderatorId;
    }
    if (request.session?.commenterId) throw new AppError('FORBIDDEN', 403, 'Readers have no access to moderation');
    throw new AppError('UNAUTHENTICATED', 401, 'Sign in as a moderator');
  }

  /** When the credential was issued (ms). */
  private issuedAt(request: ModeratorRequest): number {
    const auth = request.moderatorAuth!;
    if (auth.kind === 'cookie') return Date.parse(auth.session.createdAt ?? '') || 0;
    const { iat, [ISSUED_AT_MS]: iatMs } = auth.claims as TokenClaims & { iat?: number; [ISSUED_AT_MS]?: number };
    if (typeof iatMs === 'number') return iatMs;
    // Tokens from before iat_ms: JWT times are whole seconds, so one from the same second as the change still counts.
    return typeof iat === 'number' ? (iat + 1) * 1000 - 1 : 0;
  }

  private async verifyToken(token: string): Promise<TokenClaims> {
    try {
      return await this.tokens.verify(token, 'moderator');
    } catch (err) {
      const commenter = await this.tokens.verify(token, 'commenter').then(
        () => true,
        () => false,
      );
      if (commenter) throw new AppError('FORBIDDEN', 403, 'Readers have no access to moderation');
      throw err;
    }
  }
}

/** Everything under /api/moderation. A reader's token or cookie is recognised and refused (403). */
@Injectable()
export class ModeratorGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly resolver: ModeratorResolver,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ModeratorRequest>();
    const moderator = await this.resolver.resolve(request);
    const role = this.reflector.getAllAndOverride<ModeratorRole | undefined>(ROLE, [context.getHandler(), context.getClass()]);
    if (role === 'admin') assertAdmin(moderator);
    return true;
  }
}

export const CurrentModerator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Moderator => context.switchToHttp().getRequest<ModeratorRequest>().moderator!,
);
