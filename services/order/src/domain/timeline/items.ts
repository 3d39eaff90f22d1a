// The timeline's items (pure): the order stream and the order's timeline stream (other services'
// events, see upstream.ts) merged by when each happened, then by their position in this service's
// log (a fact recorded in the same transaction as the order event it caused comes first). Each item
// names the service it came from; the fields of the order's own items are as they always were.
import type { Actor, EventEnvelope } from '@bp/contracts';
import type { UpstreamEventObservedData, UpstreamService } from './upstream';

export interface TimelineItem {
  service: 'order' | UpstreamService;
  /** The order's log event id; for another service's event its ce_id. */
  eventId: string;
  type: string;
  /** The order stream's version; null for another service's event (it never moves If-Match). */
  version: number | null;
  occurredAt: string;
  actor: Actor;
  correlationId: string | null;
  causationId: string | null;
  data: unknown;
  /** Only on another service's event: its CloudEvents type. */
  ceType?: string;
}

// The shipping address is shown in the order view to the parties; the timeline names the fact only.
const redact = (type: string, data: unknown): unknown => (type === 'ShippingAddressRecorded' ? { redacted: true } : data);

const ownItem = (e: EventEnvelope): TimelineItem => ({
  service: 'order',
  eventId: e.id,
  type: e.type,
  version: e.streamVersion,
  occurredAt: e.occurredAt,
  actor: e.actor,
  correlationId: e.correlationId,
  causationId: e.causationId,
  data: redact(e.type, e.data),
});

const observedItem = (e: EventEnvelope<UpstreamEventObservedData>): TimelineItem => ({
  service: e.data.source,
  eventId: e.data.eventId,
  type: e.data.type,
  version: null,
  occurredAt: e.data.occurredAt,
  actor: e.actor,
  correlationId: e.data.correlationId,
  causationId: e.data.causationId,
  data: redact(e.data.type, e.data.data),
  ceType: e.data.ceType,
});

/**
 * `position(logEventId)`: the event's position in this service's log (global order of appends).
 * Sorted by occurredAt, then log position; the sort is stable, so ties keep stream order.
 */
export const timelineItems = (
  own: readonly EventEnvelope[],
  observed: readonly EventEnvelope<UpstreamEventObservedData>[],
  position: (logEventId: string) => bigint,
): TimelineItem[] => {
  const keyed = [
    ...own.map((e) => ({ item: ownItem(e), at: Date.parse(e.occurredAt), pos: position(e.id) })),
    ...observed.map((e) => ({ item: observedItem(e), at: Date.parse(e.data.occurredAt), pos: position(e.id) })),
  ];
  keyed.sort((a, b) => a.at - b.at || (a.pos < b.pos ? -1 : a.pos > b.pos ? 1 : 0));
  return keyed.map((k) => k.item);
};
