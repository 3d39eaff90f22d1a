import type { Pool, PoolClient } from 'pg';
import type { DisputeState, QueueItem } from '../domain';
import { DISPUTES_TABLE } from './disputes';
import { fullStateSql, POLICY_SNAPSHOTS_TABLE } from './policy-snapshots';
import { table } from './sql';

type Db = Pool | PoolClient;

export interface DisputeSummary {
  disputeId: string;
  orderId: string;
  buyerId: string | null;
  sellerId: string | null;
  version: number;
  state: DisputeState;
}

interface SummaryRow {
  dispute_id: string;
  order_id: string;
  buyer_id: string | null;
  seller_id: string | null;
  version: number;
  state: DisputeState;
  opened_at: Date | null;
}

/** The summary columns, the state whole (its policy snapshot joined back). */
const summaryFrom = (schema: string): string =>
  `SELECT dispute_id, order_id, buyer_id, seller_id, version, ${fullStateSql('d', 'p')} AS state, opened_at
   FROM ${table(schema, DISPUTES_TABLE)} d LEFT JOIN ${table(schema, POLICY_SNAPSHOTS_TABLE)} p ON p.hash = d.policy_hash`;

const toSummary = (r: SummaryRow): DisputeSummary => ({
  disputeId: r.dispute_id,
  orderId: r.order_id,
  buyerId: r.buyer_id,
  sellerId: r.seller_id,
  version: r.version,
  state: r.state,
});

export const getDispute = async (db: Db, schema: string, disputeId: string): Promise<DisputeSummary | null> => {
  const { rows } = await db.query<SummaryRow>(`${summaryFrom(schema)} WHERE dispute_id = $1 AND status <> 'none'`, [disputeId]);
  return rows[0] ? toSummary(rows[0]) : null;
};

/** Who may see which disputes: parties their own, agents all (API.md: others are told nothing). */
export type Visibility = { role: 'agent' } | { role: 'buyer' | 'seller'; id: string };

export interface ListPosition {
  openedAt: string;
  disputeId: string;
}

/** GET /disputes?orderId=: oldest first, keyset-paginated on (opened_at, dispute_id). */
export const listDisputes = async (
  db: Db,
  schema: string,
  o: { orderId?: string; who: Visibility; limit: number; after?: ListPosition },
): Promise<{ items: DisputeSummary[]; last: ListPosition | null; more: boolean }> => {
  const where = [`status <> 'none'`];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    params.push(...values);
    where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${params.length - values.length + Number(n)}`));
  };
  if (o.orderId !== undefined) add('order_id = $1', o.orderId);
  if (o.who.role === 'buyer') add('buyer_id = $1', o.who.id);
  if (o.who.role === 'seller') add('seller_id = $1', o.who.id);
  if (o.after) add('(opened_at, dispute_id) > ($1::timestamptz, $2)', o.after.openedAt, o.after.disputeId);
  params.push(o.limit + 1);
  const { rows } = await db.query<SummaryRow>(
    `${summaryFrom(schema)}
     WHERE ${where.join(' AND ')} ORDER BY opened_at, dispute_id LIMIT $${params.length}`,
    params,
  );
  const page = rows.slice(0, o.limit);
  const tail = page[page.length - 1];
  return {
    items: page.map(toSummary),
    last: tail ? { openedAt: tail.opened_at!.toISOString(), disputeId: tail.dispute_id } : null,
    more: rows.length > o.limit,
  };
};

export interface QueuePosition {
  expedited: boolean;
  rulingDueAt: string;
  escalatedAt: string;
  disputeId: string;
}

export interface QueueQuery {
  expedited?: boolean;
  status?: QueueItem['status'];
  slaBreached?: boolean;
  limit: number;
  after?: QueuePosition;
}

interface QueueRow {
  dispute_id: string;
  order_id: string;
  status: QueueItem['status'];
  expedited: boolean;
  escalated_at: Date;
  ruling_due_at: Date;
  sla_breached: boolean;
}

/**
 * S1: the arbitration queue, in the order of the domain's `compareQueueItems` (A4/expedited first,
 * then the nearest ruling deadline, then the oldest escalation, then the id), keyset-paginated.
 */
export const queuePage = async (db: Db, schema: string, q: QueueQuery): Promise<{ items: QueueItem[]; last: QueuePosition | null; more: boolean }> => {
  const where = ['queued'];
  const params: unknown[] = [];
  const add = (sql: string, ...values: unknown[]) => {
    params.push(...values);
    where.push(sql.replace(/\$(\d)/g, (_, n: string) => `$${params.length - values.length + Number(n)}`));
  };
  if (q.expedited !== undefined) add('expedited = $1', q.expedited);
  if (q.status !== undefined) add('status = $1', q.status);
  if (q.slaBreached !== undefined) add('sla_breached = $1', q.slaBreached);
  if (q.after) {
    const a = q.after;
    add(
      '((NOT expedited), ruling_due_at, escalated_at, dispute_id) > ($1::boolean, $2::timestamptz, $3::timestamptz, $4)',
      !a.expedited,
      a.rulingDueAt,
      a.escalatedAt,
      a.disputeId,
    );
  }
  params.push(q.limit + 1);
  const { rows } = await db.query<QueueRow>(
    `SELECT dispute_id, order_id, status, expedited, escalated_at, ruling_due_at, sla_breached FROM ${table(schema, DISPUTES_TABLE)}
     WHERE ${where.join(' AND ')} ORDER BY (NOT expedited), ruling_due_at, escalated_at, dispute_id LIMIT $${params.length}`,
    params,
  );
  const items: QueueItem[] = rows.slice(0, q.limit).map((r) => ({
    disputeId: r.dispute_id,
    orderId: r.order_id,
    status: r.status,
    expedited: r.expedited,
    escalatedAt: r.escalated_at.toISOString(),
    rulingDueAt: r.ruling_due_at.toISOString(),
    slaBreached: r.sla_breached,
  }));
  const tail = items[items.length - 1];
  return {
    items,
    last: tail ? { expedited: tail.expedited, rulingDueAt: tail.rulingDueAt, escalatedAt: tail.escalatedAt, disputeId: tail.disputeId } : null,
    more: rows.length > q.limit,
  };
};
