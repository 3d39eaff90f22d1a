import type { RefundOnCancellation, ReleaseOnCompletion } from './commands';
import type { EscrowEvent } from './events';
import { refuse } from './errors';
import { mayRunIn } from './process';
import { holdOf, mover, orderRefunds, recoverAllExposure, refundRequested, release } from './moves';
import { isFinal, type KnownEscrow } from './state';

/**
 * O6/O7/E3: OrderCompleted releases what is still held to the seller, minus commission, exactly once.
 * An outstanding fast refund is kept by the buyer and recovered from the hold first (R6).
 */
export const releaseOnCompletion = ({ data, meta }: ReleaseOnCompletion, s: KnownEscrow): EscrowEvent[] => {
  if (isFinal(s)) return []; // a repeated completion changes nothing
  if (!mayRunIn('release_on_completion', s.status)) refuse('NOTHING_CAPTURED', 'an unpaid order cannot complete');
  const settledDispute = Object.values(s.disputes).some((d) => d.settledRefund !== undefined);
  if (data.reason === 'DISPUTE_SETTLED' && !settledDispute) refuse('DISPUTE_SETTLEMENT_PENDING', 'waiting for DisputeSettled');
  const m = mover(s, data.eventId, meta.now);
  const recovered = recoverAllExposure(s, m);
  const gross = holdOf(s).hold - recovered;
  const released = release(s, m, gross, meta.now, 'ORDER_COMPLETED');
  const closed: EscrowEvent = { type: 'EscrowClosed', data: { orderId: s.orderId, outcome: 'COMPLETED', reason: data.reason, closedAt: meta.now } };
  return [...m.posted(), ...released, closed];
};

/**
 * O4: OrderCancelled / OrderClosed refund everything still held (the ledger, not the event's flag,
 * says what is held: a capture that raced the cancellation is refunded too). A fast refund already
 * paid counts towards the full refund: it is recovered from the hold and only the rest is sent; if the
 * platform had written part of it off (R6), that part of the hold goes back to the platform.
 */
export const refundOnCancellation = ({ data, meta }: RefundOnCancellation, s: KnownEscrow): EscrowEvent[] => {
  // a repeated or late close finds the escrow final: nothing to do
  if (!mayRunIn(data.source === 'OrderCancelled' ? 'refund_on_cancellation' : 'refund_on_closure', s.status)) return [];
  // The order closes REFUNDED as soon as it hears of a full-refund settlement; escrow may hear of the
  // order first (orders.v1 and disputes.v1 are not ordered with each other). The settlement moves the
  // money (refund, compensation, exposure): wait for it, as releaseOnCompletion does (R5, E3).
  if (data.disputeId !== undefined && s.disputes[data.disputeId]?.settledRefund === undefined)
    refuse('DISPUTE_SETTLEMENT_PENDING', 'waiting for DisputeSettled');
  const m = mover(s, data.eventId, meta.now);
  const recovered = recoverAllExposure(s, m);
  const left = holdOf(s).hold - recovered;
  // the buyer ends with exactly what was paid; a fast refund the platform wrote off is given back to it
  const amount = m.add('refund', Math.min(left, Math.max(holdOf(s).captured - orderRefunds(s), 0)));
  m.add('writeoff_recovery', left - amount);
  const reason = data.source === 'OrderCancelled' ? 'ORDER_CANCELLED' : 'ORDER_CLOSED';
  const outcome = data.source === 'OrderCancelled' ? 'CANCELLED' : 'CLOSED';
  return [
    ...m.posted(),
    ...refundRequested(s, `${data.eventId}:refund`, amount, reason, meta.now),
    { type: 'EscrowClosed', data: { orderId: s.orderId, outcome, reason: data.refundDue ? 'REFUND_DUE' : 'NO_REFUND_DUE', closedAt: meta.now } },
  ];
};
