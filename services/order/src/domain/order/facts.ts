// The events several commands share (completion, closure), built one way only.
import type { EventOf, ExistingOrder, InTransitState, OrderEvent } from './order';
import { addMs, iso } from './time';

export const parties = (s: ExistingOrder) => ({ orderId: s.order.orderId, buyerId: s.order.buyerId, sellerId: s.order.sellerId });

/** O6, O7, O9, E3: the one way an order completes. */
export const completedEvent = (s: ExistingOrder, reason: EventOf<'OrderCompleted'>['data']['reason'], at: string, disputeId?: string): OrderEvent => {
  const amount = s.status === 'placed' ? s.order.total : (s.payment?.amount ?? s.order.total);
  return { type: 'OrderCompleted', data: { ...parties(s), amount, completedAt: iso(at), reason, ...(disputeId ? { disputeId } : {}) } };
};

/**
 * O7, S3: protection ran out with no dispute known here: ask the dispute service (round n+1) instead
 * of completing; the acknowledgement decides (decide-protection-end.ts).
 */
export const protectionEndedEvent = (s: InTransitState, at: string): OrderEvent => ({
  type: 'ProtectionEnded',
  data: { orderId: s.order.orderId, round: s.protection.rounds + 1, endedAt: iso(at) },
});

/**
 * O9, D7, R8: a suspended protection resumes with the time it had left, from `at`; with none left it
 * ends at once (S3: the order asks the dispute service instead of completing on its own).
 */
export const protectionResumedEvents = (
  s: InTransitState,
  disputeId: string,
  at: string,
  remainingMs: number,
  cause: EventOf<'ProtectionResumed'>['data']['cause'],
): OrderEvent[] => {
  const resumedAt = iso(at);
  const resumed: OrderEvent = {
    type: 'ProtectionResumed',
    data: { orderId: s.order.orderId, disputeId, resumedAt, protectionEndsAt: addMs(resumedAt, remainingMs), cause, extendedByDays: 0 },
  };
  return remainingMs > 0 ? [resumed] : [resumed, protectionEndedEvent(s, resumedAt)];
};

/** O2, O4, E3: the one way an order closes (cancellation has its own event). */
export const closedEvent = (
  s: ExistingOrder,
  reason: EventOf<'OrderClosed'>['data']['reason'],
  refundDue: boolean,
  at: string,
  disputeId?: string,
): OrderEvent => ({
  type: 'OrderClosed',
  data: { ...parties(s), reason, refundDue, closedAt: iso(at), ...(disputeId ? { disputeId } : {}) },
});
