import { systemActor } from '@bp/contracts';
import type { RunningService } from '@bp/runtime';
import { addDuration, defaultPolicy, snapshotOf } from '@bp/timers';
import { createHandlers } from '../../../services/dispute/src/app/handlers';
import { disputeProjections } from '../../../services/dispute/src/projections';

/** The amount every fixture order was paid, and a full refund of it. */
export const paidAmount = { amount: 10_000, currency: 'USD' };

/**
 * Orders placed, paid and shipped 7 days ago, written straight into the dispute service's
 * order-facts log (as its consumer would), so a dispute can be opened on each.
 */
export const seedShippedOrders = async (service: RunningService, orders: { orderId: string; buyerId: string; sellerId: string }[]): Promise<void> => {
  const { ctx } = service;
  const h = createHandlers({ store: ctx.store, schema: ctx.schema, projections: disputeProjections(ctx.schema) });
  const past = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const metadata = { correlationId: 'bench', causationId: null, actor: systemActor('bench'), now: past };
  for (const o of orders) {
    const base = { orderId: o.orderId };
    await h.orderFacts(
      {
        type: 'RecordOrderPlaced',
        data: { ...base, buyerId: o.buyerId, sellerId: o.sellerId, total: paidAmount, protectionDays: 60, policy: snapshotOf(defaultPolicy), placedAt: past },
        meta: { now: past },
      },
      { metadata },
    );
    await h.orderFacts({ type: 'RecordOrderPaid', data: { ...base, amount: paidAmount, paidAt: past }, meta: { now: past } }, { metadata });
    await h.orderFacts(
      { type: 'RecordOrderShipped', data: { ...base, shippedAt: past, protectionEndsAt: addDuration(past, 'P60D') }, meta: { now: past } },
      { metadata },
    );
  }
};

/** A `POST /disputes` body: not received, full refund. */
export const openDisputeBody = (orderId: string) => ({
  orderId,
  goodsReceived: false,
  reason: 'NOT_RECEIVED',
  solution: { type: 'REFUND_ONLY', refund: paidAmount },
  description: 'never arrived',
  evidenceIds: [],
});
