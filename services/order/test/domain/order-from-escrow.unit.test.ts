import { escrowPublicEvents, sagaStep, type ConsumedEvent } from '@bp/contracts';
import { sagaCommand, spec } from '@bp/testing';
import { orderDecider, type OrderCommand } from '../../src/domain/order';
import { orderFromEscrow } from '../../src/domain/sagas/order-from-escrow';
import { ORDER, TOTAL, at, buyer, history, pay, place, seller } from './fixtures';

// Given the order so far, when an escrow.v1 event arrives, then the saga's command makes the order
// decider record exactly this.
const order = spec(orderDecider);
const ESCROW = '/services/escrow';
const event = (type: string, data: object, time: string): ConsumedEvent => ({
  id: `ce-${type}`,
  type,
  data: { orderId: ORDER, ...data },
  time,
  source: ESCROW,
});
const when = (type: string, data: object, time: string): OrderCommand => sagaCommand(orderFromEscrow, event(type, data, time));
const parties = { orderId: ORDER, buyerId: buyer.id, sellerId: seller.id };
const refund = (reason: string, amount = TOTAL.amount) => ({
  refundId: `r-${reason}`,
  amount: { amount, currency: 'USD' },
  reason,
  providerRef: 'p',
  completedAt: at(3),
});

describe('saga: escrow.v1 -> order commands (given/when/then)', () => {
  it('O3: PaymentCaptured pays the order at the capture time', () => {
    order
      .given(history(place()))
      .when(when('PaymentCaptured', { paymentId: 'pay-1', providerRef: 'p', amount: TOTAL, capturedAt: at(0, 1) }, at(0, 1)))
      .then((events) => {
        expect(events).toMatchObject([{ type: 'OrderPaid', data: { orderId: ORDER, paidAt: at(0, 1) } }]);
      });
  });

  it('E3: a refund of the order total is recorded, and says whether a dispute decided it', () => {
    expect(when('RefundCompleted', refund('ORDER_CANCELLED'), at(3))).toMatchObject({
      type: 'RecordRefundCompleted',
      data: { refundId: 'r-ORDER_CANCELLED', ofDispute: false },
    });
    for (const reason of ['FAST_REFUND', 'DISPUTE_SETTLED', 'APPEAL_OVERTURNED']) {
      expect(when('RefundCompleted', refund(reason), at(3))).toMatchObject({ data: { ofDispute: true } });
    }
  });

  it('E3: a returned payment or return-shipping compensation never counts towards "refunded in full"', () => {
    expect(sagaStep(orderFromEscrow, event('RefundCompleted', refund('PAYMENT_RETURNED'), at(3)))).toBeNull();
    expect(sagaStep(orderFromEscrow, event('RefundCompleted', refund('RETURN_SHIPPING_COMPENSATION', 700), at(3)))).toBeNull();
  });

  it('E3: the whole total refunded outside a dispute closes a paid order REFUNDED; a dispute refund only records it', () => {
    order
      .given(history(place(), pay()))
      .when(when('RefundCompleted', refund('ORDER_CLOSED'), at(3)))
      .then((events) => {
        expect(events).toMatchObject([
          { type: 'RefundRecorded', data: { refundId: 'r-ORDER_CLOSED', recordedAt: at(3) } },
          { type: 'OrderClosed', data: { ...parties, reason: 'REFUNDED' } },
        ]);
      });
    order
      .given(history(place(), pay()))
      .when(when('RefundCompleted', refund('FAST_REFUND'), at(3)))
      .then((events) => {
        expect(events.map((e) => e.type)).toEqual(['RefundRecorded']);
      });
  });

  it("one rule for time and actor: the event's own time and its producer", () => {
    expect(when('PaymentCaptured', { paymentId: 'pay-1', providerRef: 'p', amount: TOTAL, capturedAt: at(0, 1) }, at(9)).meta).toEqual({
      now: at(9),
      actor: { role: 'system', id: ESCROW },
    });
  });

  it('escrow.v1 events the order does not act on map to nothing; every mapped type is an escrow.v1 event', () => {
    expect(sagaStep(orderFromEscrow, event('PaymentFailed', { paymentId: 'pay-1', reason: 'DECLINED', failedAt: at(0) }, at(0)))).toBeNull();
    expect(sagaStep(orderFromEscrow, event('FundsReleased', { sellerId: seller.id }, at(0)))).toBeNull();
    const published = new Set<string>(escrowPublicEvents.map((d) => d.type));
    for (const type of Object.keys(orderFromEscrow)) expect(published.has(type)).toBe(true);
  });
});
