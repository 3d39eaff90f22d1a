import { DomainError } from '@bp/contracts';
import type { SubscriptionCommand } from '../domain/webhooks/subscription';
import { checkWebhookTarget, type WebhookTargetGuard } from '../infra/webhook-target';
import type { Handlers } from './handlers';

type Subscribe = Extract<SubscriptionCommand, { type: 'Subscribe' }>;

/**
 * N4 registration with the SSRF guard (issue 17): a URL whose host is, or resolves to, a refused
 * range is refused (WEBHOOK_TARGET_FORBIDDEN, 422) and nothing is recorded. A name that does not
 * resolve now is accepted: every delivery checks again after its own resolution, and that is the
 * check that counts (DNS can change after registration).
 */
export const subscribe = async (h: Handlers, guard: WebhookTargetGuard, command: Subscribe, opts: Parameters<Handlers['subscriptions']>[1]) => {
  const check = await checkWebhookTarget(command.data.url, guard);
  if (check.kind === 'forbidden') {
    throw new DomainError('WEBHOOK_TARGET_FORBIDDEN', `webhook URLs may not point to ${check.range} addresses`, 'unprocessable', { range: check.range });
  }
  return h.subscriptions(command, opts);
};
