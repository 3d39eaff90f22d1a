import { type TestDatabase, testDatabase } from '@bp/testing';
import { type Migration, MigrationChecksumError, runMigrations } from '../src';

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase('es_migrations');
});
afterAll(() => db.close());

const v1: Migration = { version: 1, name: 'widgets', sql: (s) => `CREATE TABLE ${s}.widgets (id int PRIMARY KEY)` };
const v2: Migration = { version: 2, name: 'widget-names', sql: (s) => `ALTER TABLE ${s}.widgets ADD COLUMN name text NOT NULL DEFAULT 'unnamed'` };

const applied = async (component: string) =>
  (
    await db.pool.query<{ version: number; name: string }>(`SELECT version, name FROM ${db.schema}.schema_migrations WHERE component = $1 ORDER BY version`, [
      component,
    ])
  ).rows;

describe('runMigrations: versioned, forward-only schema changes', () => {
  it('applies pending versions in order, records them, and applies nothing the second time', async () => {
    expect(await runMigrations(db.pool, db.schema, 'a', [v1])).toEqual([1]);
    await db.pool.query(`INSERT INTO ${db.schema}.widgets (id) VALUES (7)`);
    expect(await runMigrations(db.pool, db.schema, 'a', [v1, v2])).toEqual([2]);
    expect(await runMigrations(db.pool, db.schema, 'a', [v1, v2])).toEqual([]);
    expect(await applied('a')).toEqual([
      { version: 1, name: 'widgets' },
      { version: 2, name: 'widget-names' },
    ]);
    // The later version changed the table under the row written before it.
    expect((await db.pool.query(`SELECT id, name FROM ${db.schema}.widgets`)).rows).toEqual([{ id: 7, name: 'unnamed' }]);
  });

  it('applies each version once when instances start together (advisory lock per schema)', async () => {
    const counted: Migration = { version: 1, name: 'count', sql: (s) => `CREATE TABLE IF NOT EXISTS ${s}.runs (n int); INSERT INTO ${s}.runs VALUES (1)` };
    const runs = await Promise.all([1, 2, 3, 4].map(() => runMigrations(db.pool, db.schema, 'b', [counted])));
    expect(runs.flat()).toEqual([1]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM ${db.schema}.runs`)).rows[0].n).toBe(1);
  });

  it('refuses to run when an applied migration was edited, and applies nothing else', async () => {
    await runMigrations(db.pool, db.schema, 'c', [{ ...v1, sql: (s) => `CREATE TABLE ${s}.gadgets (id int PRIMARY KEY)` }]);
    const edited: Migration = { ...v1, sql: (s) => `CREATE TABLE ${s}.gadgets (id bigint PRIMARY KEY)` };
    const next: Migration = { version: 2, name: 'more', sql: (s) => `CREATE TABLE ${s}.gizmos (id int)` };
    await expect(runMigrations(db.pool, db.schema, 'c', [edited, next])).rejects.toThrow(MigrationChecksumError);
    await expect(runMigrations(db.pool, db.schema, 'c', [edited, next])).rejects.toThrow(/c v1 \(widgets\) was edited after it was applied/);
    expect(await applied('c')).toEqual([{ version: 1, name: 'widgets' }]);
    expect((await db.pool.query(`SELECT to_regclass('${db.schema}.gizmos') AS t`)).rows[0].t).toBeNull();
  });

  it('rolls a failing migration back whole: neither its changes nor its record stay', async () => {
    const failing: Migration = { version: 1, name: 'half', sql: (s) => `CREATE TABLE ${s}.halves (id int); SELECT 1 / 0` };
    await expect(runMigrations(db.pool, db.schema, 'd', [failing])).rejects.toThrow(/division by zero/);
    expect(await applied('d')).toEqual([]);
    expect((await db.pool.query(`SELECT to_regclass('${db.schema}.halves') AS t`)).rows[0].t).toBeNull();
  });

  it('leaves versions a newer release applied alone (old replicas still starting during a rollout)', async () => {
    await runMigrations(db.pool, db.schema, 'e', [
      { ...v1, sql: (s) => `CREATE TABLE ${s}.e1 (id int)` },
      { ...v2, sql: (s) => `CREATE TABLE ${s}.e2 (id int)` },
    ]);
    expect(await runMigrations(db.pool, db.schema, 'e', [{ ...v1, sql: (s) => `CREATE TABLE ${s}.e1 (id int)` }])).toEqual([]);
  });

  it('refuses a list that is not numbered 1, 2, 3 … (a gap or a duplicate is a merge mistake)', async () => {
    await expect(runMigrations(db.pool, db.schema, 'f', [v1, { ...v2, version: 3 }])).rejects.toThrow(/numbered 1, 2, 3/);
    await expect(runMigrations(db.pool, db.schema, 'f', [v1, { ...v2, version: 1 }])).rejects.toThrow(/numbered 1, 2, 3/);
  });
});
