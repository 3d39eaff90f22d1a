import type { EventEnvelope } from '@bp/contracts';
import type { Pool, PoolClient } from 'pg';
import type { AppendHook } from './command-handler';
import { type EventRow, type LogPosition, START, rowToEnvelope } from './envelope';
import { EVENT_COLUMNS, ident } from './sql';
import type { EventStore } from './store';

/** A read model: tables of its own, fed event by event, rebuildable from the log. */
export interface Projection {
  name: string;
  migrate(db: Pool | PoolClient): Promise<void>;
  /** Event types it applies; others are never passed to `apply`. */
  handles: string[];
  apply(tx: PoolClient, event: EventEnvelope): Promise<void>;
  /** Empty its tables (TRUNCATE). */
  reset(tx: PoolClient): Promise<void>;
}

/** A command-handler hook applying each new event inside the command's transaction. */
export const inlineProjections = (projections: Projection[]): AppendHook<any> => {
  const byType = new Map<string, Projection[]>();
  for (const p of projections) for (const t of p.handles) byType.set(t, [...(byType.get(t) ?? []), p]);
  return async (tx, { events }) => {
    for (const event of events) for (const p of byType.get(event.type) ?? []) await p.apply(tx, event);
  };
};

/**
 * Reset + replay every event the projection handles, in (transaction id, position) order, in one
 * transaction. No xid horizon here, unlike readAll: in one transaction after `reset` has locked the
 * projection's tables, every committed event must be replayed (a writer whose inline hook would
 * touch those tables waits for this transaction and applies its events after it), and an unrelated
 * long transaction elsewhere must not hide committed events whose effects reset just erased.
 */
export const rebuildProjection = async (store: EventStore, projection: Projection, opts: { batchSize?: number } = {}): Promise<{ events: number }> => {
  const batchSize = opts.batchSize ?? 1000;
  const sql = `SELECT ${EVENT_COLUMNS} FROM ${ident(store.schema)}.events
    WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[])
    ORDER BY transaction_id, global_position LIMIT $4`;
  return store.withTransaction(async (tx) => {
    await projection.reset(tx);
    let after: LogPosition = START;
    let count = 0;
    for (;;) {
      const { rows } = await tx.query<EventRow>(sql, [after.txId, after.position, projection.handles, batchSize]);
      for (const row of rows) await projection.apply(tx, rowToEnvelope(row, store.registry));
      count += rows.length;
      const last = rows[rows.length - 1];
      if (!last || rows.length < batchSize) return { events: count };
      after = { txId: last.tx_id, position: last.position };
    }
  });
};
