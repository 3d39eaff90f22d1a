import { Writable } from 'node:stream';
import type { Role } from '@bp/contracts';
import pino from 'pino';
import { createLogger, createServiceApp, signDevToken, type ServiceApp, type ServiceAppOptions } from '../src';

export const SECRET = 'test-secret-0123456789abcdef0123456789';

export const tokenFor = (role: Role, sub = `${role}-1`, ttl?: string): string => signDevToken({ sub, role, secret: SECRET, ...(ttl ? { ttl } : {}) });

export const bearer = (role: Role, sub?: string) => ({ authorization: `Bearer ${tokenFor(role, sub)}` });

/** A pino logger writing JSON lines into memory, to assert on what gets logged. */
export const captureLogger = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { logger: createLogger({ name: 'test', level: 'debug', stream }), lines, text: () => lines.join('\n') };
};

export const silentLogger = () => pino({ level: 'silent' });

export const testApp = (o: Partial<ServiceAppOptions> = {}): Promise<ServiceApp> =>
  createServiceApp({ name: 'test-service', logger: silentLogger(), auth: { mode: 'dev-secret', secret: SECRET }, ...o });
