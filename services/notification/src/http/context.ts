// What every notification route needs: the caller and the command metadata of the request.
import type { Actor } from '@bp/contracts';
import type { AppendMetadata } from '@bp/eventstore';
import type { ServiceContext } from '@bp/runtime';
import type { FastifyRequest } from 'fastify';
import type { Handlers } from '../app/handlers';
import type { WebhookTargetGuard } from '../infra/webhook-target';

export interface RouteDeps {
  ctx: ServiceContext;
  h: Handlers;
  /** Where partner webhooks may point (issue 17 SSRF guard). */
  webhookTargets: WebhookTargetGuard;
}

export const ANY_USER = ['buyer', 'seller', 'agent', 'ops', 'partner'] as const;

export const callerOf = (req: FastifyRequest): Actor => {
  // Every route declares roles, so the auth hook has set the user; this is a wiring guard.
  if (!req.user) throw new Error('notification route without an authenticated user');
  return { role: req.user.role, id: req.user.sub };
};

export const requestMeta = (req: FastifyRequest, ctx: ServiceContext): { meta: { now: string; actor: Actor }; metadata: AppendMetadata } => {
  const actor = callerOf(req);
  const now = ctx.clock.now().toISOString();
  return { meta: { now, actor }, metadata: { correlationId: req.correlationId || req.id, causationId: req.id, actor, now } };
};
