import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config.js';
import { Transactions } from '../db/transactions.js';
import { AppError } from '../errors.js';
import { ModeratorAccounts, normaliseEmail } from './moderator-accounts.js';
import type { Moderator } from './moderator.entity.js';
import { dummyHash, verifyPassword } from './passwords.js';
import { SignInThrottle } from './sign-in-throttle.js';

const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/** Moderator accounts inside the service: sign-in checks, and the first admin at start. */
@Injectable()
export class ModeratorsService extends ModeratorAccounts implements OnApplicationBootstrap {
  private readonly log = new Logger(ModeratorsService.name);

  constructor(
    @InjectDataSource() dataSource: DataSource,
    transactions: Transactions,
    private readonly config: AppConfig,
    private readonly throttle: SignInThrottle,
  ) {
    super(dataSource, (work) => transactions.run(work));
  }

  async onApplicationBootstrap(): Promise<void> {
    const email = this.config.moderatorAdminEmail ?? DEFAULT_ADMIN_EMAIL;
    const result = await this.ensureAdmin(email, this.config.moderatorAdminPassword);
    if (!result) return;
    if (result.generated) {
      // The one time a password is ever written out: there is no other way to hand it over.
      this.log.warn(
        `No admin existed: created admin ${result.moderator.email} with the generated password ${result.password} ` +
          `(shown only this once). Sign in at /moderation, then change it with ` +
          `"npm run moderators -- reset-password ${result.moderator.email}" or set MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD.`,
      );
    } else {
      this.log.log({ email: result.moderator.email }, 'No admin existed: admin created from MODERATOR_ADMIN_EMAIL / MODERATOR_ADMIN_PASSWORD');
    }
  }

  /** Email and password → the active moderator, or an error; failures are throttled per account and per IP. */
  async authenticate(emailInput: string, password: string, ip: string): Promise<Moderator> {
    const email = normaliseEmail(emailInput);
    await this.throttle.check(email, ip);
    const moderator = await this.findByEmail(email);
    const ok = await verifyPassword(moderator?.passwordHash ?? (await dummyHash()), password);
    if (!moderator || !ok) {
      await this.throttle.failed(email, ip);
      throw new AppError('INVALID_CREDENTIALS', 401, 'Wrong email or password');
    }
    await this.throttle.succeeded(email);
    if (moderator.status !== 'active') throw new AppError('ACCOUNT_DISABLED', 403, 'This moderator account is disabled');
    await this.touchLogin(moderator.id);
    return moderator;
  }
}
