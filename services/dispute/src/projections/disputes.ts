import type { EventEnvelope } from '@bp/contracts';
import { isPipelined, jsonRows, keyedBatch, type Projection } from '@bp/eventstore';
import type { PolicySnapshot } from '@bp/timers';
import type { PoolClient } from 'pg';
import { evolveDispute, initialDisputeState, queueItemOf, type DisputeEvent, type DisputeState } from '../domain';
import { disputePrivateEvents } from '../domain';
import { disputePublicEvents } from '@bp/contracts';
import { table } from './sql';
import { migrateDisputeTables } from '../migrations';
import { fullStateSql, POLICY_SNAPSHOTS_TABLE, policyHash, policyOf, withoutPolicy, withPolicy, writeSnapshots } from './policy-snapshots';

/**
 * One row per dispute: the folded state (what GET /disputes/{id} shows, without a stream read),
 * the order and parties (GET /disputes?orderId=, authorization), and the arbitration queue columns
 * (S1). The fold is the domain's own `evolveDispute`, so the row always equals a replay of the log.
 * The state's policy snapshot is stored apart, once per content (./policy-snapshots): readers join
 * it back (`fullStateSql`).
 */
export const DISPUTES_TABLE = 'dispute_summaries';

// Every dispute event, thread entries included: `version` must be the stream's (ETag, If-Match).
const HANDLES = [...disputePublicEvents, ...disputePrivateEvents].map((d) => d.type);

