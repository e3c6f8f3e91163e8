import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../errors.js';
import { AuditEntry, auditRow, type AuditAction } from '../moderation/audit-entry.entity.js';
import { Moderator, type ModeratorRole } from './moderator.entity.js';
import { generatePassword, hashPassword, passwordProblem } from './passwords.js';

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Who made a change: a moderator over the API, or null for the command line and the service itself. */
export interface ChangedBy {
  moderatorId: string | null;
  via: 'api' | 'cli' | 'startup';
}

/**
 * Moderator accounts over a plain DataSource, so the HTTP service and the command-line tool share
 * one implementation. Every change is written to the audit trail in the same transaction.
 */
export class ModeratorAccounts {
  private readonly transaction: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

  /** `transaction`: the service's serialising runner (SQLite shares one connection); the CLI uses the data source's. */
  constructor(
    private readonly dataSource: DataSource,
    transaction?: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>,
  ) {
    this.transaction = transaction ?? ((work) => dataSource.transaction(work));
  }

  list(): Promise<Moderator[]> {
    return this.dataSource.getRepository(Moderator).find({ order: { createdAt: 'ASC', email: 'ASC' } });
  }

  findById(id: string): Promise<Moderator | null> {
    return this.dataSource.getRepository(Moderator).findOneBy({ id });
  }

  findByEmail(email: string): Promise<Moderator | null> {
    return this.dataSource.getRepository(Moderator).findOneBy({ email: normaliseEmail(email) });
  }

  /** By id or by email (the command line takes either). */
  async find(idOrEmail: string): Promise<Moderator | null> {
    return idOrEmail.includes('@') ? this.findByEmail(idOrEmail) : this.findById(idOrEmail);
  }

  async hasActiveAdmin(): Promise<boolean> {
    return (await this.dataSource.getRepository(Moderator).countBy({ role: 'admin', status: 'active' })) > 0;
  }

  /** Creates an account; without a password one is generated and returned (shown once, never stored in clear). */
  async add(input: { email: string; role: ModeratorRole; password?: string }, by: ChangedBy): Promise<{ moderator: Moderator; password: string }> {
    const email = normaliseEmail(input.email);
    if (!EMAIL.test(email) || email.length > 254) throw new AppError('VALIDATION_FAILED', 400, 'email must be an email address', { field: 'email' });
    const password = input.password ?? generatePassword();
    const problem = passwordProblem(password);
    if (problem) throw new AppError('VALIDATION_FAILED', 400, problem, { field: 'password' });
    const now = new Date();
    const moderator = Object.assign(new Moderator(), {
      id: randomUUID(),
      email,
      passwordHash: await hashPassword(password),
      role: input.role,
      status: 'active' as const,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      passwordChangedAt: null,
    });
    try {
      await this.transaction(async (manager) => {
        await manager.insert(Moderator, moderator);
        await this.audit(manager, 'moderator.add', moderator.id, by, { email, role: input.role });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new AppError('MODERATOR_EXISTS', 409, `A moderator with the email ${email} already exists`);
      throw err;
    }
    return { moderator, password };
  }

  async setStatus(id: string, status: 'active' | 'disabled', by: ChangedBy): Promise<Moderator> {
    const moderator = await this.mustFind(id);
    if (moderator.status === status) return moderator;
    if (status === 'disabled' && moderator.role === 'admin') await this.keepOneAdmin(moderator.id);
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { status, updatedAt: new Date() });
      await this.audit(manager, status === 'disabled' ? 'moderator.disable' : 'moderator.enable', moderator.id, by, { email: moderator.email });
    });
    return Object.assign(moderator, { status });
  }

  async setRole(id: string, role: ModeratorRole, by: ChangedBy): Promise<Moderator> {
    const moderator = await this.mustFind(id);
    if (moderator.role === role) return moderator;
    if (moderator.role === 'admin' && moderator.status === 'active') await this.keepOneAdmin(moderator.id);
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { role, updatedAt: new Date() });
      await this.audit(manager, 'moderator.role', moderator.id, by, { email: moderator.email, from: moderator.role, to: role });
    });
    return Object.assign(moderator, { role });
  }

  async resetPassword(id: string, password: string | undefined, by: ChangedBy): Promise<{ moderator: Moderator; password: string }> {
    const moderator = await this.mustFind(id);
    const chosen = password ?? generatePassword();
    const problem = passwordProblem(chosen);
    if (problem) throw new AppError('VALIDATION_FAILED', 400, problem, { field: 'password' });
    const passwordHash = await hashPassword(chosen);
    const now = new Date();
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { passwordHash, updatedAt: now, passwordChangedAt: now });
      await this.audit(manager, 'moderator.reset_password', moderator.id, by, { email: moderator.email });
    });
    return { moderator: Object.assign(moderator, { passwordHash, passwordChangedAt: now }), password: chosen };
  }

  async touchLogin(id: string): Promise<void> {
    await this.dataSource.getRepository(Moderator).update({ id }, { lastLoginAt: new Date() });
  }

  /**
   * First start: with no active admin, make one from the given email and password, or with a
   * generated password (returned so the caller can print it once). Another replica doing the same
   * at the same moment loses on the unique email and leaves it alone.
   */
  async ensureAdmin(email: string, password: string | undefined): Promise<{ moderator: Moderator; password: string | null; generated: boolean } | null> {
    if (await this.hasActiveAdmin()) return null;
    const existing = await this.findByEmail(email);
    const by: ChangedBy = { moderatorId: null, via: 'startup' };
    if (existing) {
      if (existing.role !== 'admin') await this.setRole(existing.id, 'admin', by);
      if (existing.status !== 'active') await this.setStatus(existing.id, 'active', by);
      if (password) await this.resetPassword(existing.id, password, by);
      return { moderator: existing, password: null, generated: false };
    }
    try {
      const created = await this.add({ email, role: 'admin', password }, by);
      return { moderator: created.moderator, password: password ? null : created.password, generated: !password };
    } catch (err) {
      if (err instanceof AppError && err.code === 'MODERATOR_EXISTS') return null;
      throw err;
    }
  }

  private async mustFind(idOrEmail: string): Promise<Moderator> {
    const moderator = await this.find(idOrEmail);
    if (!moderator) throw new AppError('NOT_FOUND', 404, 'No such moderator');
    return moderator;
  }

  /** Never leave the service without an active admin (nobody could manage accounts any more). */
  private async keepOneAdmin(leavingId: string): Promise<void> {
    const others = await this.dataSource
      .getRepository(Moderator)
      .createQueryBuilder('m')
      .where("m.role = 'admin' AND m.status = 'active' AND m.id <> :id", { id: leavingId })
      .getCount();
    if (others === 0) throw new AppError('LAST_ADMIN', 409, 'This is the last active admin; make another admin first');
  }

  private async audit(manager: EntityManager, action: AuditAction, targetId: string, by: ChangedBy, detail: Record<string, string>): Promise<void> {
    await manager.insert(AuditEntry, auditRow({ action, moderatorId: by.moderatorId, targetModeratorId: targetId, detail: { ...detail, via: by.via } }));
  }
}
