import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Role } from '@bp/contracts';
import { durationMs } from '@bp/timers';
import { createSigner } from 'fast-jwt';
import { DEV_ALGORITHM } from './config';

/** `<repo>/.data/dev-jwt-secret`; this file sits in libs/http/{src,dist}/auth. */
export const DEV_SECRET_FILE = resolve(__dirname, '../../../../.data/dev-jwt-secret');

/**
 * The dev system's HS256 secret: `JWT_SECRET` if set, else the secret file, created with a random
 * value on first use so every local service and `npm run token` agree without configuration.
 */
export const loadDevSecret = (o: { env?: NodeJS.ProcessEnv; file?: string } = {}): string => {
  const fromEnv = (o.env ?? process.env).JWT_SECRET;
  if (fromEnv) return fromEnv;
  const file = o.file ?? DEV_SECRET_FILE;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    // 'wx': if two processes race on first use, the loser reads the winner's secret.
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return readFileSync(file, 'utf8').trim();
};

export interface DevTokenInput {
  sub: string;
  role: Role;
  secret: string;
  /** ISO-8601 duration, default PT1H. */
  ttl?: string;
  issuer?: string;
  audience?: string;
}

/** A token the `dev-secret` auth mode accepts (tests and `npm run token`). */
export const signDevToken = (i: DevTokenInput): string =>
  createSigner({
    key: i.secret,
    algorithm: DEV_ALGORITHM,
    expiresIn: durationMs(i.ttl ?? 'PT1H'),
    ...(i.issuer ? { iss: i.issuer } : {}),
    ...(i.audience ? { aud: i.audience } : {}),
  })({ sub: i.sub, role: i.role });