export const disputesProjection = (schema: string): Projection => {
  const t = table(schema, DISPUTES_TABLE);
  const snapshots = table(schema, POLICY_SNAPSHOTS_TABLE);
  /** One dispute's events, in log order: its row read once, folded, written once. */
  const applyToDispute = async (tx: PoolClient, events: EventEnvelope[]) => {
    const last = events[events.length - 1]!;
    const data = last.data as { disputeId: string; orderId: string };
    const { rows } = await tx.query<{ state: DisputeState; policy_hash: string | null; policy: PolicySnapshot | null }>(
      `SELECT d.state, d.policy_hash, p.policy FROM ${t} d LEFT JOIN ${snapshots} p ON p.hash = d.policy_hash WHERE d.dispute_id = $1 FOR UPDATE OF d`,
      [data.disputeId],
    );
    const row = rows[0];
    const state = events.reduce(
      (s, e) => evolveDispute(s, { type: e.type, data: e.data } as DisputeEvent),
      row ? withPolicy(row.state, row.policy) : initialDisputeState,
    );
    const policy = policyOf(state);
    // The snapshot changes only when terms are recorded; the one joined is already stored.
    const kept = policy !== undefined && policy === row?.policy;
    const hash = policy === undefined ? null : kept ? row!.policy_hash : policyHash(policy);
    // Sent, not awaited: on a pipelined connection the row goes out behind it in the same round trip.
    const snapshotWritten = policy && hash && !kept ? writeSnapshots(tx, snapshots, new Map([[hash, policy]])) : undefined;
    if (!isPipelined(tx)) await snapshotWritten;
    const open = state.status === 'none' ? null : state;
    const q = queueItemOf(state);
    const rowWritten = tx.query(
      `INSERT INTO ${t} (dispute_id, order_id, buyer_id, seller_id, status, opened_at, version, state, policy_hash, queued, expedited, escalated_at, ruling_due_at, sla_breached)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (dispute_id) DO UPDATE SET buyer_id = excluded.buyer_id, seller_id = excluded.seller_id, status = excluded.status,
           opened_at = excluded.opened_at, version = excluded.version, state = excluded.state, policy_hash = excluded.policy_hash, queued = excluded.queued,
           expedited = excluded.expedited, escalated_at = excluded.escalated_at, ruling_due_at = excluded.ruling_due_at, sla_breached = excluded.sla_breached`,
      [
        data.disputeId,
        data.orderId,
        open?.buyerId ?? null,
        open?.sellerId ?? null,
        state.status,
        open?.openedAt ?? null,
        last.streamVersion,
        JSON.stringify(withoutPolicy(state)),
        hash,
        q !== null,
        q?.expedited ?? false,
        q?.escalatedAt ?? null,
        q?.rulingDueAt ?? null,
        q?.slaBreached ?? false,
      ],
    );
    // Both answered; a failed snapshot is the cause of the row's failure, so its error comes first.
    await Promise.all([snapshotWritten, rowWritten]);
  };
  return {
    name: 'dispute-summaries',
    handles: HANDLES,
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateDisputeTables(db, schema),
    apply: (tx: PoolClient, event: EventEnvelope) => applyToDispute(tx, [event]),
    // A command's events (an opening records three) are folded into the row in one read and one write.
    async applyMany(tx: PoolClient, events: EventEnvelope[]) {
      const byDispute = new Map<string, EventEnvelope[]>();
      for (const e of events) {
        const id = (e.data as { disputeId: string }).disputeId;
        byDispute.set(id, [...(byDispute.get(id) ?? []), e]);
      }
      for (const list of byDispute.values()) await applyToDispute(tx, list);
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}, ${snapshots}`);
    },
    // Rebuild: the same fold and columns as `apply`, the row held in memory between events.
    rebuildBatch: (opts) => {
      // Each distinct snapshot is hashed and written once per rebuild (keyed by its text as decoded).
      const hashes = new Map<string, string>();
      const unwritten = new Map<string, PolicySnapshot>();
      const hashOf = (policy: PolicySnapshot): string => {
        const text = JSON.stringify(policy);
        let hash = hashes.get(text);
        if (hash === undefined) {
          hash = policyHash(policy);
          hashes.set(text, hash);
          unwritten.set(hash, policy);
        }
        return hash;
      };
      const rows = jsonRows<StoredRow>(t, 'dispute_id', SUMMARY_COLUMNS);
      const columns = SUMMARY_COLUMNS.map((c) => (c === 'state' ? `${fullStateSql('d', 'p')} AS state` : `d.${c}`)).join(', ');
      return keyedBatch<SummaryRow>(
        {
          key: (e) => (e.data as { disputeId: string }).disputeId,
          fold: (row, e) => {
            const state = evolveDispute(row?.state ?? initialDisputeState, { type: e.type, data: e.data } as DisputeEvent);
            const open = state.status === 'none' ? null : state;
            const q = queueItemOf(state);
            const policy = policyOf(state);
            return {
              dispute_id: (e.data as { disputeId: string }).disputeId,
              order_id: row ? row.order_id : (e.data as { orderId: string }).orderId, // ON CONFLICT keeps the first
              buyer_id: open?.buyerId ?? null,
              seller_id: open?.sellerId ?? null,
              status: state.status,
              opened_at: open?.openedAt ?? null,
              version: e.streamVersion,
              state,
              policy_hash: policy === undefined ? null : row && policy === policyOf(row.state) ? row.policy_hash : hashOf(policy),
              queued: q !== null,
              expedited: q?.expedited ?? false,
              escalated_at: q?.escalatedAt ?? null,
              ruling_due_at: q?.rulingDueAt ?? null,
              sla_breached: q?.slaBreached ?? false,
            };
          },
          // Spilled rows come back whole (snapshot joined), as the fold holds them.
          load: async (tx, keys) => {
            const { rows: loaded } = await tx.query<{ r: SummaryRow }>(
              `SELECT row_to_json(r) AS r FROM (SELECT ${columns} FROM ${t} d LEFT JOIN ${snapshots} p ON p.hash = d.policy_hash
               WHERE d.dispute_id = ANY($1::text[])) r`,
              [keys],
            );
            return new Map(loaded.map(({ r }) => [r.dispute_id, r]));
          },
          write: async (tx, held) => {
            await writeSnapshots(tx, snapshots, unwritten);
            unwritten.clear();
            await rows.write(
              tx,
              held.map((r) => ({ ...r, state: withoutPolicy(r.state) })),
            );
          },
        },
        opts,
      );
    },
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
  'policy_hash',
  'queued',
  'expedited',
  'escalated_at',
  'ruling_due_at',
  'sla_breached',
] as const;
/** The fold's row: the columns, `state` whole (the snapshot is left out only when written). */
type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], unknown> & { dispute_id: string; order_id: string; state: DisputeState; policy_hash: string | null };
type StoredRow = Omit<SummaryRow, 'state'> & { state: unknown };
