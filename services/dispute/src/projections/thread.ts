import type { EventEnvelope } from '@bp/contracts';
import { insertJsonRows, pageBatch, type Projection } from '@bp/eventstore';
import type { Pool, PoolClient } from 'pg';
import type { ThreadEntry } from '../domain';
import { table } from './sql';
import { migrateDisputeTables } from '../migrations';

/**
 * D3: the dispute thread, one row per hash-chained entry. Views read the thread from here and run
 * verifyChain over it, so an entry edited in place (a tampered copy, a bad restore) shows as
 * `chainVerified: false` instead of being served as if it were what the parties wrote.
 */
export const THREAD_TABLE = 'dispute_thread';

const rowOf = (e: EventEnvelope) => {
  const { disputeId, entry } = e.data as { disputeId: string; entry: ThreadEntry };
  return { dispute_id: disputeId, seq: entry.seq, entry };
};

export const threadProjection = (schema: string): Projection => {
  const t = table(schema, THREAD_TABLE);
  const insert = insertJsonRows(t, ['dispute_id', 'seq', 'entry']);
  return {
    name: 'dispute-thread',
    handles: ['ThreadEntryAdded'],
    // The tables are the service's versioned migrations (../migrations), run whole.
    migrate: (db) => migrateDisputeTables(db, schema),
    async apply(tx: PoolClient, event: EventEnvelope) {
      const { disputeId, entry } = event.data as { disputeId: string; entry: ThreadEntry };
      await tx.query(`INSERT INTO ${t} (dispute_id, seq, entry) VALUES ($1, $2, $3)`, [disputeId, entry.seq, JSON.stringify(entry)]);
    },
    // A command's entries in one statement, sent at once: a read sent right behind it sees them all
    // (the dispute handler reads the thread back in the command's round trip).
    applyMany: (tx: PoolClient, events: EventEnvelope[]) => insert(tx, events.map(rowOf)),
    async reset(tx: PoolClient) {
      await tx.query(`TRUNCATE ${t}`);
    },
    // Rebuild: insert-only, one INSERT per page (a duplicate fails it as it fails `apply`).
    rebuildBatch: () => pageBatch((tx, events) => insert(tx, events.map(rowOf))),
  };
};

export const readThread = async (db: Pool | PoolClient, schema: string, disputeId: string): Promise<ThreadEntry[]> => {
  const { rows } = await db.query<{ entry: ThreadEntry }>(`SELECT entry FROM ${table(schema, THREAD_TABLE)} WHERE dispute_id = $1 ORDER BY seq`, [disputeId]);
  return rows.map((r) => r.entry);
};
