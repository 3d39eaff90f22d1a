// Shared by the integration tests: upstream events as their producers publish them, a real SMTP
// server that collects what it receives, a webhook receiver with scripted answers, and waiting.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { snapshotOf, defaultPolicy, durationMs } from '@bp/timers';
import { SMTPServer } from 'smtp-server';

const usd = (amount: number) => ({ amount, currency: 'USD' });
const later = (now: Date, iso: string) => new Date(now.getTime() + durationMs(iso)).toISOString();

export const upstream = {
  orderPlaced: (now: Date, orderId: string, buyerId: string, sellerId: string) => ({
    orderId,
    buyerId,
    sellerId,
    currency: 'USD',
    items: [{ sku: 'sku-1', title: 'Teapot', quantity: 1, unitPrice: usd(12_345) }],
    total: usd(12_345),
    protectionDays: 60,
    handlingDays: 7,
    placedAt: now.toISOString(),
    paymentDueAt: later(now, 'PT24H'),
    policy: snapshotOf(defaultPolicy),
  }),
  orderPaid: (now: Date, orderId: string, buyerId: string, sellerId: string) => ({
    orderId,
    buyerId,
    sellerId,
    paymentId: `pay-${orderId}`,
    amount: usd(12_345),
    paidAt: now.toISOString(),
    shipBy: later(now, 'P7D'),
  }),
  orderShipped: (now: Date, orderId: string, buyerId: string, sellerId: string) => ({
    orderId,
    buyerId,
    sellerId,
    carrier: 'DHL',
    trackingNumber: `TRK-${orderId}`,
    shippedAt: now.toISOString(),
    protectionEndsAt: later(now, 'P60D'),
  }),
  orderCompleted: (now: Date, orderId: string, buyerId: string, sellerId: string) => ({
    orderId,
    buyerId,
    sellerId,
    amount: usd(12_345),
    completedAt: now.toISOString(),
    reason: 'CONFIRMED',
  }),
  fundsReleased: (now: Date, orderId: string, sellerId: string) => ({
    orderId,
    sellerId,
    amount: usd(12_345),
    commission: usd(1_235),
    netPayable: usd(11_110),
    trigger: 'ORDER_COMPLETED' as const,
    releasedAt: now.toISOString(),
  }),
  disputeOpened: (now: Date, orderId: string, buyerId: string, sellerId: string) => ({
    disputeId: `d-${orderId}`,
    orderId,
    buyerId,
    sellerId,
    reason: 'NOT_AS_DESCRIBED',
    goodsReceived: true,
    proposal: { proposalId: `p-${orderId}`, by: 'buyer', type: 'REFUND_ONLY', refund: usd(5_000) },
    openedAt: now.toISOString(),
    // D4: the seller has 5 days to answer.
    sellerRespondBy: later(now, 'P5D'),
  }),
};

/** Polls `probe` until it returns a value (no fixed sleeps): for effects another task completes. */
export const waitFor = async <T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

// --- a real SMTP server -------------------------------------------------------------------------

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  raw: string;
}

const decodeWords = (s: string): string =>
  s.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BQbq])\?([^?]*)\?=/g, (_, _cs: string, enc: string, txt: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(txt, 'base64').toString('utf8')
      : Buffer.from(
          txt.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  );

const decodeBody = (body: string, encoding: string | undefined): string => {
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
};

const splitPart = (part: string) => {
  const at = part.search(/\r?\n\r?\n/);
  const head = part.slice(0, at).replace(/\r?\n[ \t]+/g, ' ');
  const body = part.slice(at).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim();
  return { header, body };
};

/** Just enough MIME for nodemailer's output: a text/html alternative, base64 or quoted-printable. */
export const parseMail = (raw: string, to: string[]): ReceivedMail => {
  const top = splitPart(raw);
  const boundary = /boundary="?([^";]+)"?/i.exec(top.header('Content-Type') ?? '')?.[1];
  const parts = boundary ? raw.split(`--${boundary}`).slice(1, -1).map(splitPart) : [top];
  const partOf = (type: string) => parts.find((p) => p.header('Content-Type')?.startsWith(type));
  const decoded = (type: string) => {
    const p = partOf(type);
    return p ? decodeBody(p.body, p.header('Content-Transfer-Encoding')?.toLowerCase()) : '';
  };
  return { to, subject: decodeWords(top.header('Subject') ?? ''), text: decoded('text/plain'), html: decoded('text/html'), raw };
};

export interface TestSmtp {
  url: string;
  mails: ReceivedMail[];
  /** The next n messages are refused with a temporary error (451). */
  refuse(n: number): void;
  stop(): Promise<void>;
}

export const startTestSmtp = async (): Promise<TestSmtp> => {
  const mails: ReceivedMail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusals > 0) {
          refusals--;
          return callback(Object.assign(new Error('mailbox busy, try again later'), { responseCode: 451 }));
        }
        mails.push(
          parseMail(
            Buffer.concat(chunks).toString('utf8'),
            session.envelope.rcptTo.map((r) => r.address),
          ),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuse: (n) => void (refusals = n),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

// --- a webhook receiver -------------------------------------------------------------------------

export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** Answers each POST with the next scripted status (the last one repeats). */
export const startReceiver = async (statuses: number[]) => {
  const received: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = statuses[Math.min(received.length, statuses.length - 1)]!;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * What every test that delivers webhooks starts the service with: the receivers above listen on
 * 127.0.0.1, which the SSRF guard refuses unless allowlisted, and no name is ever sent to DNS.
 */
export const loopbackWebhooks = {
  env: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' },
  resolve: async (hostname: string): Promise<string[]> => {
    throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
  },
};
