import type { Policy, DueDeadline } from '@bp/timers';
import { signWebhook } from '../domain/webhooks/signature';
import type { PostWebhook, WebhookResult } from '../infra/webhook-client';
import type { Handlers, Run } from './handlers';
import { serviceActor } from './service-actor';

/**
 * One attempt of a webhook delivery, fired by the delivery's deadline: POST the CloudEvent signed
 * with the subscription's secret, record the attempt (the decider sets the next try or gives up) and
 * note the outcome on the subscription (paused after too many failures in a row), all in the
 * scheduler's transaction. At least once: a crash after the POST and before the commit repeats it,
 * and partners dedupe by event id (`ce-id`).
 */
export const attemptDelivery = async (h: Handlers, post: PostWebhook, policy: Policy, run: Run, deliveryId: string, due: DueDeadline): Promise<void> => {
  const { state } = await h.loadDelivery(deliveryId, run.tx);
  if (state.status !== 'pending' || state.nextAttemptAt !== due.dueAt) return; // stale
  const meta = { now: due.now, actor: serviceActor };
  const { state: sub } = await h.loadSubscription(state.subscriptionId, run.tx);
  let result: WebhookResult;
  if (sub.status !== 'active') {
    result = { ok: false, status: null, error: `SUBSCRIPTION_${sub.status.toUpperCase()}` };
  } else {
    const t = Math.floor(Date.parse(due.now) / 1000);
    result = await post(sub.url, state.body, {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'Webhook-Signature': signWebhook(sub.secret, state.body, t),
      'Webhook-Id': state.deliveryId,
      'ce-id': state.eventId,
      'ce-type': state.ceType,
      'ce-specversion': '1.0',
    });
  }
  await h.deliveries({ type: 'RecordAttempt', data: { deliveryId, ...result }, meta }, run);
  if (sub.status === 'active') {
    const pauseAfter = policy.notifications.webhookPauseAfterFailures;
    await h.subscriptions({ type: 'NoteDeliveryOutcome', data: { subscriptionId: sub.subscriptionId, ok: result.ok, pauseAfter }, meta }, run);
  }
};
