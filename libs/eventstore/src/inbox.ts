import type { PoolClient } from 'pg';
import { ident } from './sql';

export interface InboxEntry {
  eventId: string;
  source: string;
}

/**
 * Records consumed event ids in the transaction of their effects, in one statement; true at each
 * index whose event is new (false = already seen: skip its effect; a concurrent duplicate waits on
 * the first transaction's row and sees false once it commits). An id listed twice is new at its
 * first place only (a redelivered record in the same batch).
 * Sent at once: on a pipelined connection it shares a round trip with the caller's BEGIN.
 */
export const recordInboxMany = (tx: PoolClient, schema: string, entries: readonly InboxEntry[]): Promise<boolean[]> => {
  const sent = tx.query<{ event_id: string }>(
    `INSERT INTO ${ident(schema)}.inbox (event_id, source) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT (event_id) DO NOTHING RETURNING event_id::text`,
    [entries.map((e) => e.eventId), entries.map((e) => e.source)],
  );
  return sent.then(({ rows }) => {
    const inserted = new Set(rows.map((r) => r.event_id));
    return entries.map((e) => inserted.delete(e.eventId.toLowerCase()));
  });
};

/** Takes back inbox rows this transaction recorded for events it then did not apply. */
export const forgetInbox = (tx: PoolClient, schema: string, eventIds: readonly string[]): Promise<unknown> =>
  tx.query(`DELETE FROM ${ident(schema)}.inbox WHERE event_id = ANY($1::uuid[])`, [eventIds]);
