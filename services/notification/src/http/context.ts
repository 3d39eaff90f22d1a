// What every notification route needs (the caller and a request's metadata: @bp/runtime callerOf, requestMeta).
import type { ServiceContext } from '@bp/runtime';
import type { Handlers } from '../app/handlers';
import type { WebhookTargetGuard } from '../infra/webhook-target';

export interface RouteDeps {
  ctx: ServiceContext;
  h: Handlers;
  /** Where partner webhooks may point (issue 17 SSRF guard). */
  webhookTargets: WebhookTargetGuard;
}

export const ANY_USER = ['buyer', 'seller', 'agent', 'ops', 'partner'] as const;
