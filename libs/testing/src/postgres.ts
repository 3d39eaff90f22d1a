import { randomBytes } from 'node:crypto';
import { Pool, type PoolConfig } from 'pg';

/**
 * A Postgres for one test file: a fresh schema on the database jest's global setup provided
 * (DATABASE_URL, a Testcontainers PostgreSQL, or an embedded one). `close()` drops the schema.
 */
export interface TestDatabase {
  url: string;
  schema: string;
  pool: Pool;
  /** A new pool on the same database (e.g. a second "process"). Closed by `close()`. */
  newPool(config?: PoolConfig): Pool;
  close(): Promise<void>;
}

export const testDatabaseUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: run tests through jest (its global setup provides one)');
  return url;
};

export const testDatabase = async (prefix = 't'): Promise<TestDatabase> => {
  const url = testDatabaseUrl();
  const schema = `${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const pools: Pool[] = [];
  const newPool = (config: PoolConfig = {}) => {
    const p = new Pool({ connectionString: url, max: 10, ...config });
    p.on('error', () => {}); // a killed backend surfaces on the query that used it
    pools.push(p);
    return p;
  };
  const pool = newPool();
  await pool.query(`CREATE SCHEMA ${schema}`);
  return {
    url,
    schema,
    pool,
    newPool,
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
      await Promise.all(pools.map((p) => p.end().catch(() => {})));
    },
  };
};
