import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { AccountDeletions } from './account-deletions.js';
import { AccountEraser } from './account-eraser.js';
import { AccountExport } from './account-export.js';
import { AccountController } from './account.controller.js';
import { AccountsQueue } from './accounts.queue.js';
import { AccountsWorker } from './accounts.worker.js';
import { Retention } from './retention.js';

/** A reader's data and account: export, deletion (scheduled, then a durable job), retention. With `worker`, the jobs' consumer. */
@Module({})
export class AccountModule {
  static register(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [AccountsQueue, AccountDeletions, AccountEraser, AccountExport, Retention];
    if (options.worker) providers.push(AccountsWorker);
    return { module: AccountModule, controllers: [AccountController], providers, exports: [AccountDeletions, AccountEraser, Retention] };
  }
}
