import { randomUUID } from 'node:crypto';
import { consumedMeta, type Actor, type ConsumedEvent } from '@bp/contracts';
import type { AppendMetadata } from './append';

/** Metadata of a command nothing caused (an HTTP request, a provider answer): a fresh correlation. */
export const commandMetadata = (actor: Actor, now: string, correlationId: string = randomUUID()): AppendMetadata => ({
  correlationId,
  causationId: null,
  actor,
  now,
});

/**
 * Metadata of what a consumed event caused: its correlation (its own id when it has none), the event
 * as the cause, and the time and actor of contracts' `consumedMeta` rule.
 */
export const consumedMetadata = (e: Pick<ConsumedEvent, 'id' | 'time' | 'source'> & { correlationId: string | null }): AppendMetadata => ({
  correlationId: e.correlationId ?? e.id,
  causationId: e.id,
  ...consumedMeta(e),
});
