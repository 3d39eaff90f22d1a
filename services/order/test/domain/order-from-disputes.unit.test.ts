import { disputePublicEvents, sagaStep, type ConsumedEvent } from '@bp/contracts';
import { sagaCommand, spec } from '@bp/testing';
import { orderDecider, type OrderCommand } from '../../src/domain/order';
import { orderFromDisputes, refundOfTheTotal } from '../../src/domain/sagas/order-from-disputes';
import { ORDER, TOTAL, at, buyer, declineExt, disputeOpened, history, pay, place, requestExt, seller, ship, shipped } from './fixtures';

// Given the order so far, when a disputes.v1 event arrives (its data, its own time, its producer),
// then the saga's command makes the order decider record exactly this.
const order = spec(orderDecider);
const DISPUTE = '/services/dispute';
const event = (type: string, data: object, time: string): ConsumedEvent => ({
  id: `ce-${type}`,
  type,
  data: { orderId: ORDER, disputeId: 'd-1', ...data },
  time,
  source: DISPUTE,
});
const when = (type: string, data: object, time: string): OrderCommand => sagaCommand(orderFromDisputes, event(type, data, time));
const parties = { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id };
const DAY = 86_400_000;
const usd = (amount: number) => ({ amount, currency: 'USD' });
const disputed = () => history(place(), pay(), ship(), disputeOpened());

describe('saga: disputes.v1 -> order commands (given/when/then)', () => {
  it('O9: DisputeOpened suspends protection at the dispute opening', () => {
    order
      .given(shipped())
      .when(when('DisputeOpened', { openedAt: at(10) }, at(10)))
      .then([{ type: 'ProtectionSuspended', data: { orderId: ORDER, disputeId: 'd-1', suspendedAt: at(10), remainingMs: 51 * DAY } }]);
  });

  it('O9: DisputeWithdrawn resumes protection with the time left', () => {
    order
      .given(disputed())
      .when(when('DisputeWithdrawn', { withdrawnAt: at(20) }, at(20)))
      .then([
        {
          type: 'ProtectionResumed',
          data: { orderId: ORDER, disputeId: 'd-1', resumedAt: at(20), protectionEndsAt: at(71), cause: 'DISPUTE_WITHDRAWN', extendedByDays: 0 },
        },
      ]);
  });

  it('E3, R1: the compensation on top of a full refund still closes the order REFUNDED; on top of a partial one it completes', () => {
    const settled = (refund: number, compensation?: number) =>
      when('DisputeSettled', { refund: usd(refund), ...(compensation ? { returnShippingCompensation: usd(compensation) } : {}), settledAt: at(20) }, at(20));
    order
      .given(disputed())
      .when(settled(5000 + 700, 700))
      .then([{ type: 'OrderClosed', data: { ...parties, reason: 'REFUNDED', refundDue: false, closedAt: at(20), disputeId: 'd-1' } }]);
    order
      .given(disputed())
      .when(settled(4000 + 700, 700))
      .then([{ type: 'OrderCompleted', data: { ...parties, amount: TOTAL, completedAt: at(20), reason: 'DISPUTE_SETTLED', disputeId: 'd-1' } }]);
  });

  it('E3: the refund of the total never goes below zero (compensation alone refunds nothing of it)', () => {
    expect(refundOfTheTotal({ refund: usd(700), returnShippingCompensation: usd(700) })).toEqual(usd(0));
    expect(refundOfTheTotal({ refund: usd(300), returnShippingCompensation: usd(700) })).toEqual(usd(0));
    expect(refundOfTheTotal({ refund: usd(5000) })).toEqual(usd(5000));
  });

  it('D9: ResendShipped resumes protection extended by the agreed days', () => {
    order
      .given(disputed())
      .when(when('ResendShipped', { carrier: 'UPS', trackingNumber: 'T', shippedAt: at(20), extendBy: 30 }, at(20)))
      .then([
        {
          type: 'ProtectionResumed',
          data: { orderId: ORDER, disputeId: 'd-1', resumedAt: at(20), protectionEndsAt: at(20 + 51 + 30), cause: 'RESEND_SHIPPED', extendedByDays: 30 },
        },
      ]);
  });

  it('O8: DisputeProtectionExtensionAgreed becomes RecordExtensionAgreed with its days and time', () => {
    const declinedThenDisputed = history(place(), pay(), ship(), requestExt(at(8)), declineExt(at(9)), disputeOpened(at(10)));
    const command = when('DisputeProtectionExtensionAgreed', { days: 14, agreedBy: 'SELLER_SILENCE', agreedAt: at(20) }, at(20));
    expect(command).toMatchObject({ type: 'RecordExtensionAgreed', data: { orderId: ORDER, disputeId: 'd-1', days: 14, agreedAt: at(20) } });
    order
      .given(declinedThenDisputed)
      .when(command)
      .then((events) => expect(events).toMatchObject([{ type: 'ProtectionResumed', data: { cause: 'EXTENSION_AGREED', extendedByDays: 14 } }]));
  });

  it('R7, R8: an appeal is recorded; only a decision that is no correction reaches the order (a correction settles via DisputeSettled)', () => {
    expect(when('AppealFiled', { filedAt: at(30) }, at(30))).toMatchObject({ type: 'RecordAppealFiled', data: { filedAt: at(30) } });
    expect(when('AppealDecided', { decision: 'UPHOLD', correction: false, decidedAt: at(31) }, at(31))).toMatchObject({
      type: 'RecordAppealDecided',
      data: { decision: 'UPHOLD' },
    });
    expect(sagaStep(orderFromDisputes, event('AppealDecided', { decision: 'OVERTURN', correction: true, decidedAt: at(31) }, at(31)))).toBeNull();
  });

  it('S3: ProtectionEndAcknowledged carries the round and the dispute open on the order', () => {
    expect(when('ProtectionEndAcknowledged', { round: 2, openDisputeId: null, acknowledgedAt: at(61) }, at(61))).toEqual({
      type: 'RecordProtectionEndAcknowledged',
      data: { orderId: ORDER, round: 2, openDisputeId: null, acknowledgedAt: at(61) },
      meta: { now: at(61), actor: { role: 'system', id: DISPUTE } },
    });
  });

  it("one rule for time and actor: every command carries the event's own time and its producer, never a clock or a constant", () => {
    const late = at(40);
    expect(when('DisputeOpened', { openedAt: at(10) }, late).meta).toEqual({ now: late, actor: { role: 'system', id: DISPUTE } });
    expect(when('AppealFiled', { filedAt: at(30) }, late).meta).toEqual({ now: late, actor: { role: 'system', id: DISPUTE } });
  });

  it('disputes.v1 events the order does not act on map to nothing; every mapped type is a disputes.v1 event', () => {
    expect(sagaStep(orderFromDisputes, event('DisputeResendAgreed', {}, at(20)))).toBeNull();
    expect(sagaStep(orderFromDisputes, event('DisputeEscalated', {}, at(20)))).toBeNull();
    const published = new Set<string>(disputePublicEvents.map((d) => d.type));
    for (const type of Object.keys(orderFromDisputes)) expect(published.has(type)).toBe(true);
  });
});
