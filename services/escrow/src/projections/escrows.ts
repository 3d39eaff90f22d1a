import type { EventEnvelope } from '@bp/contracts';
import { jsonRows, keyedBatch, takePrefetched, type PrefetchRead, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import { escrowEventDefinitions, evolve, initialState, isKnown, type EscrowEvent, type EscrowState, type KnownEscrow } from '../domain';
import { table } from './sql';
import { migrateEscrowTables } from '../migrations';

export const ESCROWS_TABLE = 'escrows';

/**
 * One row per order: the folded escrow state (GET /escrows/{orderId} without a stream read), its
 * stream version (ETag), the parties (authorization, POST /payments), and `settled`/`releases`
 * for the conservation check. The fold is the domain's own `evolve`, so the row equals a replay.
 */
export const escrowsProjection = (schema: string): Projection => {
  const t = table(schema, ESCROWS_TABLE);
  return {
    name: 'escrows',
    handles: escrowEventDefinitions.map((d) => d.type),
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateEscrowTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      const { orderId } = event.data as { orderId: string };
      const { rows } = await tx.query<{ state: EscrowState }>(`SELECT state FROM ${t} WHERE order_id = $1 FOR UPDATE`, [orderId]);
      const state = evolve(rows[0]?.state ?? initialState, { type: event.type, data: event.data } as EscrowEvent);
      await writeEscrowRow(tx, schema, state, event.streamVersion);
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: the same fold as `apply`, with the row held in memory between events.
    rebuildBatch: (opts) =>
      keyedBatch<EscrowTableRow>(
        {
          key: (e) => (e.data as { orderId: string }).orderId,
          fold: (row, e) => {
            const state = evolve(row?.state ?? initialState, { type: e.type, data: e.data } as EscrowEvent);
            if (!isKnown(state)) return row;
            // ON CONFLICT keeps the parties of the first write.
            if (!row)
              return {
                order_id: state.orderId,
                buyer_id: state.buyerId,
                seller_id: state.sellerId,
                status: state.status,
                settled: state.settled,
                releases: state.releases,
                version: e.streamVersion,
                state,
              };
            Object.assign(row, { status: state.status, settled: state.settled, releases: state.releases, version: e.streamVersion, state });
            return row;
          },
          ...jsonRows<EscrowTableRow>(t, 'order_id', ['order_id', 'buyer_id', 'seller_id', 'status', 'settled', 'releases', 'version', 'state']),
        },
        opts,
      ),
  };
};

interface EscrowTableRow {
  order_id: string;
  buyer_id: string;
  seller_id: string;
  status: string;
  settled: boolean;
  releases: number;
  version: number;
  state: EscrowState;
}

/**
 * The row for a state and its stream version. The command handler calls this once per command with
 * the state it already folded (instead of re-folding each event from the row): same result as
 * `apply` event by event, which is what a rebuild uses.
 */
export const writeEscrowRow = async (tx: PoolClient, schema: string, state: EscrowState, version: number): Promise<void> => {
  if (!isKnown(state)) return;
  await tx.query(
    `INSERT INTO ${table(schema, ESCROWS_TABLE)} (order_id, buyer_id, seller_id, status, settled, releases, version, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (order_id) DO UPDATE SET status = excluded.status, settled = excluded.settled,
       releases = excluded.releases, version = excluded.version, state = excluded.state`,
    [state.orderId, state.buyerId, state.sellerId, state.status, state.settled, state.releases, version, JSON.stringify(state)],
  );
};

export interface EscrowRow {
  state: KnownEscrow;
  version: number;
}

/** The order's row as readEscrow reads it, to send with a request's opening (see PrefetchRead). */
export const escrowRead = (schema: string, orderId: string): PrefetchRead => ({
  key: `${schema}.escrow ${orderId}`,
  query: { text: `SELECT state, version FROM ${table(schema, ESCROWS_TABLE)} WHERE order_id = $1`, values: [orderId] },
});

/** In a request's transaction, the row prefetched with its opening (escrowRead) answers at once. */
export const readEscrow = async (db: Pool | PoolClient, schema: string, orderId: string): Promise<EscrowRow | undefined> => {
  const read = escrowRead(schema, orderId);
  const { rows } = ((await takePrefetched(db, read.key)) ?? (await db.query<EscrowRow>(read.query))) as { rows: EscrowRow[] };
  return rows[0];
};
