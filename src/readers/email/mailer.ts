import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../../config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Readers' mails; left out for mails to the service's own admins. */
  unsubscribeUrl?: string;
}

/** Defaults added to SMTP_URL unless it sets them itself (nodemailer reads its options from the URL's query). */
const TRANSPORT_DEFAULTS: Record<string, string> = {
  pool: 'true',
  maxConnections: '3',
  connectionTimeout: '10000',
  greetingTimeout: '10000',
  socketTimeout: '30000',
};

/** The SMTP transport (nodemailer, pooled), made on first use and closed on shutdown. */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private transport?: Transporter;

  constructor(private readonly config: AppConfig) {}

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter().sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: {
        // RFC 8058: mail clients offer "Unsubscribe" and POST to the URL without opening it.
        ...(mail.unsubscribeUrl ? { 'List-Unsubscribe': `<${mail.unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
        'Auto-Submitted': 'auto-generated',
      },
    });
  }

  private transporter(): Transporter {
    if (!this.config.smtpUrl) throw new Error('e-mail is off (SMTP_URL unset)');
    if (!this.transport) {
      const url = new URL(this.config.smtpUrl);
      for (const [name, value] of Object.entries(TRANSPORT_DEFAULTS)) if (!url.searchParams.has(name)) url.searchParams.set(name, value);
      this.transport = createTransport(url.href);
    }
    return this.transport;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
    this.transport = undefined;
  }
}
