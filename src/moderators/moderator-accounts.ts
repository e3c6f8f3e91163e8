import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../errors.js';
import { AuditEntry, auditRow, type AuditAction, type JsonValue } from '../moderation/decisions/audit-entry.entity.js';
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
  via: 'api' | 'cli' | 'startup' | 'sign-in';
}

/** The sign-in lockout's counters (in Redis): unlocking clears every bucket of an account. */
export interface SignInLocks {
  /** True when the account (or one of its devices) was locked. */
  clear(email: string): Promise<boolean>;
}

/**
 * Moderator accounts over a plain DataSource, so the HTTP service and the command-line tool share
 * one implementation. Every change is written to the audit trail in the same transaction.
 */
export class ModeratorAccounts {
  private readonly transaction: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

  /**
   * `transaction`: the service's serialising runner (SQLite shares one connection); the CLI uses the
   * data source's. `locks`: the sign-in lockout, when Redis is at hand (unlock, password reset).
   */
  constructor(
    private readonly dataSource: DataSource,
    transaction?: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>,
    private readonly locks?: SignInLocks,
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
      credentialsChangedAt: null,
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
    const now = new Date();
    // Enabling again must not bring back what the disable ended.
    const changes = status === 'disabled' ? { status, updatedAt: now, credentialsChangedAt: now } : { status, updatedAt: now };
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, changes);
      await this.audit(manager, status === 'disabled' ? 'moderator.disable' : 'moderator.enable', moderator.id, by, { email: moderator.email });
    });
    return Object.assign(moderator, changes);
  }

  async setRole(id: string, role: ModeratorRole, by: ChangedBy): Promise<Moderator> {
    const moderator = await this.mustFind(id);
    if (moderator.role === role) return moderator;
    if (moderator.role === 'admin' && moderator.status === 'active') await this.keepOneAdmin(moderator.id);
    const now = new Date();
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { role, updatedAt: now, credentialsChangedAt: now });
      await this.audit(manager, 'moderator.role', moderator.id, by, { email: moderator.email, from: moderator.role, to: role });
    });
    return Object.assign(moderator, { role, credentialsChangedAt: now });
  }

  async resetPassword(id: string, password: string | undefined, by: ChangedBy): Promise<{ moderator: Moderator; password: string }> {
    const moderator = await this.mustFind(id);
    const chosen = password ?? generatePassword();
    const problem = passwordProblem(chosen);
    if (problem) throw new AppError('VALIDATION_FAILED', 400, problem, { field: 'password' });
    const passwordHash = await hashPassword(chosen);
    const now = new Date();
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { passwordHash, updatedAt: now, passwordChangedAt: now, credentialsChangedAt: now });
      await this.audit(manager, 'moderator.reset_password', moderator.id, by, { email: moderator.email });
    });
    // A new password is how a locked-out moderator gets back in; the lock would otherwise outlive it.
    const wasLocked = await this.locks?.clear(moderator.email).catch(() => false);
    if (wasLocked) await this.transaction((manager) => this.audit(manager, 'moderator.unlock', moderator.id, by, { email: moderator.email, reason: 'reset_password' }));
    return { moderator: Object.assign(moderator, { passwordHash, passwordChangedAt: now, credentialsChangedAt: now }), password: chosen };
  }

  /**
   * A moderator's own new password (the current one already checked by the caller): like a reset,
   * every earlier session and token stops working; the caller signs the one that asked in again.
   */
  async changePassword(id: string, password: string, by: ChangedBy): Promise<Moderator> {
    const moderator = await this.mustFind(id);
    const problem = passwordProblem(password);
    if (problem) throw new AppError('VALIDATION_FAILED', 400, problem.replace(/^password/, 'newPassword'), { field: 'newPassword' });
    const passwordHash = await hashPassword(password);
    const now = new Date();
    await this.transaction(async (manager) => {
      await manager.update(Moderator, { id: moderator.id }, { passwordHash, updatedAt: now, passwordChangedAt: now, credentialsChangedAt: now });
      await this.audit(manager, 'moderator.password_change', moderator.id, by, { email: moderator.email });
    });
    return Object.assign(moderator, { passwordHash, passwordChangedAt: now, credentialsChangedAt: now });
  }

  /** Ends a sign-in lock at once (the anonymous bucket and every device's). */
  async unlock(id: string, by: ChangedBy): Promise<{ moderator: Moderator; wasLocked: boolean }> {
    const moderator = await this.mustFind(id);
    if (!this.locks) throw new AppError('SESSION_UNAVAILABLE', 503, 'Sign-in locks are kept in Redis, which is not at hand');
    const wasLocked = await this.locks.clear(moderator.email);
    await this.transaction((manager) => this.audit(manager, 'moderator.unlock', moderator.id, by, { email: moderator.email, wasLocked }));
    return { moderator, wasLocked };
  }

  /** The audit entry for an account whose anonymous sign-ins just got locked (once per lock). */
  async recordLocked(moderator: Moderator, detail: Record<string, JsonValue>): Promise<void> {
    await this.transaction((manager) => this.audit(manager, 'moderator.locked', moderator.id, { moderatorId: null, via: 'sign-in' }, { email: moderator.email, ...detail }));
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

  private async audit(manager: EntityManager, action: AuditAction, targetId: string, by: ChangedBy, detail: Record<string, JsonValue>): Promise<void> {
    await manager.insert(AuditEntry, auditRow({ action, moderatorId: by.moderatorId, targetModeratorId: targetId, detail: { ...detail, via: by.via } }));
  }
}
