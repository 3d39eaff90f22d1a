import { createHash } from 'node:crypto';

/**
 * Schema names are interpolated into SQL (identifiers cannot be bound parameters), so they are
 * checked once here against a conservative pattern instead of being quoted ad hoc everywhere.
 */
export const ident = (schema: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
};

/** Columns every read returns, in the shape rowToEnvelope expects. */
export const EVENT_COLUMNS = `event_id, type, schema_version, stream_id, stream_version,
  to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  metadata, data, transaction_id::text AS tx_id, global_position::text AS position`;

/**
 * A name for a hot statement, so that node-postgres prepares it once per connection and then only
 * binds and executes it: Postgres skips parsing and planning on every later call. Derived from the
 * text (one name per distinct text, as node-postgres requires), short enough never to be truncated.
 */
export const statementName = (text: string): string => `bp_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
