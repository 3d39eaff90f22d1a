import type { Actor, EventEnvelope } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';
import { randomUUID } from 'node:crypto';

/** Metadata of a command from HTTP: a fresh correlation (the request id when there is one). */
export const commandMetadata = (actor: Actor, now: string, correlationId: string = randomUUID()): AppendMetadata => ({
  correlationId,
  causationId: null,
  actor,
  now,
});

/** Metadata of a command caused by an event (saga steps, consumed facts): same correlation. */
export const causedBy = (e: Pick<EventEnvelope, 'id' | 'correlationId' | 'actor'>, now: string): AppendMetadata => ({
  correlationId: e.correlationId,
  causationId: e.id,
  actor: e.actor,
  now,
});
