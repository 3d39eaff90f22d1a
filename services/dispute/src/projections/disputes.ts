import type { EventEnvelope } from '@bp/contracts';
import { jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import { evolveDispute, initialDisputeState, queueItemOf, type DisputeEvent, type DisputeState } from '../domain';
import { disputePrivateEvents } from '../domain';
import { disputePublicEvents } from '@bp/contracts';
import { table } from './sql';
import { migrateDisputeTables } from '../migrations';

/**
 * One row per dispute: the folded state (what GET /disputes/{id} shows, without a stream read),
 * the order and parties (GET /disputes?orderId=, authorization), and the arbitration queue columns
 * (S1). The fold is the domain's own `evolveDispute`, so the row always equals a replay of the log.
 */
export const DISPUTES_TABLE = 'dispute_summaries';

// Every dispute event, thread entries included: `version` must be the stream's (ETag, If-Match).
const HANDLES = [...disputePublicEvents, ...disputePrivateEvents].map((d) => d.type);

export const disputesProjection = (schema: string): Projection => {
  const t = table(schema, DISPUTES_TABLE);
  return {
    name: 'dispute-summaries',
    handles: HANDLES,
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateDisputeTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      const data = event.data as { disputeId: string; orderId: string };
      const { rows } = await tx.query<{ state: DisputeState }>(`SELECT state FROM ${t} WHERE dispute_id = $1 FOR UPDATE`, [data.disputeId]);
      const state = evolveDispute(rows[0]?.state ?? initialDisputeState, { type: event.type, data: event.data } as DisputeEvent);
      const open = state.status === 'none' ? null : state;
      const q = queueItemOf(state);
      await tx.query(
        `INSERT INTO ${t} (dispute_id, order_id, buyer_id, seller_id, status, opened_at, version, state, queued, expedited, escalated_at, ruling_due_at, sla_breached)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (dispute_id) DO UPDATE SET buyer_id = excluded.buyer_id, seller_id = excluded.seller_id, status = excluded.status,
           opened_at = excluded.opened_at, version = excluded.version, state = excluded.state, queued = excluded.queued,
           expedited = excluded.expedited, escalated_at = excluded.escalated_at, ruling_due_at = excluded.ruling_due_at, sla_breached = excluded.sla_breached`,
        [
          data.disputeId,
          data.orderId,
          open?.buyerId ?? null,
          open?.sellerId ?? null,
          state.status,
          open?.openedAt ?? null,
          event.streamVersion,
          JSON.stringify(state),
          q !== null,
          q?.expedited ?? false,
          q?.escalatedAt ?? null,
          q?.rulingDueAt ?? null,
          q?.slaBreached ?? false,
        ],
      );
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: the same fold and columns as `apply`, the row held in memory between events.
    rebuildBatch: (opts) =>
      keyedBatch<SummaryRow>(
        {
          key: (e) => (e.data as { disputeId: string }).disputeId,
          fold: (row, e) => {
            const state = evolveDispute(row?.state ?? initialDisputeState, { type: e.type, data: e.data } as DisputeEvent);
            const open = state.status === 'none' ? null : state;
            const q = queueItemOf(state);
            return {
              dispute_id: (e.data as { disputeId: string }).disputeId,
              order_id: row ? row.order_id : (e.data as { orderId: string }).orderId, // ON CONFLICT keeps the first
              buyer_id: open?.buyerId ?? null,
              seller_id: open?.sellerId ?? null,
              status: state.status,
              opened_at: open?.openedAt ?? null,
              version: e.streamVersion,
              state,
              queued: q !== null,
              expedited: q?.expedited ?? false,
              escalated_at: q?.escalatedAt ?? null,
              ruling_due_at: q?.rulingDueAt ?? null,
              sla_breached: q?.slaBreached ?? false,
            };
          },
          ...jsonRows<SummaryRow>(t, 'dispute_id', SUMMARY_COLUMNS),
        },
        opts,
      ),
  };
};

const SUMMARY_COLUMNS = [
  'dispute_id',
  'order_id',
  'buyer_id',
  'seller_id',
  'status',
  'opened_at',
  'version',
  'state',
  'queued',
  'expedited',
  'escalated_at',
  'ruling_due_at',
  'sla_breached',
] as const;
type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], unknown> & { order_id: string; state: DisputeState };
