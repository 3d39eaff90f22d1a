// escrow.v1 -> order commands (O3, E3): pure, shared by the Kafka consumer and the simulation.
import type { ConsumedEvent, EscrowRefundReason, PaymentCapturedData, RefundCompletedData } from '@bp/contracts';
import type { OrderCommand } from '../order';
import { commandFrom } from './command';

/**
 * Refunds that are not OF THE ORDER TOTAL, so never count towards "refunded in full": PAYMENT_RETURNED
 * gives back a capture that was never held (a duplicate or late payment), RETURN_SHIPPING_COMPENSATION
 * is money on top of the total.
 */
export const NOT_A_REFUND_OF_THE_ORDER: ReadonlySet<EscrowRefundReason> = new Set(['PAYMENT_RETURNED', 'RETURN_SHIPPING_COMPENSATION']);
/** Refunds a dispute decided: how the order ends is the dispute's DisputeSettled, not the refund (S3). */
export const OF_A_DISPUTE: ReadonlySet<EscrowRefundReason> = new Set(['FAST_REFUND', 'DISPUTE_SETTLED', 'APPEAL_OVERTURNED']);

export const orderFromEscrow = {
  // O3: the payment was captured into escrow: the order is paid.
  PaymentCaptured: (e: ConsumedEvent<PaymentCapturedData>): OrderCommand | null => {
    const { orderId, paymentId, amount, capturedAt } = e.data;
    return commandFrom(e, 'ConfirmPayment', { orderId, paymentId, amount, capturedAt });
  },
  // E3: a refund of the order total; the order closes as refunded once the whole total went back.
  RefundCompleted: (e: ConsumedEvent<RefundCompletedData>): OrderCommand | null => {
    const { orderId, refundId, amount, completedAt, reason } = e.data;
    if (NOT_A_REFUND_OF_THE_ORDER.has(reason)) return null;
    return commandFrom(e, 'RecordRefundCompleted', { orderId, refundId, amount, completedAt, ofDispute: OF_A_DISPUTE.has(reason) });
  },
} as const;
