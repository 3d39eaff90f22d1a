import type { EventRegistry } from '@bp/contracts';
import type { Pool, PoolClient } from 'pg';
import { type EventRow, type LogPosition, type StoredEvent, comparePositions, rowToStored } from './envelope';
import { EVENT_COLUMNS, ident, statementName } from './sql';

export interface ReadAllOptions {
  after: LogPosition;
  limit: number;
  /** Only these event types. The cursor still advances past the others (see below). */
  types?: string[];
  /**
   * Also tell whether matching events after the cursor have committed but are still held back by
   * the horizon (an older transaction is still running): a caller woken by a commit then knows to
   * look again in a moment rather than at its next poll.
   */
  held?: boolean;
}

export interface ReadAllResult {
  events: StoredEvent[];
  position: LogPosition;
  /** Only when asked (ReadAllOptions.held): committed matching events wait behind the horizon. */
  held?: boolean;
}

/**
 * Gap-safe read of the global log in (transaction id, position) order.
 *
 * A bigserial position is taken at INSERT but visible at COMMIT, so `position > last` skips an
 * event whose transaction commits after a later one. Here a row is returned only when its
 * transaction id is below the snapshot's xmin: every transaction below xmin has ended, so nothing
 * can still appear before the rows returned. The cursor is the PAIR (resuming from the position
 * alone is how emmett 0.42 loses events: a later transaction can hold a smaller position).
 *
 * `tail` (same statement, same snapshot) is the last visible pair of any type: when a filtered page
 * comes back short, the cursor moves there, so a relay filtering rare types does not rescan the
 * same unrelated events on every poll.
 */
const readAllSql = (s: string, filtered: boolean, held: boolean) => `
WITH h AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
page AS (
  SELECT ${EVENT_COLUMNS} FROM ${s}.events e, h
  WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint) AND e.transaction_id < h.xmin
  ${filtered ? 'AND e.type = ANY($4::text[])' : ''}
  ORDER BY e.transaction_id, e.global_position
  LIMIT $3
)
SELECT *, false AS is_tail FROM page
${
  filtered
    ? `UNION ALL (
  SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, e.transaction_id::text, e.global_position::text, true
  FROM ${s}.events e, h WHERE e.transaction_id < h.xmin
  ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1)`
    : ''
}
${
  held
    ? `UNION ALL
  SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM h
  WHERE EXISTS (SELECT 1 FROM ${s}.events e
    WHERE e.transaction_id >= h.xmin AND (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
    ${filtered ? 'AND e.type = ANY($4::text[])' : ''})`
    : ''
}`;

export const readAllEvents = async (
  db: Pool | PoolClient,
  schema: string,
  registry: EventRegistry | undefined,
  opts: ReadAllOptions,
): Promise<ReadAllResult> => {
  if (!Number.isInteger(opts.limit) || opts.limit < 1) throw new Error(`invalid limit ${opts.limit}`);
  const filtered = opts.types !== undefined;
  const params: unknown[] = [opts.after.txId, opts.after.position, opts.limit];
  if (filtered) params.push(opts.types);
  // Every relay poll and page runs it: a named statement is parsed and planned once per connection.
  const text = readAllSql(ident(schema), filtered, opts.held === true);
  const { rows } = await db.query<EventRow & { is_tail: boolean | null }>({ name: statementName(text), text, values: params });
  const events: StoredEvent[] = [];
  let tail: LogPosition | undefined;
  let held = false;
  for (const row of rows) {
    if (row.is_tail === null)
      held = true; // the horizon row: only is_tail is NULL
    else if (row.is_tail) tail = { txId: row.tx_id, position: row.position };
    else events.push(rowToStored(row, registry));
  }
  const last = events[events.length - 1]?.position ?? opts.after;
  // Short page: every visible matching event up to `tail` was returned, so skipping to it is safe.
  const position = tail && events.length < opts.limit && comparePositions(tail, last) > 0 ? tail : last;
  return opts.held ? { events, position, held } : { events, position };
};
