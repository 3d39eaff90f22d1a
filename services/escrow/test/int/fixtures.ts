import { AppealDecided, DisputeSettled, FastRefundGranted, OrderCancelled, OrderCompleted, OrderPlaced } from '@bp/contracts';
import type { ServiceUnderTest } from '@bp/testing';
import { defaultPolicy, snapshotOf } from '@bp/timers';

export const USD = (amount: number) => ({ amount, currency: 'USD' });

export interface TestOrder {
  orderId: string;
  buyerId: string;
  sellerId: string;
  total: number;
}

/** Plays the order and dispute services: what they would put on orders.v1 / disputes.v1. */
export const upstream = (sut: ServiceUnderTest) => {
  const now = () => sut.now().toISOString();
  return {
    placed: (o: TestOrder, commissionBps = 0, publish?: { settle: boolean }) =>
      sut.publish(
        OrderPlaced,
        {
          orderId: o.orderId,
          buyerId: o.buyerId,
          sellerId: o.sellerId,
          currency: 'USD',
          total: USD(o.total),
          items: [{ sku: 'sku-1', title: 'thing', quantity: 1, unitPrice: USD(o.total) }],
          protectionDays: 30,
          handlingDays: 3,
          placedAt: now(),
          paymentDueAt: now(),
          policy: { ...snapshotOf(defaultPolicy), escrow: { ...defaultPolicy.escrow, commissionBps } },
        },
        publish,
      ),
    completed: (o: TestOrder, reason: 'CONFIRMED' | 'DISPUTE_SETTLED' = 'CONFIRMED', id?: string) =>
      sut.publish(
        OrderCompleted,
        { orderId: o.orderId, buyerId: o.buyerId, sellerId: o.sellerId, amount: USD(o.total), completedAt: now(), reason },
        id ? { id } : {},
      ),
    cancelled: (o: TestOrder) =>
      sut.publish(OrderCancelled, {
        orderId: o.orderId,
        buyerId: o.buyerId,
        sellerId: o.sellerId,
        cancelledBy: 'buyer',
        paid: true,
        total: USD(o.total),
        cancelledAt: now(),
      }),
    settled: (o: TestOrder, disputeId: string, refund: number, releaseRemainder = true) =>
      sut.publish(DisputeSettled, {
        disputeId,
        orderId: o.orderId,
        refund: USD(refund),
        fastRefunded: USD(0),
        releaseRemainder,
        settledBy: 'RULING',
        settledAt: now(),
      }),
    fastRefund: (o: TestOrder, disputeId: string, amount: number) =>
      sut.publish(FastRefundGranted, { disputeId, orderId: o.orderId, amount: USD(amount), grantedAt: now() }),
    appealOverturned: (o: TestOrder, disputeId: string, previousRefund: number, refund: number) =>
      sut.publish(AppealDecided, {
        disputeId,
        orderId: o.orderId,
        decision: 'OVERTURN',
        refund: USD(refund),
        previousRefund: USD(previousRefund),
        correction: true,
        decidedAt: now(),
      }),
  };
};

/** Polls `check` until it returns a value (not undefined) or the time is up: for asynchronous effects. */
export const eventually = async <T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
