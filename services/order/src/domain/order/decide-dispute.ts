// O9, D9, E3: facts from disputes.v1. While a dispute is open, protection is suspended: the
// remaining time is kept and auto-confirm waits. A record that does not match the open dispute (a
// duplicate, or one that arrives after the order finished) changes nothing.
import { allow, existing, position } from './authorize';
import type { CommandOf } from './commands';
import { orderError } from './errors';
import { isInTransit } from './guards';
import type { InTransitState, OrderEvent, OrderState } from './order';
import { closedEvent, completedEvent, protectionResumedEvents } from './facts';
import { addMs, daysMs, iso, ms } from './time';

type DisputeCmd = CommandOf<'RecordDisputeWithdrawn' | 'RecordDisputeSettled' | 'RecordResendShipped'>;

/** The order in transit with `disputeId` open, or null when the record is stale. */
const withOpenDispute = (cmd: DisputeCmd, state: OrderState): InTransitState | null => {
  const s = existing(cmd, state);
  return isInTransit(s) && s.protection.suspension?.disputeId === cmd.data.disputeId ? s : null;
};

/** O9: suspend protection, keeping the remaining time (<= 0 when it had already run out). */
export const recordDisputeOpened = (cmd: CommandOf<'RecordDisputeOpened'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  if (s.status === 'completed' || s.status === 'closed') return []; // finished before the record arrived
  position(cmd, s);
  if (!isInTransit(s)) return [];
  const open = s.protection.suspension;
  if (open?.disputeId === cmd.data.disputeId) return [];
  if (open) throw orderError('DISPUTE_ALREADY_OPEN', `dispute ${open.disputeId} is open`);
  const suspendedAt = iso(cmd.data.openedAt ?? cmd.meta.now);
  const remainingMs = ms(s.protection.endsAt) - ms(suspendedAt);
  return [{ type: 'ProtectionSuspended', data: { orderId: s.order.orderId, disputeId: cmd.data.disputeId, suspendedAt, remainingMs } }];
};

/**
 * O9/D7: withdrawal resumes protection (endsAt = now + remaining); if none was left, protection ends
 * at once: the order asks the dispute service (S3) instead of completing on its own.
 */
export const recordDisputeWithdrawn = (cmd: CommandOf<'RecordDisputeWithdrawn'>, state: OrderState): OrderEvent[] => {
  const s = withOpenDispute(cmd, state);
  if (!s?.protection.suspension) return [];
  allow(cmd, state);
  return protectionResumedEvents(s, cmd.data.disputeId, cmd.data.withdrawnAt ?? cmd.meta.now, s.protection.suspension.remainingMs, 'DISPUTE_WITHDRAWN');
};

/** E3: a full refund closes the order REFUNDED; otherwise it completes and the remainder is released. */
export const recordDisputeSettled = (cmd: CommandOf<'RecordDisputeSettled'>, state: OrderState): OrderEvent[] => {
  const s = withOpenDispute(cmd, state);
  if (!s) return [];
  const full = cmd.data.refund.amount >= s.payment.amount.amount;
  allow(cmd, state, full ? 'closed' : 'completed');
  const at = cmd.data.settledAt ?? cmd.meta.now;
  return [full ? closedEvent(s, 'REFUNDED', false, at, cmd.data.disputeId) : completedEvent(s, 'DISPUTE_SETTLED', at, cmd.data.disputeId)];
};

/** D9: a resend ends the dispute; protection resumes, extended by the shipping method's protection days. */
export const recordResendShipped = (cmd: CommandOf<'RecordResendShipped'>, state: OrderState): OrderEvent[] => {
  const s = withOpenDispute(cmd, state);
  if (!s?.protection.suspension) return [];
  allow(cmd, state);
  const extendedByDays = Math.max(0, Math.trunc(cmd.data.extendByDays ?? s.order.protectionDays));
  const resumedAt = iso(cmd.data.shippedAt ?? cmd.meta.now);
  const protectionEndsAt = addMs(resumedAt, s.protection.suspension.remainingMs + daysMs(extendedByDays));
  return [
    {
      type: 'ProtectionResumed',
      data: { orderId: s.order.orderId, disputeId: cmd.data.disputeId, resumedAt, protectionEndsAt, cause: 'RESEND_SHIPPED', extendedByDays },
    },
  ];
};
