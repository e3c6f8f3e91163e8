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
    const commenter = await this.commenters.findOneByOrFail({ provider: profile.provider, providerUserId });
    await this.cache.changed([commenter.id]); // name and picture refreshed
    return commenter;
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
