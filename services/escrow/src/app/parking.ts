// Consumed facts that arrive before the fact they depend on are PARKED, not retried in place.
//
// Why not a retryable error: the consumer runner retries a message a few times within seconds and
// then dead-letters it, but the gaps here can be long. OrderCompleted(DISPUTE_SETTLED) travels on
// orders.v1 and the DisputeSettled it follows on disputes.v1: the topics are not ordered with each
// other, and a lagging or rebalancing disputes.v1 consumer can be minutes behind. Parking records
// the command in the same transaction as the inbox entry (so it is neither lost nor applied twice)
// and the command that records the missing fact re-drives it in ITS transaction: no polling, no
// dead letters for a normal race, and the order of effects is the order the facts became complete.
import type { ClientBase, Pool, PoolClient } from 'pg';
import type { EscrowCommand, EscrowErrorCode, EscrowEvent } from '../domain';
import { table } from '../projections/sql';
import { migrateEscrowTables } from '../migrations';

export const PARKED_TABLE = 'parked_commands';

/** Refusals that only mean "too early", and the event of the order's stream that ends the wait. */
export const WAITS_FOR: Partial<Record<EscrowErrorCode, EscrowEvent['type']>> = {
  ESCROW_ORDER_UNKNOWN: 'OrderRecorded',
  DISPUTE_SETTLEMENT_PENDING: 'DisputeSettlementApplied',
};

/** The parking table is one of the service's versioned migrations (../migrations). */
export const migrateParking = (db: Pool | ClientBase, schema: string): Promise<void> => migrateEscrowTables(db, schema);

export interface Parked {
  command: EscrowCommand;
  causation: { correlationId: string; causationId: string | null };
}

export const park = async (tx: PoolClient, schema: string, p: Parked & { orderId: string; waitingFor: string; reason: string }): Promise<void> => {
  await tx.query(`INSERT INTO ${table(schema, PARKED_TABLE)} (order_id, waiting_for, command, causation, parked_at, reason) VALUES ($1, $2, $3, $4, $5, $6)`, [
    p.orderId,
    p.waitingFor,
    JSON.stringify(p.command),
    JSON.stringify(p.causation),
    p.command.meta.now,
    p.reason,
  ]);
};

/** Removes and returns (in parking order) the commands of an order waiting for one of `facts`. */
export const unpark = async (tx: PoolClient, schema: string, orderId: string, facts: string[]): Promise<Parked[]> => {
  const { rows } = await tx.query<Parked & { id: string }>(
    `DELETE FROM ${table(schema, PARKED_TABLE)} WHERE order_id = $1 AND waiting_for = ANY($2::text[]) RETURNING id, command, causation`,
    [orderId, facts],
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
};

export const parkedCount = async (db: { query(sql: string): Promise<{ rows: { n: number }[] }> }, schema: string): Promise<number> =>
  (await db.query(`SELECT count(*)::int AS n FROM ${table(schema, PARKED_TABLE)}`)).rows[0]?.n ?? 0;
