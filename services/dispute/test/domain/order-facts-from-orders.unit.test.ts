import { orderPublicEvents, sagaStep } from '@bp/contracts';
import { sagaCommand, spec } from '@bp/testing';
import { orderFactsDecider, type OrderFactsEvent } from '../../src/domain/order-facts';
import { orderFactsFromOrders } from '../../src/domain/sagas/order-facts-from-orders';
import { day, policy, SHIPPED_AT, usd } from './fixtures';

// Given the order facts so far, when an orders.v1 event arrives (its data and its own time), then
// the saga's command makes the order-facts decider record exactly this.
const placedData = { orderId: 'o1', buyerId: 'b1', sellerId: 's1', total: usd(100), protectionDays: 60, policy, placedAt: day(-2), items: [] };
const placed: OrderFactsEvent = {
  type: 'OrderPlacedRecorded',
  data: { orderId: 'o1', buyerId: 'b1', sellerId: 's1', total: usd(100), protectionDays: 60, policy, placedAt: day(-2) },
};
const paid: OrderFactsEvent = { type: 'OrderPaidRecorded', data: { orderId: 'o1', amount: usd(100), paidAt: day(-1) } };
const shipped: OrderFactsEvent = { type: 'OrderShippedRecorded', data: { orderId: 'o1', shippedAt: SHIPPED_AT, protectionEndsAt: day(60) } };

const event = (type: string, data: object, time: string) => ({ id: `ce-${type}`, type, data, time, source: '/services/order' });
const commandOf = (type: string, data: object, time: string) => sagaStep(orderFactsFromOrders, event(type, data, time));
const when = (type: string, data: object, time: string) => sagaCommand(orderFactsFromOrders, event(type, data, time));

describe('saga: orders.v1 -> order facts (given/when/then)', () => {
  it('O2: OrderPlaced records the order with its frozen policy snapshot', () => {
    spec(orderFactsDecider)
      .given([])
      .when(when('OrderPlaced', placedData, day(-2)))
      .then([placed]);
  });

  it('OrderPaid and OrderShipped record payment and the protection end', () => {
    spec(orderFactsDecider)
      .given([placed])
      .when(when('OrderPaid', { orderId: 'o1', amount: usd(100), paidAt: day(-1) }, day(-1)))
      .then([paid]);
    spec(orderFactsDecider)
      .given([placed, paid])
      .when(when('OrderShipped', { orderId: 'o1', shippedAt: SHIPPED_AT, protectionEndsAt: day(60) }, day(0)))
      .then([shipped]);
  });

  it('O9: a suspension records the protection end as null (suspended), a resumption the new end', () => {
    const suspend = when('ProtectionSuspended', { orderId: 'o1', suspendedAt: day(3) }, day(3));
    expect(suspend).toMatchObject({ type: 'RecordProtectionChanged', data: { orderId: 'o1', protectionEndsAt: null, at: day(3) } });
    expect(when('ProtectionResumed', { orderId: 'o1', protectionEndsAt: day(70), resumedAt: day(9) }, day(9))).toMatchObject({
      type: 'RecordProtectionChanged',
      data: { protectionEndsAt: day(70), at: day(9) },
    });
  });

  it('O8: a declined and a lapsed extension request are both recorded as refused', () => {
    expect(when('ProtectionExtensionDeclined', { orderId: 'o1', extensionId: 'x1', declinedAt: day(4) }, day(4))).toMatchObject({
      type: 'RecordExtensionRefused',
      data: { extensionId: 'x1', at: day(4) },
    });
    expect(when('ProtectionExtensionLapsed', { orderId: 'o1', extensionId: 'x2', lapsedAt: day(5) }, day(5))).toMatchObject({
      type: 'RecordExtensionRefused',
      data: { extensionId: 'x2', at: day(5) },
    });
  });

  it('O4: a cancellation closes the order facts with reason CANCELLED', () =>
    expect(when('OrderCancelled', { orderId: 'o1', cancelledAt: day(1) }, day(1))).toMatchObject({
      type: 'RecordOrderClosed',
      data: { closedAt: day(1), reason: 'CANCELLED' },
    }));

  it("one rule for time: every command is stamped with the consumed event's own time, never a clock", () => {
    const late = day(40);
    expect(when('OrderPaid', { orderId: 'o1', amount: usd(100), paidAt: day(-1) }, late).meta).toEqual({ now: late });
    expect(when('OrderClosed', { orderId: 'o1', closedAt: day(2), reason: 'UNPAID' }, late).meta).toEqual({ now: late });
  });

  it('orders.v1 events the dispute service does not need map to nothing; every mapped type is an orders.v1 event', () => {
    expect(commandOf('ReviewPosted', {}, day(0))).toBeNull();
    expect(commandOf('ProtectionExtensionRequested', {}, day(0))).toBeNull();
    const published = new Set<string>(orderPublicEvents.map((d) => d.type));
    for (const type of Object.keys(orderFactsFromOrders)) expect(published.has(type)).toBe(true);
  });
});
