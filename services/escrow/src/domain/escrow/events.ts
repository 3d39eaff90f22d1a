import type {
  FundsReleasedData,
  Money,
  PaymentCapturedData,
  PaymentFailedData,
  PaymentReturnedData,
  RefundCompletedData,
  RefundRequestedData,
  SellerDebitedData,
} from '@bp/contracts';
import type { Posting } from '../ledger';
import type { EscrowPolicy } from './commands';

type Ev<T extends string, D> = { type: T; data: D };

/** Private: the order as escrow knows it, from orders.v1 OrderPlaced. */
export type OrderRecorded = Ev<
  'OrderRecorded',
  {
    orderId: string;
    buyerId: string;
    sellerId: string;
    total: Money;
    policy: EscrowPolicy;
    recordedAt: string;
  }
>;
export type PaymentRequested = Ev<
  'PaymentRequested',
  {
    orderId: string;
    paymentId: string;
    methodType: 'sandbox';
    amount: Money;
    requestedAt: string;
    /** E4: the sandbox token, so the reconcile step can re-issue the same capture (absent in older events). */
    token?: string;
  }
>;
/**
 * E4: the payment's reconcile deadline fired while it still waited for the provider: the app asks
 * the provider again (same payment id, so idempotent) and the next check is due at nextReconcileAt.
 */
export type PaymentReconcileStarted = Ev<
  'PaymentReconcileStarted',
  {
    orderId: string;
    paymentId: string;
    attempt: number;
    startedAt: string;
    nextReconcileAt: string;
  }
>;
/** Private: the only event that moves money (E1). sellerId lets the seller-balance projection select it. */
export type EntriesPosted = Ev<'EntriesPosted', { orderId: string; sellerId: string; entries: Posting[] }>;
export type FastRefundAdvanced = Ev<
  'FastRefundAdvanced',
  {
    orderId: string;
    disputeId: string;
    amount: Money;
    refundId: string;
    advancedAt: string;
  }
>;
export type DisputeSettlementApplied = Ev<
  'DisputeSettlementApplied',
  {
    orderId: string;
    disputeId: string;
    settledBy: string;
    /** Refund of the order total (the settlement's refund minus compensation). */
    refund: Money;
    compensation: Money;
    recovered: number;
    writtenOff: number;
    fromHold: number;
    fromSeller: number;
    releaseRemainder: boolean;
    appliedAt: string;
  }
>;
export type AppealDecisionApplied = Ev<
  'AppealDecisionApplied',
  {
    orderId: string;
    disputeId: string;
    decision: 'UPHOLD' | 'OVERTURN';
    previousRefund: number;
    newRefund: number;
    fromHold: number;
    fromSeller: number;
    appliedAt: string;
    /** R6/E5: a written-off fast refund the overturn justifies, paid back to the platform from the hold / the seller. */
    writeoffFromHold?: number;
    writeoffFromSeller?: number;
  }
>;
export type RefundAttemptFailed = Ev<
  'RefundAttemptFailed',
  {
    orderId: string;
    refundId: string;
    attempt: number;
    error: string;
    failedAt: string;
    nextAttemptAt: string;
  }
>;
export type RefundRetried = Ev<'RefundRetried', { orderId: string; refundId: string; attempt: number; retriedAt: string }>;
export type EscrowClosed = Ev<
  'EscrowClosed',
  {
    orderId: string;
    outcome: 'COMPLETED' | 'CANCELLED' | 'CLOSED';
    reason: string;
    closedAt: string;
  }
>;

export type EscrowEvent =
  | OrderRecorded
  | PaymentRequested
  | PaymentReconcileStarted
  | Ev<'PaymentCaptured', PaymentCapturedData>
  | Ev<'PaymentFailed', PaymentFailedData>
  | Ev<'PaymentReturned', PaymentReturnedData>
  | EntriesPosted
  | Ev<'FundsReleased', FundsReleasedData>
  | Ev<'RefundRequested', RefundRequestedData>
  | RefundAttemptFailed
  | RefundRetried
  | Ev<'RefundCompleted', RefundCompletedData>
  | Ev<'SellerDebited', SellerDebitedData>
  | FastRefundAdvanced
  | DisputeSettlementApplied
  | AppealDecisionApplied
  | EscrowClosed;

export type EscrowEventType = EscrowEvent['type'];
export type EventOf<T extends EscrowEventType> = Extract<EscrowEvent, { type: T }>;
