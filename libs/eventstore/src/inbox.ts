import type { PoolClient } from 'pg';
import { ident } from './sql';

/**
 * Records a consumed event id in the transaction of its effect. false = already seen: skip the
 * effect. A concurrent duplicate waits on the first transaction's row and sees false once it commits.
 */
export const recordInbox = async (tx: PoolClient, schema: string, eventId: string, source: string): Promise<boolean> => {
  const res = await tx.query(`INSERT INTO ${ident(schema)}.inbox (event_id, source) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING`, [eventId, source]);
  return res.rowCount === 1;
};
