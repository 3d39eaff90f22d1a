import type { ApplyAppealDecision, ApplyDisputeSettlement, GrantFastRefund } from './commands';
import type { EscrowEvent } from './events';
import { refuse } from './errors';
import { holdOf, mover, orderRefunds, refundRequested, release, requireAmount, sellerDebited, type Mover } from './moves';
import { isFinal, type KnownEscrow } from './state';

const requirePaid = (s: KnownEscrow): void => {
  if (s.status === 'awaiting_payment') refuse('NOTHING_CAPTURED', 'nothing was captured for this order');
};

const requireNoOtherExposure = (s: KnownEscrow, disputeId: string): void => {
  const other = Object.values(s.disputes).find((d) => d.disputeId !== disputeId && d.exposureOpen > 0);
  if (other) refuse('OTHER_DISPUTE_PENDING', `dispute ${other.disputeId} has an outstanding fast refund`);
};

/** R6: the platform advances the refund now (platform_exposure), reserved against the hold. Once per dispute. */
export const grantFastRefund = ({ data, meta }: GrantFastRefund, s: KnownEscrow): EscrowEvent[] => {
  const d = s.disputes[data.disputeId];
  if (d?.fastRefund !== undefined || d?.settledRefund !== undefined) return [];
  requirePaid(s);
  if (isFinal(s)) refuse('ESCROW_CLOSED', `the order is ${s.status}`);
  const amount = requireAmount(data.amount, s, 'fast refund', false);
  requireNoOtherExposure(s, data.disputeId);
  if (amount > holdOf(s).free) refuse('FAST_REFUND_EXCEEDS_HELD', `fast refund ${amount} > held ${holdOf(s).free}`);
  if (orderRefunds(s) + amount > holdOf(s).captured) refuse('REFUND_EXCEEDS_CAPTURE', `fast refund ${amount} above what was paid`);
  const m = mover(s, data.eventId, meta.now);
  m.add('fast_refund', amount);
  const refundId = `${data.eventId}:refund`;
  return [
    ...m.posted(),
    { type: 'FastRefundAdvanced', data: { orderId: s.orderId, disputeId: data.disputeId, amount: data.amount, refundId, advancedAt: meta.now } },
    ...refundRequested(s, refundId, amount, 'FAST_REFUND', meta.now, data.disputeId),
  ];
};

/** Pays `amount` to the buyer from the free hold first, the rest from the seller payable (E5). */
const fromHoldThenSeller = (s: KnownEscrow, m: Mover, amount: number, freeHold: number): { fromHold: number; fromSeller: number } => {
  const fromHold = m.add('refund', Math.min(amount, freeHold));
  return { fromHold, fromSeller: m.add('clawback', amount - fromHold) };
};

/**
 * E3/R5/D8: DisputeSettled refunds R and releases the rest when releaseRemainder, once per dispute.
 * The refund of the order total comes from the hold (a fast refund of this dispute is recovered from
 * it; if R is below the fast refund the platform writes the difference off); whatever the hold cannot
 * cover is debited from the seller payable. Return-shipping compensation is always charged to the
 * seller payable (R1: the seller pays return shipping when the ruling says so), never created.
 */
export const applyDisputeSettlement = ({ data, meta }: ApplyDisputeSettlement, s: KnownEscrow): EscrowEvent[] => {
  const d = s.disputes[data.disputeId];
  if (d?.settledRefund !== undefined) return [];
  requirePaid(s);
  const total = requireAmount(data.refund, s, 'refund');
  const compensation = data.compensation ? requireAmount(data.compensation, s, 'compensation') : 0;
  if (compensation > total) refuse('INVALID_AMOUNT', 'compensation is part of the refund');
  requireNoOtherExposure(s, data.disputeId);
  const refund = total - compensation;
  const fast = d?.fastRefund ?? 0;
  const otherRefunds = orderRefunds(s) - fast;
  if (otherRefunds + Math.max(refund, fast) > holdOf(s).captured) refuse('REFUND_EXCEEDS_CAPTURE', `refund ${refund} above what was paid`);
  return settle(s, data, meta.now, { refund, compensation, fast, exposureOpen: d?.exposureOpen ?? 0 });
};

