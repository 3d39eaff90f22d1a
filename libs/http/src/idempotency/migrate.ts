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
      status          text        NOT NULL CHECK (status IN ('in_flight', 'completed')),
      response_status integer,
      response_body   jsonb,
      headers         jsonb,
      created_at      timestamptz NOT NULL DEFAULT now(),
      expires_at      timestamptz NOT NULL,
      PRIMARY KEY (principal, key)
    )`);
  await db.query(`CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at ON ${t} (expires_at)`);
};
