// Who calls a route and what a command from it carries, the same in every service.
import type { Actor } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';
import { problem } from '@bp/http';
import type { Clock } from '@bp/timers';
import type { FastifyRequest } from 'fastify';

/**
 * The authenticated caller as the domain's Actor. Routes declare roles, so the auth hook has set the
 * user; a route that forgot them answers 401 to an anonymous caller rather than acting for nobody.
 */
export const callerOf = (req: FastifyRequest): Actor => {
  const user = req.user;
  if (!user) throw problem('UNAUTHENTICATED', 401, 'authentication required');
  return { role: user.role, id: user.sub };
};

/** A request's command `meta` and append metadata: the caller, the clock's now, the request's correlation. */
export const requestMeta = (req: FastifyRequest, ctx: { clock: Clock }): { meta: { now: string; actor: Actor }; metadata: AppendMetadata } => {
  const actor = callerOf(req);
  const now = ctx.clock.now().toISOString();
  return { meta: { now, actor }, metadata: { correlationId: req.correlationId || req.id, causationId: req.id, actor, now } };
};
