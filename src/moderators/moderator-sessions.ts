import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '../config.js';
import { signInUnavailable } from '../auth/session.store.js';
import { InjectRedis } from '../redis/redis.module.js';

/** The dashboard's cookie: separate from the readers' `cs_session`, so a reader's cookie never reaches moderation. */
export const MODERATOR_COOKIE = 'cs_mod';

export interface ModeratorSession {
  moderatorId: string;
  /** Double-submit token: cookie-authenticated writes must repeat it in X-CSRF-Token. */
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
  /** The bearer token minted with this session (API clients signing in): one sign-out ends both. */
  token?: { jti: string; exp: number };
}

/** Dashboard sessions in Redis (all replicas see them; sign-out ends them everywhere). */
@Injectable()
export class ModeratorSessions {
  constructor(
    private readonly config: AppConfig,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  private key(id: string): string {
    return `cs:modsess:${id}`;
  }

  private tokenKey(jti: string): string {
    return `cs:modsess-token:${jti}`;
  }

  async create(moderatorId: string, token?: { jti: string; exp: number }): Promise<{ id: string; session: ModeratorSession }> {
    const id = randomBytes(32).toString('base64url');
    const ttl = this.config.moderatorSessionTtlSeconds;
    const session: ModeratorSession = {
      moderatorId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
      ...(token ? { token } : {}),
    };
    try {
      const write = this.redis.multi().set(this.key(id), JSON.stringify(session), 'EX', ttl);
      if (token) write.set(this.tokenKey(token.jti), id, 'EX', ttl);
      const results = await write.exec();
      if (!results || results.some(([err]) => err)) throw new Error('session not stored');
    } catch {
      throw signInUnavailable();
    }
    return { id, session };
  }

  async get(id: string): Promise<ModeratorSession | null> {
    if (!/^[\w-]{20,100}$/.test(id)) return null;
    const raw = await this.redis.get(this.key(id)).catch(() => null);
    return raw ? (JSON.parse(raw) as ModeratorSession) : null;
  }

  async destroy(id: string): Promise<void> {
    await this.redis.del(this.key(id)).catch(() => 0);
  }

  /** Ends the session a bearer token was minted with, if any (the token is being signed out). */
  async destroyForToken(jti: string): Promise<void> {
    const id = await this.redis.getdel(this.tokenKey(jti)).catch(() => null);
    if (id) await this.destroy(id);
  }
}
