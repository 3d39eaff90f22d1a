import type { EventEnvelope, EventMetadata, EventRegistry } from '@bp/contracts';
import type { TraceCarrier } from '@bp/tracing';

/** The position of an event in the global log: the pair is the cursor (see read-all.ts). */
export type LogPosition = { txId: string /* xid8 as decimal string */; position: string /* global_position */ };
/** `trace`: the W3C trace context the event was appended in, when tracing was on (append.ts). */
export type StoredEvent<T = unknown> = EventEnvelope<T> & { position: LogPosition; trace?: TraceCarrier };

/** Before everything: no transaction id or position is below 0. */
export const START: LogPosition = Object.freeze({ txId: '0', position: '0' });

export interface EventRow {
  event_id: string;
  type: string;
  schema_version: number;
  stream_id: string;
  stream_version: number;
  occurred_at: string;
  metadata: EventMetadata & Partial<TraceCarrier>;
  data: unknown;
  tx_id: string;
  position: string;
}

/**
 * Registered types are upcast and validated on read (`trusted`: only upcast ones are validated, see
 * EventRegistry.decodeStored); private unregistered types pass through.
 */
export const decodeData = (registry: EventRegistry | undefined, type: string, version: number, data: unknown, trusted = false): unknown =>
  !registry?.has(type) ? data : trusted ? registry.decodeStored(type, version, data) : registry.decode(type, version, data);

export const rowToEnvelope = (row: EventRow, registry?: EventRegistry, trusted = false): EventEnvelope => ({
  id: row.event_id,
  type: row.type,
  schemaVersion: row.schema_version,
  streamId: row.stream_id,
  streamVersion: row.stream_version,
  occurredAt: row.occurred_at,
  correlationId: row.metadata.correlationId,
  causationId: row.metadata.causationId,
  actor: row.metadata.actor,
  data: decodeData(registry, row.type, row.schema_version, row.data, trusted),
});

const traceOf = ({ traceparent, tracestate }: EventRow['metadata']): TraceCarrier | undefined =>
  traceparent ? (tracestate ? { traceparent, tracestate } : { traceparent }) : undefined;

export const rowToStored = (row: EventRow, registry?: EventRegistry): StoredEvent => {
  const trace = traceOf(row.metadata);
  return { ...rowToEnvelope(row, registry), position: { txId: row.tx_id, position: row.position }, ...(trace ? { trace } : {}) };
};

export const comparePositions = (a: LogPosition, b: LogPosition): number => {
  const tx = BigInt(a.txId) - BigInt(b.txId);
  if (tx !== 0n) return tx < 0n ? -1 : 1;
  const p = BigInt(a.position) - BigInt(b.position);
  return p === 0n ? 0 : p < 0n ? -1 : 1;
};
