import { z } from 'zod';

/** Who caused something: a person with a role, or the system (timers, consumers). */
export const Role = z.enum(['buyer', 'seller', 'agent', 'ops', 'partner']);
export type Role = z.infer<typeof Role>;

export const Actor = z.object({
  role: z.enum(['buyer', 'seller', 'agent', 'ops', 'partner', 'system']),
  id: z.string().min(1),
});
export type Actor = z.infer<typeof Actor>;

export const systemActor = (id = 'system'): Actor => ({ role: 'system', id });

/**
 * Ids that name a shared party, never a person: `agents` is the support agents' shared mailbox
 * (notification service). A token or an order naming one of them as a user is refused, so no user
 * can read, or be mistaken for, the shared party.
 */
export const RESERVED_PARTY_IDS: readonly string[] = ['agents', 'system'];

/** A user id (a token's `sub`, an order's seller): any text but a reserved party id. */
export const UserId = z
  .string()
  .min(1)
  .max(255)
  .refine((id) => !RESERVED_PARTY_IDS.includes(id.toLowerCase()), { message: 'this id is reserved' });
