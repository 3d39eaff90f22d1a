import { z } from 'zod';
import { Actor } from './actor';

/**
 * The envelope every stored and published event travels in. `data` is validated separately
 * against the event's own schema (see registry.ts), so the envelope stays generic.
 */
export const EventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  streamId: z.string().min(1),
  streamVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime(),
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  actor: Actor,
  data: z.unknown(),
});
export type EventEnvelope<T = unknown> = Omit<z.infer<typeof EventEnvelope>, 'data'> & { data: T };

/** Metadata a command carries into the append: where it came from and who did it. */
export interface EventMetadata {
  correlationId: string;
  causationId: string | null;
  actor: Actor;
}
