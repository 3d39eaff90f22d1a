// Consumed events that need their order's facts before OrderPlaced has been seen are PARKED, not
// retried in place (the same pattern as escrow's parked_commands).
//
// Why not a retryable error: the consumer retries a message a few times within seconds and then
// dead-letters it, but topics are consumed independently and the gap can be minutes under load, so
// the notices were lost. Parking writes the event in the consumer's inbox transaction (neither lost
// nor applied twice: a redelivery is a duplicate in the inbox), and OrderPlaced replays the order's
// parked events in ITS transaction, in the order they were received, deleting them as it goes.
//
// Why this table is not a projection (`ops replay` leaves it alone): it is not derived from the
// service's log but from consumed messages, like the inbox. Rebuilding it from the log is
// impossible (the log never saw a parked event) and pointless: a row only lives until its
// OrderPlaced, and the effects of a replayed event are in the log (notices, reminders, deliveries).
import type { IncomingEvent } from '@bp/messaging';
import type { ClientBase, Pool, PoolClient } from 'pg';
import { migrateNotificationTables } from '../migrations';

export const PARKED_TABLE = 'parked_events';
const table = (schema: string) => `"${schema}".${PARKED_TABLE}`;

/** The parking table is one of the service's versioned migrations (../migrations). */
export const migrateParking = (db: Pool | ClientBase, schema: string): Promise<void> => migrateNotificationTables(db, schema);

export interface ParkedRow {
  id: string;
  event_id: string;
  ce_type: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
  correlation_id: string | null;
  causation_id: string | null;
  topic: string;
  partition: number;
  kafka_offset: string;
}

/** The event as it was consumed, from its parked row. */
export const eventOfRow = (r: ParkedRow): IncomingEvent => ({
  id: r.event_id,
  ceType: r.ce_type,
  type: r.type,
  source: r.source,
  subject: r.subject,
  time: r.time,
  data: r.data,
  correlationId: r.correlation_id,
  causationId: r.causation_id,
  topic: r.topic,
  partition: r.partition,
  offset: r.kafka_offset,
});

/**
 * Serialises, per order, "no facts yet, park" against "facts recorded, replay the parked": without
 * it an event could read "no facts" before a concurrent OrderPlaced commits and park itself after
 * that OrderPlaced's replay, stranded. Held until commit; READ COMMITTED re-reads see the winner.
 */
export const lockOrder = async (tx: PoolClient, schema: string, orderId: string): Promise<void> => {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`${schema}:${PARKED_TABLE}:${orderId}`]);
};

export const park = async (tx: PoolClient, schema: string, orderId: string, e: IncomingEvent, receivedAt: string): Promise<void> => {
  // ON CONFLICT: the inbox already dedupes redeliveries; this only keeps a replayed copy harmless.
  await tx.query(
    `INSERT INTO ${table(schema)} (order_id, event_id, ce_type, type, source, subject, time, data, correlation_id, causation_id, topic, partition, kafka_offset, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (event_id) DO NOTHING`,
    [
      orderId,
      e.id,
      e.ceType,
      e.type,
      e.source,
      e.subject,
      e.time,
      JSON.stringify(e.data),
      e.correlationId,
      e.causationId,
      e.topic,
      e.partition,
      e.offset,
      receivedAt,
    ],
  );
};

/** Removes and returns an order's parked events, in the order they were received. */
export const unpark = async (tx: PoolClient, schema: string, orderId: string): Promise<IncomingEvent[]> => {
  const { rows } = await tx.query<ParkedRow>(
    `DELETE FROM ${table(schema)} WHERE order_id = $1
     RETURNING id, event_id, ce_type, type, source, subject, time, data, correlation_id, causation_id, topic, partition, kafka_offset`,
    [orderId],
  );
  // DELETE … RETURNING has no ORDER BY: sort by the sequence, which is the order of parking.
  return rows.sort((a, b) => Number(a.id) - Number(b.id)).map(eventOfRow);
};

export const parkedCount = async (db: { query(sql: string): Promise<{ rows: { n: number }[] }> }, schema: string): Promise<number> =>
  (await db.query(`SELECT count(*)::int AS n FROM ${table(schema)}`)).rows[0]?.n ?? 0;
