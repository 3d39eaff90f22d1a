// escrow.v1 facts -> order commands (O3, E3): pure, shared by the consumer and the simulation. Only
// refunds OF THE ORDER TOTAL count towards "refunded in full": PAYMENT_RETURNED gives back a capture
// that was never held (a duplicate or late payment) and RETURN_SHIPPING_COMPENSATION is money on top
// of the total, so neither is recorded (null).
import type { EscrowRefundReason, PaymentCapturedData, RefundCompletedData } from '@bp/contracts';
import type { FactCommand } from './dispute-commands';

const NOT_A_REFUND_OF_THE_ORDER: ReadonlySet<EscrowRefundReason> = new Set(['PAYMENT_RETURNED', 'RETURN_SHIPPING_COMPENSATION']);
/** Refunds a dispute decided: how the order ends is the dispute's DisputeSettled, not the refund (S3). */
const OF_A_DISPUTE: ReadonlySet<EscrowRefundReason> = new Set(['FAST_REFUND', 'DISPUTE_SETTLED', 'APPEAL_OVERTURNED']);

export const escrowFactCommands = {
  PaymentCaptured: (d: PaymentCapturedData): FactCommand =>
    ({ type: 'ConfirmPayment', data: { orderId: d.orderId, paymentId: d.paymentId, amount: d.amount, capturedAt: d.capturedAt } }),
  RefundCompleted: (d: RefundCompletedData): FactCommand | null =>
    NOT_A_REFUND_OF_THE_ORDER.has(d.reason)
      ? null
      : { type: 'RecordRefundCompleted', data: { orderId: d.orderId, refundId: d.refundId, amount: d.amount, completedAt: d.completedAt, ofDispute: OF_A_DISPUTE.has(d.reason) } },
} as const;
