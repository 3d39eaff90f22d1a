import type { Actor } from '@bp/contracts';
import { defaultPolicy, durationMs } from '@bp/timers';
import { decideDelivery, evolveDelivery, initialDeliveryState, nextAttempt, type DeliveryState } from '../../src/domain/webhooks/delivery';
import { signWebhook, verifyWebhook } from '../../src/domain/webhooks/signature';
import { decideSubscription, evolveSubscription, initialSubscriptionState, type SubscriptionState } from '../../src/domain/webhooks/subscription';

const partner: Actor = { role: 'partner', id: 'cashback' };
const policy = defaultPolicy.notifications;
const t0 = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

describe('webhook signatures (N4)', () => {
  const body = '{"orderId":"o-1"}';
  const header = signWebhook('s3cret', body, 1_700_000_000);

  it('verifies a fresh, untampered delivery', () => expect(verifyWebhook('s3cret', body, header, 1_700_000_100, 300)).toBe('valid'));
  it('refuses a tampered body or the wrong secret', () => {
    expect(verifyWebhook('s3cret', body + ' ', header, 1_700_000_000, 300)).toBe('mismatch');
    expect(verifyWebhook('other', body, header, 1_700_000_000, 300)).toBe('mismatch');
  });
  it('refuses a replay after the tolerance', () => expect(verifyWebhook('s3cret', body, header, 1_700_000_301, 300)).toBe('stale'));
  it('refuses garbage', () => expect(verifyWebhook('s3cret', body, 't=x,v1=zz', 1_700_000_000, 300)).toBe('malformed'));
});

describe('webhook deliveries: backoff for up to 24 h, then give up; manual redelivery', () => {
  const schedule = decideDelivery(
    {
      type: 'ScheduleDelivery',
      data: { deliveryId: 'd1', subscriptionId: 's1', eventId: 'e1', ceType: 'marketplace.order.completed.v1', body: '{}' },
      meta: { now: t0, actor: partner },
    },
    initialDeliveryState,
    policy,
  );
  const scheduled = schedule.reduce(evolveDelivery, initialDeliveryState);
  const attempt = (s: DeliveryState, ok: boolean, now: string) =>
    decideDelivery(
      { type: 'RecordAttempt', data: { deliveryId: 'd1', ok, status: ok ? 200 : 500, error: ok ? null : 'HTTP 500' }, meta: { now, actor: partner } },
      s,
      policy,
    ).reduce(evolveDelivery, s);

  it('backs off exponentially', () => {
    expect(nextAttempt(t0, t0, 1, policy)).toBe(at(durationMs(policy.webhookRetryBase)));
    expect(nextAttempt(t0, t0, 3, policy)).toBe(at(4 * durationMs(policy.webhookRetryBase)));
  });

  it('fails twice then succeeds: one accepted delivery, nothing after', () => {
    let s = attempt(scheduled, false, t0);
    s = attempt(s, false, s.status === 'pending' ? s.nextAttemptAt! : t0);
    s = attempt(s, true, at(60_000));
    expect(s).toMatchObject({ status: 'succeeded', attempts: 3, nextAttemptAt: null });
    expect(attempt(s, false, at(70_000))).toBe(s);
  });

  it('gives up once the next attempt would be past the retry horizon', () => {
    let s: DeliveryState = scheduled;
    let now = t0;
    while (s.status === 'pending') {
      s = attempt(s, false, now);
      if (s.status === 'pending') now = s.nextAttemptAt!;
    }
    expect(s.status).toBe('failed');
    expect(Date.parse(now) - Date.parse(t0)).toBeLessThanOrEqual(durationMs(policy.webhookRetryFor));
    const requeued = decideDelivery({ type: 'Redeliver', data: { deliveryId: 'd1' }, meta: { now: at(durationMs('P2D')), actor: partner } }, s, policy);
    expect(requeued.reduce(evolveDelivery, s)).toMatchObject({ status: 'pending', nextAttemptAt: at(durationMs('P2D')) });
  });
});

describe('webhook subscriptions', () => {
  const subscribed = decideSubscription(
    {
      type: 'Subscribe',
      data: { subscriptionId: 's1', secret: 'x', url: 'https://p.example/hook', eventTypes: ['marketplace.order.completed.v1'] },
      meta: { now: t0, actor: partner },
    },
    initialSubscriptionState,
  ).reduce(evolveSubscription, initialSubscriptionState);
  const note = (s: SubscriptionState, ok: boolean) =>
    decideSubscription({ type: 'NoteDeliveryOutcome', data: { subscriptionId: 's1', ok, pauseAfter: 3 }, meta: { now: t0, actor: partner } }, s).reduce(
      evolveSubscription,
      s,
    );

  it('pauses after N consecutive failures; a success resets the count', () => {
    let s = note(note(subscribed, false), false);
    s = note(s, true);
    expect(s).toMatchObject({ status: 'active', consecutiveFailures: 0 });
    s = note(note(note(s, false), false), false);
    expect(s.status).toBe('paused');
  });

  it("hides another partner's subscription", () => {
    expect(() =>
      decideSubscription({ type: 'Unsubscribe', data: { subscriptionId: 's1' }, meta: { now: t0, actor: { role: 'partner', id: 'other' } } }, subscribed),
    ).toThrow('no such webhook');
  });
});
