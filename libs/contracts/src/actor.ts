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
