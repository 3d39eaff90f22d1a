// The orders read model behind GET /orders (lists by buyer or seller, filtered by status, newest
// first). One row per order, fed inline by the order command's transaction and rebuildable from the
// log (`npm run ops -- replay order`). Single-order reads do not use it: they fold the stream, which
// is short and always consistent.
import type { EventEnvelope } from '@bp/contracts';
import { jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { BuyerStatus } from '../domain/order';
import { migrateOrderTables } from '../migrations';

const table = (schema: string) => `"${schema}".orders_list`;

type Data = Record<string, unknown> & { orderId: string };

/** Each handled event as the row change it makes (status values are O1's, as the view shows them). */
const changes: Record<string, (d: Data) => { status?: BuyerStatus; disputeOpen?: boolean; at?: unknown }> = {
  OrderPaid: (d) => ({ status: 'awaiting_shipment', at: d.paidAt }),
  OrderShipped: (d) => ({ status: 'shipped', at: d.shippedAt }),
  OrderDelivered: () => ({ status: 'delivered' }),
  ProtectionSuspended: () => ({ disputeOpen: true }),
  ProtectionResumed: () => ({ disputeOpen: false }),
  OrderCompleted: (d) => ({ status: 'completed', disputeOpen: false, at: d.completedAt }),
  OrderCancelled: (d) => ({ status: 'closed', at: d.cancelledAt }),
  OrderClosed: (d) => ({ status: 'closed', disputeOpen: false, at: d.closedAt }),
};

export const ordersListProjection = (schema: string): Projection => ({
  name: 'orders_list',
  handles: ['OrderPlaced', ...Object.keys(changes)],
  // The tables are the service's versioned migrations (../migrations), run whole.
  migrate: (db) => migrateOrderTables(db, schema),
  apply: async (tx: PoolClient, e: EventEnvelope) => {
    const d = e.data as Data;
    if (e.type === 'OrderPlaced') {
      const p = d as Data & { buyerId: string; sellerId: string; total: { amount: number; currency: string }; items: unknown[]; placedAt: string };
      await tx.query(
        `INSERT INTO ${table(schema)} (order_id, buyer_id, seller_id, status, total_amount, currency, item_count, placed_at, updated_at)
         VALUES ($1, $2, $3, 'awaiting_payment', $4, $5, $6, $7, $7) ON CONFLICT (order_id) DO NOTHING`,
        [p.orderId, p.buyerId, p.sellerId, p.total.amount, p.total.currency, p.items.length, p.placedAt],
      );
      return;
    }
    const c = changes[e.type]?.(d);
    if (!c) return;
    await tx.query(
      `UPDATE ${table(schema)} SET status = coalesce($2, status), dispute_open = coalesce($3, dispute_open),
         updated_at = coalesce($4::timestamptz, $5::timestamptz)
       WHERE order_id = $1`,
      [d.orderId, c.status ?? null, c.disputeOpen ?? null, typeof c.at === 'string' ? c.at : null, e.occurredAt],
    );
  },
  reset: async (tx: PoolClient) => void (await tx.query(`TRUNCATE ${table(schema)}`)),
  // Rebuild: the same INSERT-if-absent / UPDATE-if-present as `apply`, folded in memory.
  rebuildBatch: (opts) =>
    keyedBatch<ListRow>(
      {
        key: (e) => (e.data as Data).orderId,
        fold: (row, e) => {
          const d = e.data as Data;
          if (e.type === 'OrderPlaced') {
            if (row) return row;
            const p = d as Data & { buyerId: string; sellerId: string; total: { amount: number; currency: string }; items: unknown[]; placedAt: string };
            return {
              order_id: p.orderId,
              buyer_id: p.buyerId,
              seller_id: p.sellerId,
              status: 'awaiting_payment',
              dispute_open: false,
              total_amount: p.total.amount,
              currency: p.total.currency,
              item_count: p.items.length,
              placed_at: p.placedAt,
              updated_at: p.placedAt,
            };
          }
          const c = changes[e.type]?.(d);
          if (!c || !row) return row;
          if (c.status !== undefined) row.status = c.status;
          if (c.disputeOpen !== undefined) row.dispute_open = c.disputeOpen;
          row.updated_at = typeof c.at === 'string' ? c.at : e.occurredAt;
          return row;
        },
        ...jsonRows<ListRow>(table(schema), 'order_id', LIST_COLUMNS),
      },
      opts,
    ),
});

/** A row as the rebuild holds it: columns by name, timestamps as text (cast on write like `apply`'s parameters). */
type ListRow = Record<(typeof LIST_COLUMNS)[number], unknown> & { status: BuyerStatus; dispute_open: boolean; updated_at: string };
const LIST_COLUMNS = [
  'order_id',
  'buyer_id',
  'seller_id',
  'status',
  'dispute_open',
  'total_amount',
  'currency',
  'item_count',
  'placed_at',
  'updated_at',
] as const;

export interface OrderListItem {
  orderId: string;
  buyerId: string;
  sellerId: string;
  status: BuyerStatus;
  disputeOpen: boolean;
  total: { amount: number; currency: string };
  itemCount: number;
  placedAt: string;
  updatedAt: string;
}

export interface ListQuery {
  party: 'buyer' | 'seller';
  partyId: string;
  status?: BuyerStatus | undefined;
  limit: number;
  /** The last item of the previous page. */
  after?: { placedAt: string; orderId: string } | undefined;
}

interface Row {
  order_id: string;
  buyer_id: string;
  seller_id: string;
  status: BuyerStatus;
  dispute_open: boolean;
  total_amount: string;
  currency: string;
  item_count: number;
  placed_at: Date;
  updated_at: Date;
}

/** One page, newest first; `hasMore` says whether another page follows. */
export const listOrders = async (db: Pool, schema: string, q: ListQuery): Promise<{ items: OrderListItem[]; hasMore: boolean }> => {
  const column = q.party === 'buyer' ? 'buyer_id' : 'seller_id';
  const params: unknown[] = [q.partyId, q.limit + 1];
  const where = [`${column} = $1`];
  if (q.status) where.push(`status = $${params.push(q.status)}`);
  if (q.after) where.push(`(placed_at, order_id) < ($${params.push(q.after.placedAt)}::timestamptz, $${params.push(q.after.orderId)})`);
  const { rows } = await db.query<Row>(`SELECT * FROM ${table(schema)} WHERE ${where.join(' AND ')} ORDER BY placed_at DESC, order_id DESC LIMIT $2`, params);
  const items = rows.slice(0, q.limit).map((r) => ({
    orderId: r.order_id,
    buyerId: r.buyer_id,
    sellerId: r.seller_id,
    status: r.status,
    disputeOpen: r.dispute_open,
    total: { amount: Number(r.total_amount), currency: r.currency },
    itemCount: r.item_count,
    placedAt: r.placed_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
  return { items, hasMore: rows.length > q.limit };
};
