// disputes.v1 -> order commands (O8, O9, D9, E3, R7, R8, S3): pure, shared by the Kafka consumer and
// the whole-system simulation (tests/simulation). null: the order does not act on the event
// (DisputeResendAgreed: protection stays suspended until the replacement actually ships).
import type {
  AppealDecidedData,
  AppealFiledData,
  ConsumedEvent,
  DisputeOpenedData,
  DisputeProtectionExtensionAgreedData,
  DisputeSettledData,
  DisputeWithdrawnData,
  Money,
  ProtectionEndAcknowledgedData,
  ResendShippedData,
} from '@bp/contracts';
import type { OrderCommand } from '../order';
import { commandFrom } from './command';

/**
 * E3: the part of the paid total a settlement gives back. Compensation for return shipping is paid on
 * top of the total (R1, D8), so it must not make a partial refund look like a full one.
 */
export const refundOfTheTotal = (d: Pick<DisputeSettledData, 'refund' | 'returnShippingCompensation'>): Money => ({
  amount: Math.max(0, d.refund.amount - (d.returnShippingCompensation?.amount ?? 0)),
  currency: d.refund.currency,
});

export const orderFromDisputes = {
  // O9: protection is suspended while the dispute is open, and resumes when it is withdrawn.
  DisputeOpened: (e: ConsumedEvent<DisputeOpenedData>): OrderCommand | null => {
    const { orderId, disputeId, openedAt } = e.data;
    return commandFrom(e, 'RecordDisputeOpened', { orderId, disputeId, openedAt });
  },
  DisputeWithdrawn: (e: ConsumedEvent<DisputeWithdrawnData>): OrderCommand | null => {
    const { orderId, disputeId, withdrawnAt } = e.data;
    return commandFrom(e, 'RecordDisputeWithdrawn', { orderId, disputeId, withdrawnAt });
  },
  DisputeSettled: (e: ConsumedEvent<DisputeSettledData>): OrderCommand | null => {
    const { orderId, disputeId, settledAt } = e.data;
    return commandFrom(e, 'RecordDisputeSettled', { orderId, disputeId, refund: refundOfTheTotal(e.data), settledAt });
  },
  // D9: the replacement shipped; protection resumes, extended by what the dispute agreed.
  ResendShipped: (e: ConsumedEvent<ResendShippedData>): OrderCommand | null => {
    const { orderId, disputeId, shippedAt, extendBy } = e.data;
    return commandFrom(e, 'RecordResendShipped', { orderId, disputeId, shippedAt, extendByDays: extendBy });
  },
  // O8: the dispute ended with the extension the seller had declined.
  DisputeProtectionExtensionAgreed: (e: ConsumedEvent<DisputeProtectionExtensionAgreedData>): OrderCommand | null => {
    const { orderId, disputeId, days, agreedAt } = e.data;
    return commandFrom(e, 'RecordExtensionAgreed', { orderId, disputeId, days, agreedAt });
  },
  // R7: an appeal of a resend-resolved dispute suspends protection again.
  AppealFiled: (e: ConsumedEvent<AppealFiledData>): OrderCommand | null => {
    const { orderId, disputeId, filedAt } = e.data;
    return commandFrom(e, 'RecordAppealFiled', { orderId, disputeId, filedAt });
  },
  // R8: only a decision that is no correction can resume protection; a correction settles via DisputeSettled.
  AppealDecided: (e: ConsumedEvent<AppealDecidedData>): OrderCommand | null => {
    const { orderId, disputeId, decision, decidedAt, correction } = e.data;
    return correction ? null : commandFrom(e, 'RecordAppealDecided', { orderId, disputeId, decision, decidedAt });
  },
  // S3: the dispute service's answer to a protection end: complete, or hold for the open dispute.
  ProtectionEndAcknowledged: (e: ConsumedEvent<ProtectionEndAcknowledgedData>): OrderCommand | null => {
    const { orderId, round, openDisputeId, acknowledgedAt } = e.data;
    return commandFrom(e, 'RecordProtectionEndAcknowledged', { orderId, round, openDisputeId, acknowledgedAt });
  },
} as const;
