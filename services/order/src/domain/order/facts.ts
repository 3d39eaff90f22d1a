// The events several commands share (completion, closure), built one way only.
import type { EventOf, ExistingOrder, OrderEvent } from './order';
import { iso } from './time';

export const parties = (s: ExistingOrder) => ({ orderId: s.order.orderId, buyerId: s.order.buyerId, sellerId: s.order.sellerId });

/** O6, O7, O9, E3: the one way an order completes. */
export const completedEvent = (s: ExistingOrder, reason: EventOf<'OrderCompleted'>['data']['reason'], at: string, disputeId?: string): OrderEvent => {
  const amount = s.status === 'placed' ? s.order.total : s.payment?.amount ?? s.order.total;
  return { type: 'OrderCompleted', data: { ...parties(s), amount, completedAt: iso(at), reason, ...(disputeId ? { disputeId } : {}) } };
};

/** O2, O4, E3: the one way an order closes (cancellation has its own event). */
export const closedEvent = (s: ExistingOrder, reason: EventOf<'OrderClosed'>['data']['reason'], refundDue: boolean, at: string, disputeId?: string): OrderEvent => ({
  type: 'OrderClosed',
  data: { ...parties(s), reason, refundDue, closedAt: iso(at), ...(disputeId ? { disputeId } : {}) },
});

