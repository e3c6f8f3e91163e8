import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { EmailController, EmailLinksController } from './email.controller.js';
import { EmailService } from './email.service.js';
import { MailSender } from './mail-sender.js';
import { MailQueue } from './mail.queue.js';
import { MailWorker } from './mail.worker.js';
import { Mailer } from './mailer.js';

/** E-mail notifications: the reader's address and its confirmation, the links in the mails; with `worker`, the `mail` queue's consumer. */
@Module({})
export class EmailModule {
  static register(options: { worker: boolean }): DynamicModule {
    const providers: Provider[] = [EmailService, MailQueue, MailSender, Mailer];
    if (options.worker) providers.push(MailWorker);
    return { module: EmailModule, imports: [NotificationsModule], controllers: [EmailController, EmailLinksController], providers, exports: [EmailService, MailSender] };
  }
}
