import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { NotificationConfig } from './config';

export interface OutgoingMail {
  /** Used as the Message-ID and file name: a retried send is recognisable downstream. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  locale: string;
}

/** Sends one e-mail or throws; the error carries no address (it ends up in the log). */
export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export class MailError extends Error {
  constructor(readonly code: string) {
    super(`e-mail not sent: ${code}`);
    this.name = 'MailError';
  }
}

// Only a code and an SMTP status: server messages often quote the recipient's address.
const codeOf = (err: unknown): string => {
  const e = err as { code?: unknown; responseCode?: unknown };
  return [typeof e.code === 'string' ? e.code : 'SEND_FAILED', typeof e.responseCode === 'number' ? String(e.responseCode) : ''].filter(Boolean).join(' ');
};

/** SMTP when SMTP_URL is set; otherwise each message becomes an .eml file under `<dataDir>/mail`. */
export const createMailer = (config: NotificationConfig, dataDir: string): Mailer => {
  const message = (m: OutgoingMail) => ({
    from: config.MAIL_FROM,
    to: m.to,
    subject: m.subject,
    text: m.text,
    html: m.html,
    messageId: `<${m.id}@notification.marketplace.invalid>`,
    headers: { 'Content-Language': m.locale },
  });
  if (config.SMTP_URL) {
    const url = new URL(config.SMTP_URL);
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      // A local catcher or test server speaks plain SMTP; production uses smtps:// or a relay with TLS.
      ignoreTLS: url.protocol === 'smtp:' && ['127.0.0.1', 'localhost', '::1'].includes(url.hostname),
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
      logger: false,
    });
    return {
      send: async (m) => {
        try {
          await transport.sendMail(message(m));
        } catch (err) {
          throw new MailError(codeOf(err));
        }
      },
      close: () => transport.close(),
    };
  }
  const dir = join(dataDir, 'mail');
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (m) => {
      const info = await transport.sendMail(message(m));
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${m.id}.eml`), info.message as Buffer);
    },
    close: () => transport.close(),
  };
};
