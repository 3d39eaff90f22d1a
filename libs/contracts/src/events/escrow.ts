// Public events on the escrow.v1 topic (docs/conventions.md, catalogue). Owned by the escrow service.
// Key = orderId. Money is integer minor units. Private escrow events (ledger entries, retries) are
// declared in services/escrow/src/domain and never leave the service's log.
import { z } from 'zod';
import { Money } from '../money';
import { Topics } from '../topics';
import { defineEvent } from '../registry';

const Iso = z.iso.datetime();
const Id = z.string().min(1);
const byOrder = (d: { orderId: string }) => d.orderId;

/** Why money goes back to the buyer (E3, E4, E5, R6). `PAYMENT_RETURNED` = a capture that was never held. */
export const EscrowRefundReason = z.enum([
  'ORDER_CANCELLED',
  'ORDER_CLOSED',
  'DISPUTE_SETTLED',
  'FAST_REFUND',
  'APPEAL_OVERTURNED',
  'RETURN_SHIPPING_COMPENSATION',
  'PAYMENT_RETURNED',
]);
export type EscrowRefundReason = z.infer<typeof EscrowRefundReason>;

/**
 * Why a seller's payable balance was debited: an appeal (E5) or a settlement that refunds more than is
 * still held takes it back from the seller; return-shipping compensation (R1/D8) is charged to the seller.
 */
export const SellerDebitReason = z.enum(['APPEAL_CLAWBACK', 'SETTLEMENT_CLAWBACK', 'RETURN_SHIPPING_COMPENSATION']);
export type SellerDebitReason = z.infer<typeof SellerDebitReason>;

/** Why a captured payment was not held but returned at once (E4: never held twice). */
export const PaymentReturnReason = z.enum(['ALREADY_PAID', 'ORDER_CLOSED', 'AMOUNT_MISMATCH']);
export type PaymentReturnReason = z.infer<typeof PaymentReturnReason>;

export const PaymentCapturedData = z.object({
  orderId: Id,
  paymentId: Id,
  providerRef: Id,
  amount: Money,
  capturedAt: Iso,
});
export type PaymentCapturedData = z.infer<typeof PaymentCapturedData>;

export const PaymentFailedData = z.object({
  orderId: Id,
  paymentId: Id,
  reason: z.string().min(1),
  failedAt: Iso,
});
export type PaymentFailedData = z.infer<typeof PaymentFailedData>;

export const PaymentReturnedData = z.object({
  orderId: Id,
  paymentId: Id,
  providerRef: Id,
  amount: Money,
  reason: PaymentReturnReason,
  refundId: Id,
  returnedAt: Iso,
});
export type PaymentReturnedData = z.infer<typeof PaymentReturnedData>;

export const FundsReleasedData = z.object({
  orderId: Id,
  sellerId: Id,
  /** Gross amount leaving the hold. */
  amount: Money,
  commission: Money,
  /** amount - commission, credited to the seller's payable balance. */
  netPayable: Money,
  trigger: z.enum(['ORDER_COMPLETED', 'DISPUTE_SETTLED']),
  disputeId: Id.optional(),
  releasedAt: Iso,
});
export type FundsReleasedData = z.infer<typeof FundsReleasedData>;

export const RefundRequestedData = z.object({
  orderId: Id,
  refundId: Id,
  amount: Money,
  reason: EscrowRefundReason,
  disputeId: Id.optional(),
  requestedAt: Iso,
});
export type RefundRequestedData = z.infer<typeof RefundRequestedData>;

export const RefundCompletedData = z.object({
  orderId: Id,
  refundId: Id,
  amount: Money,
  /** Same reason as the request; `PAYMENT_RETURNED` and compensation are not refunds of the order total. */
  reason: EscrowRefundReason,
  providerRef: Id,
  completedAt: Iso,
});
export type RefundCompletedData = z.infer<typeof RefundCompletedData>;

export const SellerDebitedData = z.object({
  orderId: Id,
  sellerId: Id,
  amount: Money,
  reason: SellerDebitReason,
  disputeId: Id,
  debitedAt: Iso,
});
export type SellerDebitedData = z.infer<typeof SellerDebitedData>;

const ce = (action: string) => `marketplace.escrow.${action}.v1`;

export const PaymentCaptured = defineEvent({
  type: 'PaymentCaptured',
  version: 1,
  schema: PaymentCapturedData,
  topic: Topics.escrow,
  ceType: ce('payment-captured'),
  key: byOrder,
  description: 'E4: the provider captured the order total; it is now held (O3).',
});
export const PaymentFailed = defineEvent({
  type: 'PaymentFailed',
  version: 1,
  schema: PaymentFailedData,
  topic: Topics.escrow,
  ceType: ce('payment-failed'),
  key: byOrder,
  description: 'E4: the provider declined the payment; the order stays unpaid.',
});
export const PaymentReturned = defineEvent({
  type: 'PaymentReturned',
  version: 1,
  schema: PaymentReturnedData,
  topic: Topics.escrow,
  ceType: ce('payment-returned'),
  key: byOrder,
  description: 'E4: a capture for an already paid or closed order, or of a wrong amount, is refunded at once, never held.',
});
export const FundsReleased = defineEvent({
  type: 'FundsReleased',
  version: 1,
  schema: FundsReleasedData,
  topic: Topics.escrow,
  ceType: ce('funds-released'),
  key: byOrder,
  description: 'E3: held money released to the seller payable, minus the platform commission.',
});
export const RefundRequested = defineEvent({
  type: 'RefundRequested',
  version: 1,
  schema: RefundRequestedData,
  topic: Topics.escrow,
  ceType: ce('refund-requested'),
  key: byOrder,
  description: 'E3/E4: a refund to the buyer is committed in the ledger and dispatched to the provider.',
});
export const RefundCompleted = defineEvent({
  type: 'RefundCompleted',
  version: 1,
  schema: RefundCompletedData,
  topic: Topics.escrow,
  ceType: ce('refund-completed'),
  key: byOrder,
  description: 'E4: the provider confirmed the refund (exactly once per refundId).',
});
export const SellerDebited = defineEvent({
  type: 'SellerDebited',
  version: 1,
  schema: SellerDebitedData,
  topic: Topics.escrow,
  ceType: ce('seller-debited'),
  key: byOrder,
  description: 'E5: the seller payable balance was debited (appeal clawback, return-shipping compensation); may go negative.',
});

/** Every public escrow.v1 event definition. */
export const escrowPublicEvents = [PaymentCaptured, PaymentFailed, PaymentReturned, FundsReleased, RefundRequested, RefundCompleted, SellerDebited] as const;
