import { loadCheckpoint } from '@bp/eventstore';
import type { Pool } from 'pg';

export interface RelayLag {
  /** Public events committed to the log after the relay's checkpoint: not on Kafka yet. */
  unpublished: number;
  /** Seconds since the oldest of them was recorded (0 when none): how far behind partners are. */
  oldestAgeSeconds: number;
}

/**
 * What the relay has still to publish, read from the log itself (not the gap-safe reader, which
 * hides committed events behind an open transaction and would under-report exactly when it matters).
 * Ages use the database's clock: relay lag is real time even when the service's clock is simulated.
 */
export const relayLag = async (
  pool: Pick<Pool, 'query'>,
  o: { schema: string; publicTypes: readonly string[]; checkpointName?: string },
): Promise<RelayLag> => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(o.schema)) throw new Error(`invalid schema name ${JSON.stringify(o.schema)}`);
  const checkpoint = await loadCheckpoint(pool as Pool, o.schema, o.checkpointName ?? 'relay');
  const { rows } = await pool.query<{ n: number; age: number | null }>(
    `SELECT count(*)::int AS n, extract(epoch FROM now() - min(recorded_at))::float8 AS age FROM "${o.schema}".events
      WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])`,
    [checkpoint.txId, checkpoint.position, [...o.publicTypes]],
  );
  return { unpublished: rows[0]!.n, oldestAgeSeconds: Math.max(0, rows[0]!.age ?? 0) };
};
