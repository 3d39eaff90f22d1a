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

/** Creates `<schema>.idempotency_keys` (idempotent). The schema must exist. */
export const migrateIdempotency = async (db: Queryable, schema: string): Promise<void> => {
  const t = idempotencyTable(schema);
  await db.query(`
    CREATE TABLE IF NOT EXISTS ${t} (
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
    )`);
  await db.query(`CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON ${t} (expires_at)`);
  // 'committed' (the request's effects committed, its answer not yet recorded) and answer_lost came
  // later: tables created before them get the column, and their CHECK is replaced, once.
  // Checked first: an ALTER takes the table's exclusive lock even when it has nothing to do.
  await db.query(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = '${t}'::regclass AND attname = 'answer_lost' AND NOT attisdropped) THEN
        ALTER TABLE ${t} ADD COLUMN answer_lost boolean NOT NULL DEFAULT false;
      END IF;
      IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '${t}'::regclass AND conname = 'idempotency_keys_status_check'
                       AND pg_get_constraintdef(oid) LIKE '%committed%') THEN
        ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS idempotency_keys_status_check;
        ALTER TABLE ${t} ADD CONSTRAINT idempotency_keys_status_check CHECK (status IN ('in_flight', 'committed', 'completed'));
      END IF;
    END $$`);
};
