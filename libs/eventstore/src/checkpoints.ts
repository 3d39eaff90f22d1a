import type { Pool, PoolClient } from 'pg';
import { type LogPosition, START } from './envelope';
import { ident } from './sql';

/** The saved position of reader `name`, or START. */
export const loadCheckpoint = async (db: Pool | PoolClient, schema: string, name: string): Promise<LogPosition> => {
  const { rows } = await db.query<LogPosition>(`SELECT tx_id::text AS "txId", position::text AS position FROM ${ident(schema)}.checkpoints WHERE name = $1`, [
    name,
  ]);
  return rows[0] ?? START;
};

/** Save in the same transaction as the effect of the events read, so both commit or neither. */
export const saveCheckpoint = async (tx: PoolClient, schema: string, name: string, pos: LogPosition): Promise<void> => {
  await tx.query(
    `INSERT INTO ${ident(schema)}.checkpoints (name, tx_id, position) VALUES ($1, $2::xid8, $3::bigint)
     ON CONFLICT (name) DO UPDATE SET tx_id = excluded.tx_id, position = excluded.position, updated_at = now()`,
    [name, pos.txId, pos.position],
  );
};
