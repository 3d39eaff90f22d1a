import type { EventEnvelope } from '@bp/contracts';
import { insertJsonRows, pageBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { EntriesPosted } from '../domain';
import { table } from './sql';
import { migrateEscrowTables } from '../migrations';

export const LEDGER_TABLE = 'ledger_entries';

/**
 * E1: one row per posting (never updated or deleted), the source of the seller balance and of the
 * SQL conservation check. A posting id seen twice fails the write (no ON CONFLICT): an event is
 * applied once (in its own command's transaction, or after a TRUNCATE on rebuild), so a repeat is a
 * ledger defect, which must stop the command or the replay rather than vanish from the SQL check. `seq` orders an order's postings as its stream did (stream version × 1000
 * + index in the event), which the running-balance checks need.
 */
export const ledgerEntriesProjection = (schema: string): Projection => {
  const t = table(schema, LEDGER_TABLE);
  return {
    name: 'ledger-entries',
    handles: ['EntriesPosted'],
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateEscrowTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      const { orderId, sellerId, entries } = event.data as EntriesPosted['data'];
      // One statement per event whatever the number of postings (unnest of parallel arrays).
      await tx.query(
        `INSERT INTO ${t} (entry_id, order_id, seller_id, seq, debit, credit, amount, currency, reason, at)
         SELECT e.entry_id, $1, $2, $3::bigint * 1000 + e.ord - 1, e.debit, e.credit, e.amount, e.currency, e.reason, e.at
         FROM unnest($4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[], $10::timestamptz[])
           WITH ORDINALITY AS e(entry_id, debit, credit, amount, currency, reason, at, ord)`,
        [
          orderId,
          sellerId,
          event.streamVersion,
          entries.map((e) => e.entryId),
          entries.map((e) => e.debit),
          entries.map((e) => e.credit),
          entries.map((e) => e.amount),
          entries.map((e) => e.currency),
          entries.map((e) => e.reason),
          entries.map((e) => e.at),
        ],
      );
    },
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: insert-only, so a page of events is one INSERT of all its postings.
    rebuildBatch: () => {
      const insert = insertJsonRows(t, ['entry_id', 'order_id', 'seller_id', 'seq', 'debit', 'credit', 'amount', 'currency', 'reason', 'at']);
      return pageBatch((tx, events) =>
        insert(
          tx,
          events.flatMap((event) => {
            const { orderId, sellerId, entries } = event.data as EntriesPosted['data'];
            return entries.map((e, i) => ({
              entry_id: e.entryId,
              order_id: orderId,
              seller_id: sellerId,
              seq: event.streamVersion * 1000 + i,
              debit: e.debit,
              credit: e.credit,
              amount: e.amount,
              currency: e.currency,
              reason: e.reason,
              at: e.at,
            }));
          }),
        ),
      );
    },
  };
};
