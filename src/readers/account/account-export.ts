import { Injectable } from '@nestjs/common';
import type { Commenter } from '../../auth/commenter.entity.js';
import { Sql, placeholders } from '../../db/sql.js';
import { ReaderData } from '../reader-data.js';

/** Rows per list in one export: past this, the list is cut and named in `truncated`. */
export const EXPORT_MAX_ITEMS = 10_000;
const CHUNK = 500;

type Row = Record<string, unknown>;

/**
 * Everything the service keeps about one reader, as one JSON document (GET /api/me/export): the
 * profile and provider link, comments with their statuses, reasons and revisions, reactions,
 * reports filed, warnings received, and every section other modules registered in ReaderData
 * (notifications, preferences, mutes …). Each list holds at most EXPORT_MAX_ITEMS, newest first.
 */
@Injectable()
export class AccountExport {
  constructor(
    private readonly sql: Sql,
    private readonly readerData: ReaderData,
  ) {}

  async build(reader: Commenter): Promise<Record<string, unknown>> {
    const id = reader.id;
    const truncated: string[] = [];
    const capped = (name: string, rows: Row[]) => {
      if (rows.length > EXPORT_MAX_ITEMS) truncated.push(name);
      return rows.slice(0, EXPORT_MAX_ITEMS);
    };
    const limit = EXPORT_MAX_ITEMS + 1;
    const [profile] = await this.sql.rows(
      `SELECT id, provider, provider_user_id, display_name, username, avatar_url, status, first_seen_at, last_login_at, deletion_at FROM commenters WHERE id = $1`,
      [id],
    );
    const comments = capped(
      'comments',
      await this.sql.rows(
        `SELECT c.id, c.article_id, a.url AS article_url, c.parent_id, c.reply_to_id, c.body, c.status, c.decision_reason, c.created_at, c.decided_at,
                c.published_at, c.edited_at, c.edit_count, c.likes, c.dislikes, c.reply_count
           FROM comments c LEFT JOIN articles a ON a.id = c.article_id
          WHERE c.commenter_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT ${limit}`,
        [id],
      ),
    );
    const revisions = await this.revisionsOf(comments.filter((c) => Number(c.edit_count) > 0).map((c) => c.id as string));
    const [reactions, reports, warnings] = await Promise.all([
      this.sql.rows(`SELECT comment_id, article_id, type, created_at FROM comment_reactions WHERE commenter_id = $1 ORDER BY created_at DESC LIMIT ${limit}`, [id]),
      this.sql.rows(`SELECT comment_id, reason, note, created_at FROM comment_reports WHERE commenter_id = $1 ORDER BY id DESC LIMIT ${limit}`, [id]),
      this.sql.rows(`SELECT message, created_at, acknowledged_at FROM commenter_warnings WHERE commenter_id = $1 ORDER BY id DESC LIMIT ${limit}`, [id]),
    ]);
    const sections: Record<string, unknown> = {};
    for (const section of this.readerData.sections()) sections[section.name] = await section.export(id);

    return {
      exportedAt: new Date().toISOString(),
      profile: profile && {
        id: profile.id,
        provider: profile.provider,
        providerUserId: profile.provider_user_id,
        displayName: profile.display_name,
        username: profile.username ?? null,
        avatarUrl: profile.avatar_url ?? null,
        status: profile.status,
        firstSeenAt: this.iso(profile.first_seen_at),
        lastLoginAt: this.iso(profile.last_login_at),
        deletionAt: this.iso(profile.deletion_at),
      },
      comments: comments.map((c) => ({
        id: c.id,
        articleId: c.article_id,
        articleUrl: c.article_url ?? null,
        parentId: c.parent_id ?? null,
        replyToId: c.reply_to_id ?? null,
        body: c.body,
        status: c.status,
        reason: c.decision_reason ?? null,
        createdAt: this.iso(c.created_at),
        decidedAt: this.iso(c.decided_at),
        publishedAt: this.iso(c.published_at),
        editedAt: this.iso(c.edited_at),
        likes: Number(c.likes),
        dislikes: Number(c.dislikes),
        replyCount: Number(c.reply_count),
        revisions: revisions.get(c.id as string) ?? [],
      })),
      reactions: capped('reactions', reactions).map((r) => ({ commentId: r.comment_id, articleId: r.article_id, type: r.type, at: this.iso(r.created_at) })),
      reports: capped('reports', reports).map((r) => ({ commentId: r.comment_id, reason: r.reason, note: r.note ?? null, at: this.iso(r.created_at) })),
      warnings: capped('warnings', warnings).map((w) => ({ message: w.message, at: this.iso(w.created_at), acknowledgedAt: this.iso(w.acknowledged_at) })),
      ...sections,
      ...(truncated.length ? { truncated, limit: EXPORT_MAX_ITEMS } : {}),
    };
  }

  /** Each edited comment's texts, oldest first (EDIT_MAX bounds them per comment). */
  private async revisionsOf(commentIds: string[]): Promise<Map<string, Row[]>> {
    const byComment = new Map<string, Row[]>();
    for (let i = 0; i < commentIds.length; i += CHUNK) {
      const ids = commentIds.slice(i, i + CHUNK);
      const rows = await this.sql.rows(
        `SELECT comment_id, id, body, status, reason, created_at, decided_at FROM comment_revisions WHERE comment_id IN (${placeholders(ids.length)}) ORDER BY created_at, id`,
        ids,
      );
      for (const r of rows) {
        const list = byComment.get(r.comment_id as string) ?? [];
        list.push({ id: r.id, body: r.body, status: r.status, reason: r.reason ?? null, createdAt: this.iso(r.created_at), decidedAt: this.iso(r.decided_at) });
        byComment.set(r.comment_id as string, list);
      }
    }
    return byComment;
  }

  private iso(value: unknown): string | null {
    return value == null ? null : this.sql.time(value).toISOString();
  }
}
