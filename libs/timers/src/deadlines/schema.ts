import { runMigrations, type Migration } from '@bp/eventstore';
import type { Queryable } from './types';

/** Quotes a schema name after checking it is a plain identifier (names come from config, never users). */
export const quoteSchema = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return `"${schema}"`;
};

export const deadlineTable = (schema: string): string => `${quoteSchema(schema)}.deadlines`;

/**
 * One row per (stream, kind): an aggregate has at most one deadline of a kind at a time.
 *
 * `due_at` is the aggregate's deadline and never moves by itself; `next_at` is when the scheduler
 * tries it next (= due_at, later after a failure, NULL once fired or parked), so backoff never
 * disguises the real deadline and lateness stays measurable. Claims are row locks held by the
 * scheduler's transaction, so no lock columns are needed: a crashed scheduler's locks vanish with
 * its connection and the rows are due again.
 */
export const deadlineMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'deadlines',
    sql: (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.deadlines (
      stream_id  text        NOT NULL,
      kind       text        NOT NULL,
      due_at     timestamptz NOT NULL,
      payload    jsonb       NOT NULL,
      next_at    timestamptz,
      attempts   integer     NOT NULL DEFAULT 0,
      last_error text,
      fired_at   timestamptz,
      PRIMARY KEY (stream_id, kind)
    );
    CREATE INDEX IF NOT EXISTS deadlines_next_at ON ${s}.deadlines (next_at) WHERE next_at IS NOT NULL;
    CREATE INDEX IF NOT EXISTS deadlines_due_at ON ${s}.deadlines (due_at);
  `,
  },
];

/** Versioned (component `deadlines`, see runMigrations); v1 is a no-op on a table the release before created. */
export const migrateDeadlines = async (db: Queryable, schema: string): Promise<void> => {
  await runMigrations(db, schema, 'deadlines', deadlineMigrations);
};
