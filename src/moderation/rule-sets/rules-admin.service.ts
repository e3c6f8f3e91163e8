import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, type DataSource } from 'typeorm';
import { Transactions } from '../../db/transactions.js';
import { AppError } from '../../errors.js';
import { Moderator } from '../../moderators/moderator.entity.js';
import { diffRuleSets, type RuleSetChange } from '../../rules/compare.js';
import { parseRuleSet, ruleSetSchema, type RuleSet } from '../../rules/rule-set.js';
import { AuditEntry, auditRow } from '../decisions/audit-entry.entity.js';
import { RuleSetVersion } from './rule-set-version.entity.js';
import { RulesService, storedRuleSet } from './rules.service.js';

export interface RuleSetView {
  version: number;
  ruleSet: unknown;
  createdAt: string;
  /** The admin who saved it; null for the seed from RULES_FILE. */
  createdBy: { id: string; email: string } | null;
  source: 'file' | 'api';
}

export interface VersionSummary {
  version: number;
  createdAt: string;
  createdBy: { id: string; email: string } | null;
  source: 'file' | 'api';
  active: boolean;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * A rule set from a request, or 400 VALIDATION_FAILED naming the first wrong field by its path
 * inside the rule set (`rules.link.denyDomains.0`; an unknown field by its own path), with up to
 * 20 problems in `issues`.
 */
export function acceptRuleSet(value: unknown): RuleSet {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError('VALIDATION_FAILED', 400, 'ruleSet must be a JSON object', { field: 'ruleSet' });
  }
  const parsed = ruleSetSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'unknown field' }))
      : [{ path: issue.path.join('.') || 'ruleSet', message: issue.message }],
  );
  const first = issues[0]!;
  throw new AppError('VALIDATION_FAILED', 400, `${first.path}: ${first.message}`, { field: first.path, issues: issues.slice(0, 20) });
}

/** Reading, saving and listing rule set versions (admins write; every change goes to the audit log with its diff). */
@Injectable()
export class RulesAdminService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: Transactions,
    private readonly rules: RulesService,
  ) {}

  async active(): Promise<RuleSetView> {
    const [row] = await this.dataSource.getRepository(RuleSetVersion).find({ order: { version: 'DESC' }, take: 1 });
    if (!row) throw new AppError('NOT_FOUND', 404, 'No rule set is stored yet');
    return this.view(row);
  }

  async one(version: number): Promise<RuleSetView> {
    const row = await this.dataSource.getRepository(RuleSetVersion).findOneBy({ version });
    if (!row) throw new AppError('NOT_FOUND', 404, `No rule set version ${version}`);
    return this.view(row);
  }

  async versions(limit: number, before?: number): Promise<{ items: VersionSummary[]; nextCursor: string | null }> {
    const query = this.dataSource
      .getRepository(RuleSetVersion)
      .createQueryBuilder('r')
      .select(['r.version', 'r.createdAt', 'r.createdBy', 'r.source'])
      .orderBy('r.version', 'DESC')
      .limit(limit + 1);
    if (before !== undefined) query.where('r.version < :before', { before });
    const [rows, [head]] = await Promise.all([query.getMany(), this.dataSource.getRepository(RuleSetVersion).find({ select: { version: true }, order: { version: 'DESC' }, take: 1 })]);
    const page = rows.slice(0, limit);
    const who = await this.who(page.map((r) => r.createdBy));
    return {
      items: page.map((r) => ({ version: r.version, createdAt: r.createdAt.toISOString(), createdBy: who(r.createdBy), source: r.source, active: r.version === head?.version })),
      nextCursor: rows.length > limit && page.length ? String(page[page.length - 1]!.version) : null,
    };
  }

  /**
   * Saves a new version (the active one from now on), with the audit entry, in one transaction;
   * then every process is told. `expectedVersion`: the version the admin edited; another save
   * since is a 409 CONFLICT.
   */
  async save(moderatorId: string, ruleSet: RuleSet, expectedVersion?: number): Promise<RuleSetView & { changes: RuleSetChange[] }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const { row, changes } = await this.transactions.run(async (manager) => {
          const [head] = await manager.getRepository(RuleSetVersion).find({ order: { version: 'DESC' }, take: 1 });
          const current = head?.version ?? 0;
          if (expectedVersion !== undefined && expectedVersion !== current) {
            throw new AppError('CONFLICT', 409, `The rules were saved by someone else since version ${expectedVersion}; the active version is ${current}`, { current });
          }
          let before: RuleSet;
          try {
            before = head ? storedRuleSet(head) : parseRuleSet({});
          } catch {
            before = parseRuleSet({}); // the old version no longer loads: the diff is against the defaults
          }
          const changes = diffRuleSets(before, ruleSet);
          const row: RuleSetVersion = { version: current + 1, ruleSet: JSON.stringify(ruleSet), createdAt: new Date(), createdBy: moderatorId, source: 'api' };
          await manager.insert(RuleSetVersion, row);
          await manager.insert(
            AuditEntry,
            auditRow({ createdAt: row.createdAt, action: 'rules.update', moderatorId, detail: { fromVersion: current || null, version: row.version, changes } }),
          );
          return { row, changes };
        });
        await this.rules.announce(row.version);
        return { ...(await this.view(row)), changes };
      } catch (err) {
        // Two saves at once: the second one's version number is taken.
        if (!isUniqueViolation(err)) throw err;
        if (expectedVersion !== undefined || attempt >= 3) {
          const [head] = await this.dataSource.getRepository(RuleSetVersion).find({ select: { version: true }, order: { version: 'DESC' }, take: 1 });
          throw new AppError('CONFLICT', 409, 'The rules were saved by someone else at the same moment; reload and try again', { current: head?.version ?? 0 });
        }
      }
    }
  }

  private async view(row: RuleSetVersion): Promise<RuleSetView> {
    let ruleSet: unknown;
    try {
      ruleSet = JSON.parse(row.ruleSet);
    } catch {
      ruleSet = null;
    }
    const who = await this.who([row.createdBy]);
    return { version: row.version, ruleSet, createdAt: row.createdAt.toISOString(), createdBy: who(row.createdBy), source: row.source };
  }

  private async who(ids: Array<string | null>): Promise<(id: string | null) => { id: string; email: string } | null> {
    const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
    const rows = wanted.length ? await this.dataSource.getRepository(Moderator).find({ select: { id: true, email: true }, where: { id: In(wanted) } }) : [];
    const email = new Map(rows.map((m) => [m.id, m.email]));
    return (id) => (id ? { id, email: email.get(id) ?? '' } : null);
  }
}
