import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config.js';
import { Transactions } from '../db/transactions.js';
import { AppError } from '../errors.js';
import type { Device } from './device-cookie.js';
import { ModeratorAccounts, normaliseEmail } from './moderator-accounts.js';
import type { Moderator } from './moderator.entity.js';
import { dummyHash, passwordProblem, verifyPassword } from './passwords.js';
import { SignInThrottle, type Attempt } from './sign-in-throttle.js';

const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/**
 * The generated first-admin password as a plain block for whoever reads the console: among the
 * JSON lines of a start it is easy to miss, and without it nobody can sign in.
 */
export function firstAdminNotice(email: string, password: string, signInUrl: string): string {
  const rule = '='.repeat(72);
  return [
    rule,
    ` No admin existed: created ${email}`,
    ` Password: ${password}     (shown once; change it under "My account")`,
    ` Sign in at ${signInUrl}`,
    rule,
    '',
  ].join('\n');
}

/** Moderator accounts inside the service: sign-in checks, and the first admin at start. */
@Injectable()
export class ModeratorsService extends ModeratorAccounts implements OnApplicationBootstrap {
  private readonly log = new Logger(ModeratorsService.name);
  private pendingNotice?: string;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    transactions: Transactions,
    private readonly config: AppConfig,
    private readonly throttle: SignInThrottle,
  ) {
    super(dataSource, (work) => transactions.run(work), throttle);
  }

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.moderatorAdminEmail ?? DEFAULT_ADMIN_EMAIL;
    const result = await this.ensureAdmin(email, this.config.moderatorAdminPassword);
    if (!result) return;
    if (result.generated) {
      // The one time a password is ever written out: there is no other way to hand it over.
      this.log.warn(
        `No admin existed: created admin ${result.moderator.email} with the generated password ${result.password} ` +
          `(shown only this once). Sign in at /moderation and change it under "My account" (or with ` +
          `"npm run moderators -- reset-password ${result.moderator.email}"), or set MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD.`,
      );
      if (this.config.logLevel !== 'silent') {
        this.pendingNotice = firstAdminNotice(result.moderator.email, result.password!, `${this.config.publicUrl}/moderation`);
      }
    } else {
      this.log.log({ email: result.moderator.email }, 'No admin existed: admin created from MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD');
    }
  }

  /**
   * The generated first-admin password as a plain block on stderr, once. app.ts calls it when the
   * service is listening, so the block comes after the start-up lines, and a start that fails
   * before that (port in use) ends with its one error line.
   */
  announceFirstAdmin(): void {
    if (!this.pendingNotice) return;
    process.stderr.write(this.pendingNotice);
    this.pendingNotice = undefined;
  }

  /**
   * Email and password → the active moderator, or an error. Each attempt takes its slot (per
   * account, per address) before the password is checked; a browser with this moderator's device
   * cookie counts in a bucket of its own.
   */
  async authenticate(emailInput: string, password: string, from: { address: string; device: Device | null }): Promise<Moderator> {
    const email = normaliseEmail(emailInput);
    const moderator = await this.findByEmail(email);
    const device = moderator && from.device?.moderatorId === moderator.id ? from.device.id : null;
    const attempt = await this.throttle.reserve(email, device, from.address);
    const ok = await verifyPassword(moderator?.passwordHash ?? (await dummyHash()), password);
    if (!moderator || !ok) {
      await this.countFailure(attempt, moderator);
      throw new AppError('INVALID_CREDENTIALS', 401, 'Wrong email or password');
    }
    await this.throttle.succeeded(attempt);
    if (moderator.status !== 'active') throw new AppError('ACCOUNT_DISABLED', 403, 'This moderator account is disabled');
    await this.touchLogin(moderator.id);
    return moderator;
  }

  /**
   * A signed-in moderator's own new password. The current one is checked as a sign-in is, in the
   * account's anonymous bucket, so a stolen session cannot guess it faster than the sign-in form.
   * Wrong: 403, not 401 (the session itself is still good, and clients treat 401 as "sign in again").
   */
  async changeOwnPassword(moderator: Moderator, current: string, next: string, address: string): Promise<Moderator> {
    const problem = passwordProblem(next);
    if (problem) throw new AppError('VALIDATION_FAILED', 400, problem.replace(/^password/, 'newPassword'), { field: 'newPassword' });
    const attempt = await this.throttle.reserve(moderator.email, null, address);
    if (!(await verifyPassword(moderator.passwordHash, current))) {
      await this.countFailure(attempt, moderator);
      throw new AppError('INVALID_CREDENTIALS', 403, 'The current password is wrong', { field: 'currentPassword' });
    }
    await this.throttle.succeeded(attempt);
    if (next === current) throw new AppError('VALIDATION_FAILED', 400, 'newPassword must differ from the current one', { field: 'newPassword' });
    return this.changePassword(moderator.id, next, { moderatorId: moderator.id, via: 'api' });
  }

  /** Which of these accounts are locked for anonymous browsers now (the Moderators tab shows it). */
  lockedEmails(emails: string[]): Promise<Set<string>> {
    return this.throttle.locked(emails);
  }

  /** A wrong password: the slow-down, and the audit entry when it just locked the account. */
  private async countFailure(attempt: Attempt, moderator: Moderator | null): Promise<void> {
    const lockedNow = await this.throttle.failed(attempt);
    if (lockedNow && moderator && attempt.bucket === 'account') {
      const detail = { attempts: this.config.moderatorLockoutAttempts, seconds: this.config.moderatorLockoutSeconds };
      await this.recordLocked(moderator, detail).catch((err: Error) => this.log.warn({ err: err.message }, 'could not audit a sign-in lock'));
    }
  }
}
