import { resolve } from 'node:path';
import { loadDevSecret } from '@bp/http';
import { defaultPorts, ServiceNames, type ServiceName } from '@bp/runtime';

/**
 * The one-machine deployment `npm start` runs, and the defaults `npm run ops` falls back to so an
 * operator needs no configuration against it. Every value is overridable by the same environment
 * variables the services read.
 */

/** The repository root: this file is system/{src,dist}/local-env.{ts,js}. */
export const ROOT = resolve(__dirname, '..', '..');

export const dataDir = (env: NodeJS.ProcessEnv = process.env): string => resolve(ROOT, env.DATA_DIR ?? '.data');

/** Not 5432, so a developer's own PostgreSQL on the default port is left alone. */
export const LOCAL_POSTGRES_PORT = 5433;
export const LOCAL_DATABASE = 'marketplace';
export const LOCAL_KAFKA_PORT = 9092;
export const LOCAL_SMTP_PORT = 1025;

export const localDatabaseUrl = (env: NodeJS.ProcessEnv = process.env): string =>
  `postgres://postgres:postgres@127.0.0.1:${Number(env.POSTGRES_PORT ?? LOCAL_POSTGRES_PORT)}/${LOCAL_DATABASE}`;

export const localServiceUrls = (host = '127.0.0.1', names: readonly ServiceName[] = ServiceNames): string =>
  names.map((n) => `${n}=http://${host}:${defaultPorts[n]}`).join(',');

/** The environment of a process talking to the local system (services and ops alike). */
export const localEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => ({
  ...env,
  DATABASE_URL: env.DATABASE_URL ?? localDatabaseUrl(env),
  KAFKA_BROKERS: env.KAFKA_BROKERS ?? `127.0.0.1:${LOCAL_KAFKA_PORT}`,
  // The secret file lives in the repository's .data, shared with `npm run token`.
  JWT_SECRET: loadDevSecret({ env }),
  SERVICE_URLS: env.SERVICE_URLS ?? localServiceUrls(),
});
