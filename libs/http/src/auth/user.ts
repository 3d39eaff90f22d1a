import { Role, UserId } from '@bp/contracts';
import { z } from 'zod';

/** The authenticated caller, as every handler sees it. */
export interface AuthUser {
  sub: string;
  role: Role;
}

/** Claims we rely on; anything else in the token is ignored. */
export const TokenClaims = z.object({
  sub: UserId,
  role: Role,
  exp: z.number(),
});

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on non-public routes; `undefined` on public ones. */
    user: AuthUser | undefined;
  }
}
