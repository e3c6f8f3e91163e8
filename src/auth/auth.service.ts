import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { batchedLookup } from '../db/batched-lookup.js';
import { Sql, placeholders } from '../db/sql.js';
import { Transactions } from '../db/transactions.js';
import { CommenterCache } from './commenter-cache.js';
import { Commenter, type Provider } from './commenter.entity.js';
import { cleanAvatarUrl, cleanDisplayName } from './display-text.js';

/** What a provider tells us about a reader, in one shape for every provider. */
export interface ProviderProfile {
  provider: Provider;
  id: string;
  displayName?: string;
  username?: string;
  avatarUrl?: string;
  /**
   * SSO: the token's `iat`. Name and picture change only when it is newer than the last one seen,
   * so a token arriving late (or replayed) cannot undo a rename.
   */
  issuedAt?: number;
}

export interface CommenterView {
  id: string;
  provider: Provider;
  displayName: string;
  avatarUrl: string | null;
  status: Commenter['status'];
  /** When the account's deletion is due (the reader asked for it), or null. */
  deletionAt: string | null;
}

export function toCommenterView(commenter: Commenter): CommenterView {
  return {
    id: commenter.id,
    provider: commenter.provider,
    displayName: commenter.displayName,
    avatarUrl: commenter.avatarUrl,
    status: commenter.status,
    deletionAt: commenter.deletionAt ? commenter.deletionAt.toISOString() : null,
  };
}

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(Commenter) private readonly commenters: Repository<Commenter>,
    private readonly transactions: Transactions,
    private readonly sql: Sql,
    private readonly cache: CommenterCache,
  ) {}

  /** Creates the commenter on first sign-in, refreshes name and avatar on later ones. */
  async signIn(profile: ProviderProfile): Promise<Commenter> {
    const providerUserId = String(profile.id).slice(0, 64);
    const username = cleanDisplayName(profile.username, 100) || null;
    const displayName = cleanDisplayName(profile.displayName) || username || 'Reader';
    const now = new Date();
    if (profile.issuedAt !== undefined) {
      await this.upsertIfNewer(profile, providerUserId, displayName, now);
    } else {
      await this.transactions.run((manager) =>
        manager
          .createQueryBuilder()
          .insert()
          .into(Commenter)
          .values({
            id: randomUUID(),
            provider: profile.provider,
            providerUserId,
            displayName,
            username,
            avatarUrl: cleanAvatarUrl(profile.avatarUrl),
            status: 'active',
            firstSeenAt: now,
            lastLoginAt: now,
          })
          .orUpdate(['display_name', 'username', 'avatar_url', 'last_login_at'], ['provider', 'provider_user_id'])
          .execute(),
      );
    }
    const commenter = await this.commenters.findOneByOrFail({ provider: profile.provider, providerUserId });
    await this.cache.changed([commenter.id]); // name and picture refreshed
    return commenter;
  }

  /** The same row as signIn's, but name and picture only follow a newer `iat` (one statement: two sign-ins at once cannot interleave). */
  private async upsertIfNewer(profile: ProviderProfile, providerUserId: string, displayName: string, now: Date): Promise<void> {
    const newer = 'commenters.sso_iat IS NULL OR commenters.sso_iat < excluded.sso_iat';
    await this.sql.run(
      `INSERT INTO commenters (id, provider, provider_user_id, display_name, avatar_url, status, first_seen_at, last_login_at, sso_iat)
       VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7)
       ON CONFLICT (provider, provider_user_id) DO UPDATE SET
         last_login_at = excluded.last_login_at,
         display_name = CASE WHEN ${newer} THEN excluded.display_name ELSE commenters.display_name END,
         avatar_url = CASE WHEN ${newer} THEN excluded.avatar_url ELSE commenters.avatar_url END,
         sso_iat = CASE WHEN ${newer} THEN excluded.sso_iat ELSE commenters.sso_iat END`,
      [randomUUID(), profile.provider, providerUserId, displayName, cleanAvatarUrl(profile.avatarUrl), now, profile.issuedAt],
    );
  }

  /** On every signed-in request: from memory (CommenterCache), or read with the concurrent requests' in one query. */
  readonly findById = (id: string): Promise<Readonly<Commenter> | null> => this.cache.get(id, this.readById);

  private readonly readById = batchedLookup(async (ids) => {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT id, provider, provider_user_id, display_name, username, avatar_url, status, first_seen_at, last_login_at, deletion_at, deleted_at
         FROM commenters WHERE id IN (${placeholders(ids.length)})`,
      ids,
    );
    const byId = new Map<string, Commenter>();
    for (const row of rows) {
      byId.set(
        row.id as string,
        Object.assign(new Commenter(), {
          id: row.id,
          provider: row.provider,
          providerUserId: row.provider_user_id,
          displayName: row.display_name,
          username: row.username,
          avatarUrl: row.avatar_url,
          status: row.status,
          firstSeenAt: this.sql.time(row.first_seen_at),
          lastLoginAt: this.sql.time(row.last_login_at),
          deletionAt: row.deletion_at == null ? null : this.sql.time(row.deletion_at),
          deletedAt: row.deleted_at == null ? null : this.sql.time(row.deleted_at),
        }),
      );
    }
    return byId;
  });
}
