import { z } from 'zod';
import { DomainError, type Actor } from '@bp/contracts';

/**
 * A partner's webhook subscription (N4, N5): which public event types go to which URL. One that
 * keeps failing is paused, not retried forever; the partner resumes it by re-subscribing.
 */
export const SubscriptionBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  eventTypes: z
    .array(z.string().regex(/^marketplace\.[a-z-]+\.[a-z-]+\.v\d+$/))
    .min(1)
    .max(50),
});

export type SubscriptionEvent =
  | { type: 'WebhookSubscribed'; data: { subscriptionId: string; partnerId: string; url: string; eventTypes: string[]; secret: string; at: string } }
  | { type: 'WebhookUnsubscribed'; data: { subscriptionId: string; at: string } }
  | { type: 'WebhookDeliveryOutcomeNoted'; data: { subscriptionId: string; ok: boolean } }
  | { type: 'WebhookPaused'; data: { subscriptionId: string; consecutiveFailures: number; at: string } };

type Meta = { now: string; actor: Actor };
export type SubscriptionCommand =
  | { type: 'Subscribe'; data: { subscriptionId: string; secret: string; url: string; eventTypes: string[] }; meta: Meta }
  | { type: 'Unsubscribe'; data: { subscriptionId: string }; meta: Meta }
  | { type: 'NoteDeliveryOutcome'; data: { subscriptionId: string; ok: boolean; pauseAfter: number }; meta: Meta };

export type SubscriptionState =
  | { status: 'none' }
  | {
      status: 'active' | 'paused' | 'deleted';
      subscriptionId: string;
      partnerId: string;
      url: string;
      eventTypes: string[];
      secret: string;
      consecutiveFailures: number;
    };

export const initialSubscriptionState: SubscriptionState = { status: 'none' };

export const evolveSubscription = (s: SubscriptionState, e: SubscriptionEvent): SubscriptionState => {
  if (e.type === 'WebhookSubscribed') {
    const { at: _at, ...d } = e.data;
    return { status: 'active', ...d, consecutiveFailures: 0 };
  }
  if (s.status === 'none') return s;
  switch (e.type) {
    case 'WebhookUnsubscribed':
      return { ...s, status: 'deleted' };
    case 'WebhookDeliveryOutcomeNoted':
      return { ...s, consecutiveFailures: e.data.ok ? 0 : s.consecutiveFailures + 1 };
    case 'WebhookPaused':
      return { ...s, status: 'paused' };
    default:
      return s;
  }
};

const owned = (s: SubscriptionState, actor: Actor) => {
  // Another partner's subscription does not exist as far as the caller can tell.
  if (s.status === 'none' || s.status === 'deleted' || (actor.role === 'partner' && s.partnerId !== actor.id)) {
    throw new DomainError('WEBHOOK_NOT_FOUND', 'no such webhook subscription', 'not_found');
  }
  return s;
};

export const decideSubscription = (c: SubscriptionCommand, s: SubscriptionState): SubscriptionEvent[] => {
  switch (c.type) {
    case 'Subscribe':
      if (s.status !== 'none') return [];
      return [{ type: 'WebhookSubscribed', data: { ...c.data, partnerId: c.meta.actor.id, at: c.meta.now } }];
    case 'Unsubscribe':
      owned(s, c.meta.actor);
      return [{ type: 'WebhookUnsubscribed', data: { subscriptionId: c.data.subscriptionId, at: c.meta.now } }];
    case 'NoteDeliveryOutcome': {
      if (s.status !== 'active') return [];
      const noted: SubscriptionEvent = { type: 'WebhookDeliveryOutcomeNoted', data: { subscriptionId: s.subscriptionId, ok: c.data.ok } };
      const failures = c.data.ok ? 0 : s.consecutiveFailures + 1;
      return failures >= c.data.pauseAfter
        ? [noted, { type: 'WebhookPaused', data: { subscriptionId: s.subscriptionId, consecutiveFailures: failures, at: c.meta.now } }]
        : [noted];
    }
    default: {
      const never: never = c;
      throw new Error(`unknown command ${(never as { type: string }).type}`);
    }
  }
};

export const subscriptionOwnedBy = owned;
