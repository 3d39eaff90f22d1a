// orders.v1 and disputes.v1 facts -> escrow commands: pure, so the Kafka consumers and the
// whole-system simulation (tests/simulation) map a fact the same way. `eventId` = ce_id, so ledger
// ids are deterministic (replays); null: no money moves on this fact.
import type {
  AppealDecidedData,
  DisputeSettledData,
  FastRefundGrantedData,
  OrderCancelledData,
  OrderClosedData,
  OrderCompletedData,
  OrderPlacedData,
} from '@bp/contracts';
import { EscrowPolicySchema, type EscrowCommand } from '../domain';

type Meta = EscrowCommand['meta'];

export const orderFactCommands = {
  // The order's policy snapshot, never the live policy (conventions).
  OrderPlaced: (eventId: string, d: OrderPlacedData, meta: Meta): EscrowCommand => ({
    type: 'RecordOrderPlaced',
    data: { eventId, orderId: d.orderId, buyerId: d.buyerId, sellerId: d.sellerId, total: d.total, policy: EscrowPolicySchema.parse(d.policy.escrow) },
    meta,
  }),
  OrderCompleted: (eventId: string, d: OrderCompletedData, meta: Meta): EscrowCommand =>
    ({ type: 'ReleaseOnCompletion', data: { eventId, orderId: d.orderId, reason: d.reason }, meta }),
  OrderCancelled: (eventId: string, d: OrderCancelledData, meta: Meta): EscrowCommand =>
    ({ type: 'RefundOnCancellation', data: { eventId, orderId: d.orderId, source: 'OrderCancelled', refundDue: d.paid }, meta }),
  OrderClosed: (eventId: string, d: OrderClosedData, meta: Meta): EscrowCommand => ({
    type: 'RefundOnCancellation',
    data: { eventId, orderId: d.orderId, source: 'OrderClosed', refundDue: d.refundDue, ...(d.disputeId ? { disputeId: d.disputeId } : {}) },
    meta,
  }),
} as const;

export const disputeFactCommands = {
  // `refund` already includes the compensation; the fast refund is the escrow's own record (R6).
  DisputeSettled: (eventId: string, d: DisputeSettledData, meta: Meta): EscrowCommand => ({
    type: 'ApplyDisputeSettlement',
    data: {
      eventId, orderId: d.orderId, disputeId: d.disputeId, refund: d.refund,
      ...(d.returnShippingCompensation ? { compensation: d.returnShippingCompensation } : {}),
      releaseRemainder: d.releaseRemainder, settledBy: d.settledBy,
    },
    meta,
  }),
  FastRefundGranted: (eventId: string, d: FastRefundGrantedData, meta: Meta): EscrowCommand =>
    ({ type: 'GrantFastRefund', data: { eventId, orderId: d.orderId, disputeId: d.disputeId, amount: d.amount }, meta }),
  // Only a correction moves money here; otherwise it travels on DisputeSettled (settledBy APPEAL).
  AppealDecided: (eventId: string, d: AppealDecidedData, meta: Meta): EscrowCommand | null =>
    d.correction ? { type: 'ApplyAppealDecision', data: { eventId, orderId: d.orderId, disputeId: d.disputeId, decision: d.decision, refund: d.refund }, meta } : null,
} as const;
