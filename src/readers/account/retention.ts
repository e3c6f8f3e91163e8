import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config.js';
import { Sql, placeholders } from '../../db/sql.js';
import { Transactions } from '../../db/transactions.js';
import type { Finding } from '../../rules/types.js';

const BATCH = 500;
/** Rejected comments blanked per run at most (the next day's run takes the rest). */
export const RETENTION_MAX_PER_RUN = 50_000;
const DAY_MS = 24 * 3600 * 1000;

export interface RetentionResult {
  rejectedBlanked: number;
}

/**
 * The daily erasing of what is kept only for a while (docs/privacy.md). Rejected comments lose
 * their text after RETENTION_REJECTED_DAYS: the comment's body, its edits' bodies, the search copy,
 * and the excerpts in its rule findings; status, reason, dates and which rules matched stay for the
 * statistics. Client addresses (RETENTION_ADDRESS_DAYS) are today kept only in Redis counters that
 * expire within their rate-limit window, far sooner: nothing in the database to erase.
 */
@Injectable()
export class Retention {
  private readonly log = new Logger(Retention.name);

  constructor(
    private readonly sql: Sql,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
  ) {}

  async run(now = new Date()): Promise<RetentionResult> {
    const rejectedBlanked = this.config.retentionRejectedDays > 0 ? await this.blankRejected(new Date(now.getTime() - this.config.retentionRejectedDays * DAY_MS)) : 0;
    if (rejectedBlanked > 0) this.log.log({ rejectedBlanked }, 'retention: rejected comments blanked');
    return { rejectedBlanked };
  }

  private async blankRejected(before: Date): Promise<number> {
    let done = 0;
    while (done < RETENTION_MAX_PER_RUN) {
      const rows = await this.sql.rows<{ id: string; findings: unknown }>(
        `SELECT id, findings FROM comments WHERE status = 'rejected' AND body <> '' AND decided_at < $1 ORDER BY decided_at LIMIT ${BATCH}`,
        [before],
      );
      if (rows.length === 0) break;
      await this.transactions.run(async (manager) => {
        const ids = rows.map((r) => r.id);
        await this.sql.run(
          `UPDATE comment_revisions SET body = '' WHERE comment_id IN (SELECT id FROM comments WHERE status = 'rejected' AND id IN (${placeholders(ids.length)}))`,
          ids,
          manager,
        );
        for (const row of rows) {
          // Conditional: a comment published again meanwhile (a moderator's second look) keeps its text.
          await this.sql.run(`UPDATE comments SET body = '', search_text = NULL, findings = $1 WHERE id = $2 AND status = 'rejected'`, [withoutText(row.findings), row.id], manager);
        }
      });
      done += rows.length;
    }
    return done;
  }
}

/** Which rules matched, without what they matched (the excerpt and the matched entry). */
function withoutText(raw: unknown): string | null {
  if (raw == null) return null;
  let findings: Finding[];
  try {
    findings = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Finding[];
  } catch {
    return null;
  }
  if (!Array.isArray(findings)) return null;
  return JSON.stringify(findings.map(({ rule, verdict }) => ({ rule, verdict })));
}
