// S3: facts from disputes.v1 that decide whether money may leave while a dispute could still come.
// - ProtectionEndAcknowledged (O7): the answer to this order's ProtectionEnded round. Naming no
//   dispute, it completes the order (AUTO_CONFIRMED, escrow releases); naming one, the order suspends
//   protection for it as DisputeOpened would (that event, published before the answer, normally came
//   first and the answer is then stale); the time left is then none (O9: a withdrawal ends protection).
// - AppealFiled / AppealDecided (R7, R8): an appeal of a dispute that a resend resolved (D9) reopens
//   it on the order, so nothing is released while it is decided; UPHOLD resumes protection, OVERTURN
//   settles through DisputeSettled (decide-dispute.ts).
import { allow, existing } from './authorize';
import type { CommandOf } from './commands';
import { completedEvent, protectionResumedEvents } from './facts';
import { isInTransit } from './guards';
import type { OrderEvent, OrderState } from './order';
import { iso, ms } from './time';

export const recordProtectionEndAcknowledged = (cmd: CommandOf<'RecordProtectionEndAcknowledged'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  // A stale answer (an earlier round, or a dispute became known meanwhile) changes nothing.
  if (!isInTransit(s) || s.protection.ending?.round !== cmd.data.round) return [];
  const at = iso(cmd.data.acknowledgedAt ?? cmd.meta.now);
  const { openDisputeId } = cmd.data;
  if (openDisputeId === null) {
    allow(cmd, state, 'completed');
    return [completedEvent(s, 'AUTO_CONFIRMED', at)];
  }
  allow(cmd, state, 'same');
  return [
    {
      type: 'ProtectionSuspended',
      data: {
        orderId: s.order.orderId,
        disputeId: openDisputeId,
        suspendedAt: at,
        remainingMs: Math.min(0, ms(s.protection.endsAt) - ms(at)),
        cause: 'DISPUTE_OPENED',
      },
    },
  ];
};

/** R7, S3: an appeal of a resend-resolved dispute suspends protection again (remaining time kept, O9). */
export const recordAppealFiled = (cmd: CommandOf<'RecordAppealFiled'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  if (!isInTransit(s) || s.protection.suspension || !s.protection.resentDisputeIds.includes(cmd.data.disputeId)) return [];
  allow(cmd, state);
  const suspendedAt = iso(cmd.data.filedAt ?? cmd.meta.now);
  return [
    {
      type: 'ProtectionSuspended',
      data: {
        orderId: s.order.orderId,
        disputeId: cmd.data.disputeId,
        suspendedAt,
        remainingMs: ms(s.protection.endsAt) - ms(suspendedAt),
        cause: 'APPEAL_FILED',
      },
    },
  ];
};

/** R8: an upheld resend resumes protection (and ends it at once if none was left: S3 asks first). */
export const recordAppealDecided = (cmd: CommandOf<'RecordAppealDecided'>, state: OrderState): OrderEvent[] => {
  const s = existing(cmd, state);
  if (cmd.data.decision !== 'UPHOLD' || !isInTransit(s)) return [];
  const suspension = s.protection.suspension;
  if (suspension?.disputeId !== cmd.data.disputeId || !s.protection.resentDisputeIds.includes(cmd.data.disputeId)) return [];
  allow(cmd, state);
  return protectionResumedEvents(s, cmd.data.disputeId, cmd.data.decidedAt ?? cmd.meta.now, suspension.remainingMs, 'APPEAL_UPHELD');
};
