import { fork } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { migrateSharedClock } from '@bp/runtime';
import { Pool } from 'pg';
import { LOCAL_DATABASE, LOCAL_POSTGRES_PORT, localDatabaseUrl } from '../local-env';
import { stopChild } from './child';

export interface RunningPostgres {
  url: string;
  /** 'embedded' when started here; 'external' when DATABASE_URL pointed elsewhere. */
  source: 'embedded' | 'external';
  stop(): Promise<void>;
}

/**
 * The database: DATABASE_URL when set, else the embedded PostgreSQL with its data in
 * `<data>/postgres` (kept across starts) on a fixed port.
 */
export const startPostgres = async (data: string, env: NodeJS.ProcessEnv, say: (line: string) => void = () => {}): Promise<RunningPostgres> => {
  const url = env.DATABASE_URL ?? localDatabaseUrl(env);
  if (env.DATABASE_URL) {
    await prepareDatabase(url, env);
    return { url, source: 'external', stop: async () => {} };
  }
  mkdirSync(join(data, 'logs'), { recursive: true });
  const port = Number(env.POSTGRES_PORT ?? LOCAL_POSTGRES_PORT);
  // detached: its own process group, so the terminal's Ctrl-C reaches the supervisor only and
  // Postgres stops last, when the supervisor says so.
  const child = fork(join(__dirname, 'postgres-process.js'), [join(data, 'postgres'), String(port), LOCAL_DATABASE], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    execArgv: process.execArgv,
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  await new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error ?? 'PostgreSQL failed'))));
    child.on('exit', (code) => reject(new Error(`PostgreSQL process exited (${code}): ${stderr.trim()}`)));
  });
  child.removeAllListeners('exit');
  child.once('exit', (code, signal) =>
    say(`✗ PostgreSQL exited (${code ?? signal}); the services will fail until it is back: see ${join(data, 'logs', 'postgres.log')}`),
  );
  await prepareDatabase(url, env);
  return {
    url,
    source: 'embedded',
    stop: async () => {
      child.removeAllListeners('exit');
      await stopChild(child, 'SIGTERM', 30_000);
    },
  };
};

/**
 * The simulated clock's schema is created here, once, before the four services start: their
 * concurrent `CREATE SCHEMA IF NOT EXISTS` could otherwise race on the catalog's unique index.
 */
const prepareDatabase = async (url: string, env: NodeJS.ProcessEnv): Promise<void> => {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await migrateSharedClock(pool, env.CLOCK_SCHEMA);
  } finally {
    await pool.end();
  }
};
