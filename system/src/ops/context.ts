import { ServiceNames, type ServiceName } from '@bp/runtime';
import { Pool } from 'pg';
import pino from 'pino';
import { localEnv } from '../local-env';

/**
 * What every ops command works on: the deployment's database, the schema of each service, where
 * the services answer, and where to print. Built from the environment by the CLI; tests build one
 * over their own system (suffixed schemas, random ports).
 */
export interface OpsContext {
  pool: Pool;
  env: NodeJS.ProcessEnv;
  /** The Postgres schema of each service (by default its name, as runMain starts it). */
  schemas: Record<ServiceName, string>;
  /** Schema of the simulated clock row, for "overdue" against simulated time. */
  clockSchema: string;
  serviceUrls: Record<string, string>;
  logger: pino.Logger;
  out: (line: string) => void;
}

export const opsContextFromEnv = (env: NodeJS.ProcessEnv = process.env, out = (l: string) => process.stdout.write(`${l}\n`)): OpsContext => {
  const e = localEnv(env);
  const schemas = Object.fromEntries(ServiceNames.map((n) => [n, env[`${n.toUpperCase()}_SCHEMA`] ?? n])) as Record<ServiceName, string>;
  const serviceUrls = Object.fromEntries(
    (e.SERVICE_URLS ?? '')
      .split(',')
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
  return {
    pool: new Pool({ connectionString: e.DATABASE_URL, max: 4 }),
    env: e,
    schemas,
    clockSchema: env.CLOCK_SCHEMA ?? 'sim_clock',
    serviceUrls,
    logger: pino({ level: env.LOG_LEVEL ?? 'silent' }),
    out,
  };
};

/** Quotes a schema name after checking it is a plain identifier (names come from config). */
export const q = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `"${schema}"`;
};

/** The services whose log exists in this database (a service that never ran has no schema yet). */
export const servicesWithLog = async (ctx: OpsContext): Promise<ServiceName[]> => {
  const { rows } = await ctx.pool.query<{ schema: string }>(
    `SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'events' AND table_schema = ANY($1::text[])`,
    [Object.values(ctx.schemas)],
  );
  const present = new Set(rows.map((r) => r.schema));
  return ServiceNames.filter((n) => present.has(ctx.schemas[n]));
};

/** The deployment's "now": the simulated clock's row when there is one, else the database's clock. */
export const deploymentNow = async (ctx: OpsContext): Promise<Date> => {
  const simulated = await ctx.pool.query<{ now: Date }>(`SELECT now FROM ${q(ctx.clockSchema)}.clock WHERE id = 1`).catch(() => undefined);
  return simulated?.rows[0]?.now ?? (await ctx.pool.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
};
