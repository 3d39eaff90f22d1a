import type { EventEnvelope } from '@bp/contracts';
import { channelName, jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { EventOf } from '../domain';
import { table } from './sql';
import { migrateEscrowTables } from '../migrations';

export const REFUND_QUEUE_TABLE = 'refund_queue';

/**
 * The channel a schema's refund queue NOTIFYs when an attempt becomes due to send, and its
 * dispatchers LISTEN on (issue 18 item 5: no fast poll); undefined when the name would not fit in a
 * Postgres identifier (the dispatcher then only polls).
 */
export const refundChannel = (schema: string): string | undefined => channelName(`bp_refunds_${schema.toLowerCase()}`);

/**
 * E4: every refund and where its dispatch stands. `in_flight` rows are the dispatcher's work: the
 * current `attempt` must be sent to the provider. `claimed_until` is the dispatcher's lease (not
 * from the log: a rebuild clears it, which at worst re-sends an attempt the provider dedupes by
 * refund id).
 */
export const refundQueueProjection = (schema: string): Projection => {
  const t = table(schema, REFUND_QUEUE_TABLE);
  const channel = refundChannel(schema);
  /** The statement, and a NOTIFY (delivered at COMMIT) for each row it made due: no extra round trip. */
  const due = (tx: PoolClient, sql: string, params: unknown[]) =>
    channel
      ? tx.query(`WITH due AS (${sql} RETURNING refund_id) SELECT pg_notify($${params.length + 1}, refund_id) FROM due`, [...params, channel])
      : tx.query(sql, params);
  return {
    name: 'refund-queue',
    handles: ['RefundRequested', 'RefundAttemptFailed', 'RefundRetried', 'RefundCompleted'],
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateEscrowTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      switch (event.type) {
        case 'RefundRequested': {
          const d = event.data as EventOf<'RefundRequested'>['data'];
          await due(
            tx,
            `INSERT INTO ${t} (refund_id, order_id, amount, currency, status, attempt, requested_at)
             VALUES ($1, $2, $3, $4, 'in_flight', 1, $5) ON CONFLICT (refund_id) DO NOTHING`,
            [d.refundId, d.orderId, d.amount.amount, d.amount.currency, d.requestedAt],
          );
          return;
        }
        case 'RefundAttemptFailed': {
          const d = event.data as EventOf<'RefundAttemptFailed'>['data'];
          await tx.query(`UPDATE ${t} SET status = 'retry_scheduled', claimed_until = NULL WHERE refund_id = $1`, [d.refundId]);
          return;
        }
        case 'RefundRetried': {
          const d = event.data as EventOf<'RefundRetried'>['data'];
          await due(tx, `UPDATE ${t} SET status = 'in_flight', attempt = $2, claimed_until = NULL WHERE refund_id = $1`, [d.refundId, d.attempt]);
          return;
        }
        case 'RefundCompleted': {
          const d = event.data as EventOf<'RefundCompleted'>['data'];
          await tx.query(`UPDATE ${t} SET status = 'completed', claimed_until = NULL WHERE refund_id = $1`, [d.refundId]);
          return;
        }
      }
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: `apply`'s INSERT-if-absent / UPDATE-if-present in memory (claimed_until is always NULL after it).
    rebuildBatch: (opts) =>
      keyedBatch<RefundRow>(
        {
          key: (e) => (e.data as { refundId: string }).refundId,
          fold: (row, e) => {
            if (e.type === 'RefundRequested') {
              const d = e.data as EventOf<'RefundRequested'>['data'];
              return (
                row ?? {
                  refund_id: d.refundId,
                  order_id: d.orderId,
                  amount: d.amount.amount,
                  currency: d.amount.currency,
                  status: 'in_flight',
                  attempt: 1,
                  requested_at: d.requestedAt,
                  claimed_until: null,
                }
              );
            }
            if (!row) return row;
            if (e.type === 'RefundAttemptFailed') row.status = 'retry_scheduled';
            else if (e.type === 'RefundRetried') Object.assign(row, { status: 'in_flight', attempt: (e.data as EventOf<'RefundRetried'>['data']).attempt });
            else if (e.type === 'RefundCompleted') row.status = 'completed';
            row.claimed_until = null;
            return row;
          },
          ...jsonRows<RefundRow>(t, 'refund_id', ['refund_id', 'order_id', 'amount', 'currency', 'status', 'attempt', 'requested_at', 'claimed_until']),
        },
        opts,
      ),
  };
};

interface RefundRow {
  refund_id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: string;
  attempt: number;
  requested_at: string;
  claimed_until: null;
}
