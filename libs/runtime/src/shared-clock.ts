import type { Pool, PoolClient } from 'pg';
import type { Clock } from '@bp/timers';

/**
 * The simulated clock of a whole deployment: one row in Postgres that every service process reads.
 * `now()` stays synchronous (deciders get it on commands) by caching the row; `refresh()` re-reads
 * it, and every settle round refreshes before firing deadlines, so all processes agree on the time
 * at which they fire. Used only with CLOCK=simulated.
 */
const DEFAULT_SCHEMA = 'sim_clock';
const DEFAULT_START = '2026-01-01T00:00:00.000Z';

export interface SharedClock extends Clock {
  refresh(): Promise<Date>;
  advance(ms: number): Promise<Date>;
}

/** `schema` holds the one clock row; tests give each system its own so parallel files never share time. */
export const migrateSharedClock = async (db: Pool | PoolClient, schema = DEFAULT_SCHEMA, start = DEFAULT_START): Promise<void> => {
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.clock (id int PRIMARY KEY CHECK (id = 1), now timestamptz NOT NULL)`);
  await db.query(`INSERT INTO ${schema}.clock (id, now) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, [start]);
};

export const createSharedClock = async (pool: Pool, schema = DEFAULT_SCHEMA): Promise<SharedClock> => {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid clock schema ${schema}`);
  await migrateSharedClock(pool, schema);
  let ms = 0;
  const set = (at: Date) => {
    ms = Math.max(ms, at.getTime()); // a clock never goes back, even if reads race
    return new Date(ms);
  };
  const clock: SharedClock = {
    now: () => new Date(ms),
    refresh: async () => {
      const { rows } = await pool.query<{ now: Date }>(`SELECT now FROM ${schema}.clock WHERE id = 1`);
      return set(rows[0]!.now);
    },
    advance: async (delta: number) => {
      if (!(delta >= 0)) throw new Error('a simulated clock never moves backwards');
      const { rows } = await pool.query<{ now: Date }>(
        `UPDATE ${schema}.clock SET now = now + ($1::bigint * interval '1 millisecond') WHERE id = 1 RETURNING now`,
        [Math.round(delta)],
      );
      return set(rows[0]!.now);
    },
  };
  await clock.refresh();
  return clock;
};
