// disputes.v1 facts -> order commands (O9, D9, E3, R7, R8, S3): pure, so the Kafka consumer and the
// whole-system simulation (tests/simulation) map a fact the same way. null: the order does not act
// on it (DisputeResendAgreed: protection stays suspended until the replacement actually ships).
import type {
  AppealDecidedData,
  AppealFiledData,
  DisputeProtectionExtensionAgreedData,
  DisputeOpenedData,
  DisputeSettledData,
  DisputeWithdrawnData,
  ProtectionEndAcknowledgedData,
  ResendShippedData,
} from '@bp/contracts';
import type { OrderCommand } from '../domain/order';

/** An order command without its meta (the consumer adds now and the system actor). */
export type FactCommand = { [T in OrderCommand['type']]: Omit<Extract<OrderCommand, { type: T }>, 'meta'> }[OrderCommand['type']];

export const disputeFactCommands = {
  DisputeOpened: (d: DisputeOpenedData): FactCommand =>
    ({ type: 'RecordDisputeOpened', data: { orderId: d.orderId, disputeId: d.disputeId, openedAt: d.openedAt } }),
  DisputeWithdrawn: (d: DisputeWithdrawnData): FactCommand =>
    ({ type: 'RecordDisputeWithdrawn', data: { orderId: d.orderId, disputeId: d.disputeId, withdrawnAt: d.withdrawnAt } }),
  // The order's refund is the part of the paid total going back: compensation for return shipping
  // is paid on top (R1, D8) and must not make a partial refund look like a full one.
  DisputeSettled: (d: DisputeSettledData): FactCommand => {
    const ofTotal = { amount: Math.max(0, d.refund.amount - (d.returnShippingCompensation?.amount ?? 0)), currency: d.refund.currency };
    return { type: 'RecordDisputeSettled', data: { orderId: d.orderId, disputeId: d.disputeId, refund: ofTotal, settledAt: d.settledAt } };
  },
  ResendShipped: (d: ResendShippedData): FactCommand =>
    ({ type: 'RecordResendShipped', data: { orderId: d.orderId, disputeId: d.disputeId, shippedAt: d.shippedAt, extendByDays: d.extendBy } }),
  // O8: the dispute ended with the extension the seller had declined.
  DisputeProtectionExtensionAgreed: (d: DisputeProtectionExtensionAgreedData): FactCommand =>
    ({ type: 'RecordExtensionAgreed', data: { orderId: d.orderId, disputeId: d.disputeId, days: d.days, agreedAt: d.agreedAt } }),
  AppealFiled: (d: AppealFiledData): FactCommand =>
    ({ type: 'RecordAppealFiled', data: { orderId: d.orderId, disputeId: d.disputeId, filedAt: d.filedAt } }),
  // Only an UPHOLD that is no correction can resume protection; an OVERTURN settles via DisputeSettled.
  AppealDecided: (d: AppealDecidedData): FactCommand | null =>
    d.correction ? null : { type: 'RecordAppealDecided', data: { orderId: d.orderId, disputeId: d.disputeId, decision: d.decision, decidedAt: d.decidedAt } },
  ProtectionEndAcknowledged: (d: ProtectionEndAcknowledgedData): FactCommand => ({
    type: 'RecordProtectionEndAcknowledged',
    data: { orderId: d.orderId, round: d.round, openDisputeId: d.openDisputeId, acknowledgedAt: d.acknowledgedAt },
  }),
} as const;
