import { defaultPolicy } from '@bp/timers';
import { deliveryIdOf, noticeIdOf } from '../../src/domain/derived-ids';
import { decideReminders, initialReminderState } from '../../src/domain/reminders/reminders';
import { stepsOf, type Known } from '../../src/domain/sagas/steps-from-public-events';
import type { PublishedEvent } from '../../src/domain/webhooks/cloud-event';
import { facts, samples } from './samples';

// Given what the service knows (the order's facts, the subscriptions to the type), when a public event
// arrives, then these are the steps it takes, in order, each at the event's own time by its producer.
const ORDERS = '/services/order';
const event = (ceType: string, type: string, time = '2026-01-01T01:00:00Z', source = ORDERS): PublishedEvent => ({
  id: `ce-${type}`,
  ceType,
  type,
  data: samples[ceType]!,
  time,
  source,
  subject: 'o-1',
});
const known = (o: Partial<Known> = {}): Known => ({ facts, subscriptions: [], ...o });
const meta = (now: string, source = ORDERS) => ({ now, actor: { role: 'system', id: source } });

describe('saga: a public event -> the notification steps (given/when/then)', () => {
  it('OrderPlaced: the order facts first, then the buyer is told (routing uses the facts it brings)', () => {
    const steps = stepsOf(event('marketplace.order.placed.v1', 'OrderPlaced'), known({ facts: null }));
    expect(steps).toEqual([
      { kind: 'facts', command: { type: 'RecordOrderFacts', data: facts } },
      { kind: 'notice', draft: expect.objectContaining({ kind: 'order_placed', recipientId: 'buyer-1', deadline: '2026-01-02T00:00:00.000Z' }) },
    ]);
  });

  it('N2, N1: OrderPaid arms the seller ship reminder and tells the seller, at the event time', () => {
    const steps = stepsOf(event('marketplace.order.paid.v1', 'OrderPaid'), known());
    expect(steps.map((s) => s.kind)).toEqual(['reminders', 'notice']);
    expect(steps[0]).toEqual({
      kind: 'reminders',
      orderId: 'o-1',
      command: {
        type: 'ObserveEvent',
        data: { orderId: 'o-1', ceType: 'marketplace.order.paid.v1', data: samples['marketplace.order.paid.v1'] },
        meta: meta('2026-01-01T01:00:00.000Z'),
      },
    });
    expect(steps[1]).toMatchObject({ kind: 'notice', draft: { kind: 'order_paid', recipientId: 'seller-1' } });
  });

  it('N4: each active subscription to the type gets a delivery of the CloudEvent, its id derived from the event and the subscription', () => {
    const steps = stepsOf(
      event('marketplace.escrow.funds-released.v1', 'FundsReleased', '2026-03-04T00:00:00Z', '/services/escrow'),
      known({ subscriptions: ['s1', 's2'] }),
    );
    const deliveries = steps.filter((s) => s.kind === 'delivery');
    expect(deliveries.map((s) => s.command.data.deliveryId)).toEqual([deliveryIdOf('ce-FundsReleased', 's1'), deliveryIdOf('ce-FundsReleased', 's2')]);
    expect(deliveries[0]!.command.meta).toEqual(meta('2026-03-04T00:00:00.000Z', '/services/escrow'));
    expect(JSON.parse(deliveries[0]!.command.data.body)).toMatchObject({
      specversion: '1.0',
      id: 'ce-FundsReleased',
      type: 'marketplace.escrow.funds-released.v1',
      source: '/services/escrow',
      subject: 'o-1',
    });
  });

  it('an event nobody is told about and nobody subscribed to takes no step', () => {
    expect(stepsOf(event('marketplace.order.review-posted.v1', 'ReviewPosted'), known())).toEqual([]);
  });

  it('notice ids are derived from the source event, so a redelivery or a parked replay cannot notify twice', () => {
    expect(noticeIdOf('ce-1', 'order_paid', 'seller-1')).toBe(noticeIdOf('ce-1', 'order_paid', 'seller-1'));
    expect(noticeIdOf('ce-1', 'order_paid', 'seller-1')).not.toBe(noticeIdOf('ce-2', 'order_paid', 'seller-1'));
  });
});

describe("one rule for time: a reminder is armed as of the event's time, however late it is consumed", () => {
  const arm = (time: string) => {
    const step = stepsOf(event('marketplace.order.paid.v1', 'OrderPaid', time), known()).find((s) => s.kind === 'reminders');
    if (step?.kind !== 'reminders') throw new Error('no reminder step');
    return decideReminders(step.command, initialReminderState, defaultPolicy);
  };
  it('N2: paid before ship-by: the ship reminder is armed (whatever the clock says when the consumer gets to it)', () => {
    expect(arm('2026-01-01T01:00:00Z')).toEqual([
      { type: 'ReminderArmed', data: { orderId: 'o-1', reminder: 'ship', at: '2026-01-07T01:00:00.000Z', deadline: '2026-01-08T01:00:00.000Z', to: 'seller' } },
    ]);
  });
  it('N2: an event whose own time is past the deadline arms nothing', () => {
    expect(arm('2026-01-09T00:00:00Z')).toEqual([]);
  });
});
