import type { EventEnvelope } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';

/** Metadata of a command caused by an event (saga steps, consumed facts): same correlation. */
export const causedBy = (e: Pick<EventEnvelope, 'id' | 'correlationId' | 'actor'>, now: string): AppendMetadata => ({
  correlationId: e.correlationId,
  causationId: e.id,
  actor: e.actor,
  now,
});
