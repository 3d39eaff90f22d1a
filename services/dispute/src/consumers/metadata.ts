import { systemActor } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';
import type { IncomingEvent } from '@bp/messaging';

/** A consumed event's effects keep its correlation and name it as their cause. */
export const consumedMetadata = (e: IncomingEvent): AppendMetadata => ({
  correlationId: e.correlationId ?? e.id,
  causationId: e.id,
  actor: systemActor('dispute-consumer'),
  now: e.time,
});
