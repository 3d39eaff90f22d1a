// The order's timeline across services (API.md: GET /orders/{id}/timeline, "the order's events from
// every service, in order"). Services talk only over Kafka, so the order service keeps its OWN copy:
// every public escrow.v1 / disputes.v1 event about an order (also those the order lifecycle ignores)
// is recorded as the private UpstreamEventObserved in a separate stream per order (`timeline-<id>`),
// so the order stream's versions and If-Match never move because of it and the timeline is
// rebuildable from this service's log. Public events carry no personal data (conventions), so their
// data is kept as published. Idempotent by the upstream event id: a second record is a no-op.
import { z } from 'zod';
import { defineEvent, type Actor } from '@bp/contracts';
import type { Decider } from '@bp/eventstore';

/** The service that published the observed event (escrow.v1 -> escrow, disputes.v1 -> dispute). */
export const UpstreamService = z.enum(['escrow', 'dispute']);
export type UpstreamService = z.infer<typeof UpstreamService>;

export const UpstreamEventObservedData = z.object({
  orderId: z.string().min(1),
  source: UpstreamService,
  /** The upstream domain type (e.g. `PaymentCaptured`) and its CloudEvents type. */
  type: z.string().min(1),
  ceType: z.string().min(1),
  /** ce_id: the dedupe key. */
  eventId: z.string().min(1),
  /** ce_time: when it happened at the producer. */
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).nullable(),
  causationId: z.string().min(1).nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type UpstreamEventObservedData = z.infer<typeof UpstreamEventObservedData>;

export type TimelineEvent = { type: 'UpstreamEventObserved'; data: UpstreamEventObservedData };

export type RecordUpstreamEvent = {
  type: 'RecordUpstreamEvent';
  data: UpstreamEventObservedData;
  meta: { now: string; actor: Actor };
};
export type TimelineCommand = RecordUpstreamEvent;

export interface TimelineState {
  /** Upstream event ids already recorded. */
  seen: ReadonlySet<string>;
}

export const initialTimelineState: TimelineState = { seen: new Set() };

export const decideTimeline = (command: TimelineCommand, state: TimelineState): TimelineEvent[] => {
  switch (command.type) {
    case 'RecordUpstreamEvent':
      if (state.seen.has(command.data.eventId)) return []; // recorded once per upstream event id
      return [{ type: 'UpstreamEventObserved', data: command.data }];
    default: {
      const unknown: never = command.type;
      throw new Error(`unknown command ${String(unknown)}`);
    }
  }
};

export const evolveTimeline = (state: TimelineState, event: TimelineEvent): TimelineState => {
  if (event.type !== 'UpstreamEventObserved' || state.seen.has(event.data.eventId)) return state;
  return { seen: new Set([...state.seen, event.data.eventId]) };
};

export const timelineDecider: Decider<TimelineCommand, TimelineEvent, TimelineState> = {
  decide: decideTimeline,
  evolve: evolveTimeline,
  initialState: initialTimelineState,
};

/** Private: stays in the order service's log, never published. */
export const UpstreamEventObserved = defineEvent({ type: 'UpstreamEventObserved', version: 1, schema: UpstreamEventObservedData });
export const timelinePrivateEvents = [UpstreamEventObserved] as const;
