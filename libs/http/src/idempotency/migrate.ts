import { runMigrations, type Migration } from '@bp/eventstore';
import type { ClientBase, Pool } from 'pg';

/** Anything with pg's `query` (Pool, PoolClient, Client). */
export interface Queryable {
  query<R extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[]; rowCount: number | null }>;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/i;

/** Schema names are interpolated into SQL, so only plain identifiers are accepted. */
export const quoteIdent = (name: string): string => {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier: ${name}`);
  return `"${name}"`;
};

export const idempotencyTable = (schema: string): string => `${quoteIdent(schema)}.idempotency_keys`;

/**
 * `<schema>.idempotency_keys`, versioned (component `idempotency`, see runMigrations). v1 is the
 * release before's table exactly, written to be a no-op where that release created it.
 */
export const idempotencyMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'idempotency-keys',
    sql: (s) => `
    CREATE TABLE IF NOT EXISTS ${s}.idempotency_keys (
      principal       text        NOT NULL,
      key             text        NOT NULL,
      method          text        NOT NULL,
      path            text        NOT NULL,
      request_hash    text        NOT NULL,
      status          text        NOT NULL,
      response_status integer,
      response_body   jsonb,
      headers         jsonb,
      answer_lost     boolean     NOT NULL DEFAULT false,
      created_at      timestamptz NOT NULL DEFAULT now(),
      expires_at      timestamptz NOT NULL,
      PRIMARY KEY (principal, key)
    );
    CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON ${s}.idempotency_keys (expires_at);
    -- 'committed' (the request's effects committed, its answer not yet recorded) and answer_lost came
    -- later: tables created before them get the column, and their CHECK is replaced, once.
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${s}.idempotency_keys'::regclass AND attname = 'answer_lost' AND NOT attisdropped) THEN
        ALTER TABLE ${s}.idempotency_keys ADD COLUMN answer_lost boolean NOT NULL DEFAULT false;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '${s}.idempotency_keys'::regclass AND conname = 'idempotency_keys_status_check'
                       AND pg_get_constraintdef(oid) LIKE '%committed%') THEN
        ALTER TABLE ${s}.idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_status_check;
        ALTER TABLE ${s}.idempotency_keys ADD CONSTRAINT idempotency_keys_status_check CHECK (status IN ('in_flight', 'committed', 'completed'));
      END IF;
    END $$;
  `,
  },
];

/** Creates or upgrades `<schema>.idempotency_keys`; concurrent callers serialize (runMigrations). */
export const migrateIdempotency = async (db: Pool | ClientBase, schema: string): Promise<void> => {
  await runMigrations(db, schema, 'idempotency', idempotencyMigrations);
};
