import { spec } from '@bp/testing';
import { buyerLevelDecider, disputeFactsOf, orderFactsDecider, type OrderFactsEvent } from '../../src/domain/order-facts';
import { orderFactsCommandsFor } from '../../src/domain/dispute';
import { day, policy, SHIPPED_AT, usd } from './fixtures';

const meta = { now: day(0) };
const placed: OrderFactsEvent = {
  type: 'OrderPlacedRecorded',
  data: { orderId: 'o1', buyerId: 'b1', sellerId: 's1', total: usd(100), protectionDays: 60, policy, placedAt: day(-2) },
};
const paid: OrderFactsEvent = { type: 'OrderPaidRecorded', data: { orderId: 'o1', amount: usd(100), paidAt: day(-1) } };
const shipped: OrderFactsEvent = { type: 'OrderShippedRecorded', data: { orderId: 'o1', shippedAt: SHIPPED_AT, protectionEndsAt: day(60) } };
const reserve = (disputeId: string) => ({ type: 'ReserveDispute' as const, data: { orderId: 'o1', disputeId }, meta });
const reserved = (disputeId: string): OrderFactsEvent => ({ type: 'DisputeReservedOnOrder', data: { orderId: 'o1', disputeId, at: day(0) } });

describe('order facts (the dispute service copy of orders.v1)', () => {
  it('records placed, paid, shipped; repeats are harmless', () => {
    spec(orderFactsDecider)
      .given([])
      .when({ type: 'RecordOrderPlaced', data: placed.data as never, meta })
      .then([placed]);
    spec(orderFactsDecider)
      .given([placed])
      .when({ type: 'RecordOrderPlaced', data: placed.data as never, meta })
      .thenNothingHappens();
    spec(orderFactsDecider)
      .given([placed, paid])
      .when({ type: 'RecordOrderPaid', data: paid.data as never, meta })
      .thenNothingHappens();
    spec(orderFactsDecider)
      .given([placed, paid])
      .when({ type: 'RecordOrderShipped', data: shipped.data as never, meta })
      .then([shipped]);
  });
  it('facts about an unknown order are refused (ORDER_UNKNOWN) so the consumer retries', () =>
    spec(orderFactsDecider)
      .given([])
      .when({ type: 'RecordOrderPaid', data: paid.data as never, meta })
      .thenRefuses('ORDER_UNKNOWN'));
  it('D1: one open dispute per order: a second reservation is refused, the same one is harmless', () => {
    spec(orderFactsDecider)
      .given([placed, paid, shipped])
      .when(reserve('d1'))
      .then([reserved('d1')]);
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1')])
      .when(reserve('d2'))
      .thenRefuses('DISPUTE_ALREADY_OPEN');
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1')])
      .when(reserve('d1'))
      .thenNothingHappens();
  });
  it('D7: a withdrawn dispute releases the slot (saga), then a new one may be reserved', () => {
    const [release] = orderFactsCommandsFor({ type: 'DisputeWithdrawn', data: { disputeId: 'd1', orderId: 'o1', withdrawnAt: day(9) } }, day(9));
    const events = spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1')])
      .when(release!)
      .then((e) => void expect(e[0]!.type).toBe('DisputeReleasedOnOrder'));
    void events;
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1'), { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(9) } }])
      .when(reserve('d2'))
      .then([reserved('d2')]);
  });
  it('R5/D1: a settled dispute releases the slot but marks the order settled, before its completion arrives', () => {
    const settled = { type: 'DisputeSettled', data: { disputeId: 'd1', orderId: 'o1' } } as unknown as Parameters<typeof orderFactsCommandsFor>[0];
    const [release] = orderFactsCommandsFor(settled, day(9));
    expect(release).toMatchObject({ type: 'ReleaseDispute', data: { disputeId: 'd1', settled: true } });
    const releasedSettled: OrderFactsEvent = { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(9), settled: true } };
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1')])
      .when(release!)
      .then([releasedSettled]);
    const state = spec(orderFactsDecider).given([placed, paid, shipped, reserved('d1'), releasedSettled]).state;
    expect(state).toMatchObject({ status: 'shipped', openDisputeId: null, settledDisputeId: 'd1' });
    expect(disputeFactsOf(state, 'A0', [])).toMatchObject({ settledDisputeId: 'd1' });
  });
  it('R5 (simulation seed 16678): the settlement of a dispute released before (an appeal OVERTURN after a resend) marks the order settled', () => {
    const released: OrderFactsEvent = { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', at: day(9) } };
    const settle = { type: 'ReleaseDispute' as const, data: { orderId: 'o1', disputeId: 'd1', settled: true }, meta: { now: day(12) } };
    const recorded: OrderFactsEvent = { type: 'DisputeReleasedOnOrder', data: { orderId: 'o1', disputeId: 'd1', settled: true, at: day(12) } };
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1'), released])
      .when(settle)
      .then([recorded]);
    expect(spec(orderFactsDecider).given([placed, paid, shipped, reserved('d1'), released, recorded]).state).toMatchObject({
      openDisputeId: null,
      settledDisputeId: 'd1',
    });
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1'), released, recorded])
      .when(settle)
      .thenNothingHappens();
    spec(orderFactsDecider)
      .given([placed, paid, shipped, reserved('d1'), released])
      .when({ ...settle, data: { orderId: 'o1', disputeId: 'd1' } })
      .thenNothingHappens();
  });
  it('O9: suspended protection is recorded; completion and closing are final', () => {
    const state = spec(orderFactsDecider).given([
      placed,
      paid,
      shipped,
      { type: 'ProtectionChangeRecorded', data: { orderId: 'o1', protectionEndsAt: null, at: day(7) } },
    ]).state;
    expect(state).toMatchObject({ protectionSuspended: true, protectionEndsAt: day(60) });
    const completed: OrderFactsEvent = { type: 'OrderCompletedRecorded', data: { orderId: 'o1', completedAt: day(61), reason: 'AUTO_CONFIRMED' } };
    spec(orderFactsDecider)
      .given([placed, completed])
      .when({ type: 'RecordOrderClosed', data: { orderId: 'o1', closedAt: day(62), reason: 'x' }, meta })
      .thenNothingHappens();
  });
  it('disputeFactsOf gives the paid total, the level and the snapshot', () => {
    const state = spec(orderFactsDecider).given([placed, paid, shipped]).state;
    expect(disputeFactsOf(state, 'A4', ['A4'])).toMatchObject({ paid: usd(100), status: 'shipped', buyerLevel: 'A4', policy, openDisputeId: null });
  });
});

describe('buyer level (O12, buyers.v1)', () => {
  const rec = (level: 'A3' | 'A4', changedAt: string) => ({ type: 'RecordBuyerLevel' as const, data: { buyerId: 'b1', level, changedAt }, meta });
  it('records a newer level; an older or repeated one changes nothing', () => {
    const first = { type: 'BuyerLevelRecorded' as const, data: rec('A3', day(1)).data };
    spec(buyerLevelDecider)
      .given([])
      .when(rec('A3', day(1)))
      .then([first]);
    spec(buyerLevelDecider)
      .given([first])
      .when(rec('A4', day(0)))
      .thenNothingHappens();
    spec(buyerLevelDecider)
      .given([first])
      .when(rec('A3', day(1)))
      .thenNothingHappens();
  });
});
