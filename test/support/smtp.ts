import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';
import { waitFor } from './readers.js';

export interface CaughtMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Header values by lower-case name, as sent (list-unsubscribe, list-unsubscribe-post, …). */
  headers: Map<string, string>;
  parsed: ParsedMail;
}

export interface SmtpCatcher {
  port: number;
  /** SMTP_URL for the service. */
  url: string;
  mails: CaughtMail[];
  /** The mails sent to `address` so far. */
  to(address: string): CaughtMail[];
  /** Waits until `address` has at least `count` mails; answers them all. */
  waitFor(address: string, count?: number, timeoutMs?: number): Promise<CaughtMail[]>;
  /** Stops listening (the service's mail then fails) until start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on a free port that keeps every mail it receives, parsed (mailparser). */
export async function startSmtp(): Promise<SmtpCatcher> {
  const port = await freePort();
  const mails: CaughtMail[] = [];
  let server: SMTPServer | undefined;

  const listen = async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 200,
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            const headers = new Map<string, string>();
            for (const line of parsed.headerLines) headers.set(line.key, line.line.slice(line.line.indexOf(':') + 1).trim());
            mails.push({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers,
              parsed,
            });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
  };
  const stop = async () => {
    const closing = server;
    server = undefined;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();

  const to = (address: string) => mails.filter((mail) => mail.to.includes(address.toLowerCase()));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to,
    waitFor: (address, count = 1, timeoutMs = 10_000) => waitFor(async () => to(address).length >= count && to(address), timeoutMs, `${count} mail(s) to ${address}`),
    stop,
    start: listen,
    close: stop,
  };
}
