import { systemActor, type Actor } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';

export const ESCROW_ACTOR: Actor = systemActor('escrow-service');

/** Metadata of a command caused by a consumed event: same correlation, caused by it. */
export const causedBy = (e: { id: string; correlationId: string | null }, now: string): AppendMetadata => ({
  correlationId: e.correlationId ?? e.id,
  causationId: e.id,
  actor: ESCROW_ACTOR,
  now,
});