const settle = (
  s: KnownEscrow,
  data: ApplyDisputeSettlement['data'],
  now: string,
  a: { refund: number; compensation: number; fast: number; exposureOpen: number },
): EscrowEvent[] => {
  const m = mover(s, data.eventId, now);
  // R6: the buyer already has the fast refund; recover what the outcome confirms, write off the rest
  const recovered = m.add('exposure_recovery', Math.min(a.exposureOpen, a.refund));
  const writtenOff = m.add('exposure_writeoff', a.exposureOpen - recovered);
  const free = holdOf(s).hold - recovered;
  const { fromHold, fromSeller } = fromHoldThenSeller(s, m, Math.max(a.refund - a.fast, 0), free);
  m.add('compensation', a.compensation);
  const released = data.releaseRemainder ? release(s, m, free - fromHold, now, 'DISPUTE_SETTLED', data.disputeId) : [];
  const applied: EscrowEvent = {
    type: 'DisputeSettlementApplied',
    data: {
      orderId: s.orderId,
      disputeId: data.disputeId,
      settledBy: data.settledBy,
      refund: { amount: a.refund, currency: s.total.currency },
      compensation: { amount: a.compensation, currency: s.total.currency },
      recovered,
      writtenOff,
      fromHold,
      fromSeller,
      releaseRemainder: data.releaseRemainder,
      appliedAt: now,
    },
  };
  return [
    ...m.posted(),
    applied,
    ...sellerDebited(s, fromSeller, 'SETTLEMENT_CLAWBACK', data.disputeId, now),
    ...sellerDebited(s, a.compensation, 'RETURN_SHIPPING_COMPENSATION', data.disputeId, now),
    ...refundRequested(s, `${data.eventId}:refund`, fromHold + fromSeller, 'DISPUTE_SETTLED', now, data.disputeId),
    ...refundRequested(s, `${data.eventId}:compensation`, a.compensation, 'RETURN_SHIPPING_COMPENSATION', now, data.disputeId),
    ...released,
  ];
};

/**
 * R8/E5: an OVERTURN raises the dispute's refund to `refund` (of the order total, like the settlement's).
 * - Above what the buyer already got for the dispute (the larger of the ruling and a fast refund), the
 *   delta is refunded from the hold if any is left, else clawed back from the seller payable, which may
 *   go negative and nets against later releases.
 * - R6: up to what the buyer already got, nothing is paid again. If the earlier ruling was below the
 *   fast refund, the platform wrote the difference off; the part of that write-off the new refund
 *   justifies is paid back to the platform, from the hold if any is left, else from the seller payable
 *   (writeoff_clawback). So the seller, not the platform, carries what the new ruling gives the buyer.
 * UPHOLD and a lower refund move nothing (money paid to the buyer is not taken back). Once per dispute.
 */
export const applyAppealDecision = ({ data, meta }: ApplyAppealDecision, s: KnownEscrow): EscrowEvent[] => {
  const d = s.disputes[data.disputeId];
  if (d?.appeal) return [];
  if (d?.settledRefund === undefined) return refuse('DISPUTE_NOT_SETTLED', `dispute ${data.disputeId} has no settlement`);
  const paid = d.settledRefund;
  const ruled = d.ruledRefund ?? paid;
  const next = data.decision === 'OVERTURN' ? requireAmount(data.refund ?? { amount: -1, currency: s.total.currency }, s, 'appeal refund') : ruled;
  const delta = Math.max(next - paid, 0);
  if (orderRefunds(s) + delta > holdOf(s).captured) refuse('REFUND_EXCEEDS_CAPTURE', `refund ${next} above what was paid`);
  // R6/E5: the written-off part of the fast refund the new ruling now justifies (never more than is still written off)
  const outstanding = -holdOf(s).balances.platform_writeoff;
  const justified = Math.min(Math.max(next - ruled, 0), d.writtenOff ?? 0, outstanding);
  const m = mover(s, data.eventId, meta.now);
  const { fromHold, fromSeller } = fromHoldThenSeller(s, m, delta, holdOf(s).free);
  const writeoffFromHold = m.add('writeoff_recovery', Math.min(justified, holdOf(s).free - fromHold));
  const writeoffFromSeller = m.add('writeoff_clawback', justified - writeoffFromHold);
  const applied: EscrowEvent = {
    type: 'AppealDecisionApplied',
    data: {
      orderId: s.orderId,
      disputeId: data.disputeId,
      decision: data.decision,
      previousRefund: paid,
      newRefund: next,
      fromHold,
      fromSeller,
      ...(justified > 0 ? { writeoffFromHold, writeoffFromSeller } : {}),
      appliedAt: meta.now,
    },
  };
  return [
    ...m.posted(),
    applied,
    ...sellerDebited(s, fromSeller + writeoffFromSeller, 'APPEAL_CLAWBACK', data.disputeId, meta.now),
    ...refundRequested(s, `${data.eventId}:refund`, delta, 'APPEAL_OVERTURNED', meta.now, data.disputeId),
  ];
};
