import { createHash } from 'node:crypto';
import type { ClientBase, Pool } from 'pg';
import { ident } from '../sql';

/**
 * One forward-only schema change. Released migrations are never edited (their checksum is checked
 * on every run) nor removed: a later change is a new version. `sql` gets the quoted schema name.
 */
export interface Migration {
  version: number;
  name: string;
  sql: (quotedSchema: string) => string;
}

/** An applied migration whose text changed since: the database and the code disagree on history. */
export class MigrationChecksumError extends Error {
  constructor(
    readonly component: string,
    readonly version: number,
    readonly migration: string,
  ) {
    super(`migration ${component} v${version} (${migration}) was edited after it was applied: add a new version instead`);
    this.name = 'MigrationChecksumError';
  }
}

const LOCK = 'bp.migrate';
// The checksum is over the text for a fixed schema name, so it is the same in every schema.
const CHECKSUM_SCHEMA = '"schema"';

export const migrationChecksum = (m: Migration): string => createHash('sha256').update(m.sql(CHECKSUM_SCHEMA)).digest('hex');

const checkSequence = (component: string, migrations: readonly Migration[]): void => {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations of ${component} must be numbered 1, 2, 3 … in order (found v${m.version} at position ${i + 1})`);
  });
};

const isPool = (db: Pool | ClientBase): db is Pool => 'totalCount' in db;

/** On a pool: a client of its own. On a client: that client, which must not be in a transaction. */
const inTransaction = async <T>(db: Pool | ClientBase, fn: (tx: ClientBase) => Promise<T>): Promise<T> => {
  const pooled = isPool(db) ? await db.connect() : undefined;
  const client = pooled ?? (db as ClientBase);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    pooled?.release();
  }
};

/**
 * Applies `component`'s pending migrations to `schema`, in one transaction, and records each (version,
 * name, checksum) in `<schema>.schema_migrations`. Concurrent runs (replicas starting together, the
 * migrate Job) serialize on an advisory lock per schema: the second finds nothing left to do.
 * Refuses (MigrationChecksumError, nothing applied) when an applied migration's text has changed.
 * Versions the database has and the code does not (a newer release already ran) are left alone.
 * Returns the versions applied now.
 */
export const runMigrations = async (db: Pool | ClientBase, schema: string, component: string, migrations: readonly Migration[]): Promise<number[]> => {
  checkSequence(component, migrations);
  const s = ident(schema);
  return inTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [LOCK, schema]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      component  text        NOT NULL,
      version    int         NOT NULL,
      name       text        NOT NULL,
      checksum   text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (component, version)
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>(`SELECT version, checksum FROM ${s}.schema_migrations WHERE component = $1`, [
      component,
    ]);
    const applied = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const m of migrations) {
      const recorded = applied.get(m.version);
      if (recorded !== undefined && recorded !== migrationChecksum(m)) throw new MigrationChecksumError(component, m.version, m.name);
    }
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.query(m.sql(s));
      await tx.query(`INSERT INTO ${s}.schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)`, [
        component,
        m.version,
        m.name,
        migrationChecksum(m),
      ]);
      done.push(m.version);
    }
    return done;
  });
};
