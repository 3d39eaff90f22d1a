import { addDuration } from '@bp/timers';
import type { ConfirmReturnReceipt, ShipResend, ShipReturn } from './commands';
import type { DisputeState, OpenDisputeState } from './dispute';
import type { DisputeEvent } from './events';
import { escalated, ids, money, settled, threadEntry } from './emit';
import { guard } from './guards';

/**
 * R6: A3/A4 buyers (policy snapshot) are refunded when they enter the return tracking number: the
 * part of the paid total. The level is the one at opening, frozen on the dispute's terms like the
 * policy snapshot, so both A4 treatments (this and D8's expedited arbitration) agree for the whole
 * dispute and a replay gives the same answer (issue 17: it used to be the level at shipping time). Return-shipping compensation (R1, D8) is paid with the settlement, where
 * escrow charges it to the seller; advancing it too would pay it twice (escrow recovers the advance
 * only from the order's part and writes the rest off).
 */
const fastRefund = (s: OpenDisputeState, c: ShipReturn): DisputeEvent[] => {
  const pending = s.pendingReturn;
  const due = money(Math.max((pending?.refund.amount ?? 0) - (pending?.returnShippingCompensation?.amount ?? 0), 0), s.paid);
  const eligible = s.policy.returns.fastRefundLevels.includes(s.buyerLevel) && due.amount > 0 && s.fastRefunded.amount === 0;
  return eligible ? [{ type: 'FastRefundGranted', data: { ...ids(s), amount: due, grantedAt: c.meta.now } }] : [];
};

/** R1: the buyer ships the return with carrier and tracking; the seller has the answer window (R3). */
export const shipReturn = (c: ShipReturn, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'buyer_ships_return', actor, now);
  const answerBy = addDuration(now, s.policy.returns.returnAnswerWindow);
  const shipped: DisputeEvent = {
    type: 'ReturnShipped',
    data: { ...ids(s), carrier: c.data.carrier, trackingNumber: c.data.trackingNumber, shippedAt: now, answerBy },
  };
  return [shipped, ...fastRefund(s, c)];
};

/** R3: received OK -> refund (settlement); R4: not received / damaged / different -> arbitration. */
export const confirmReturnReceipt = (c: ConfirmReturnReceipt, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const ok = c.data.condition === 'RECEIVED_OK';
  const s = guard(state, ok ? 'seller_confirms_return' : 'seller_reports_return_problem', actor, now);
  const received: DisputeEvent = { type: 'ReturnReceived', data: { ...ids(s), condition: c.data.condition, receivedAt: now } };
  const note = threadEntry(s, 'RETURN', actor, now, c.data.note, []);
  const due = s.pendingReturn?.refund ?? money(0, s.paid);
  const next = ok ? settled(s, due, 'RETURN_RECEIVED', now, s.pendingReturn?.returnShippingCompensation) : escalated(s, 'seller', now);
  return [received, ...note, next];
};

/** D9: the seller ships the replacement; resolved, money stays held, protection extended. */
export const shipResend = (c: ShipResend, state: DisputeState): DisputeEvent[] => {
  const { now, actor } = c.meta;
  const s = guard(state, 'seller_ships_resend', actor, now);
  return [
    { type: 'ResendShipped', data: { ...ids(s), carrier: c.data.carrier, trackingNumber: c.data.trackingNumber, shippedAt: now, extendBy: s.protectionDays } },
  ];
};
