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
