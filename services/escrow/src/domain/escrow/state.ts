import type { EscrowRefundReason, Money } from '@bp/contracts';
import type { Posting } from '../ledger';
import type { EscrowPolicy } from './commands';

export interface PaymentState {
  paymentId: string;
  /** requested = waiting for the provider (a slow capture stays here until its webhook). */
  status: 'requested' | 'captured' | 'failed' | 'returned';
  providerRef?: string;
  reason?: string;
}

/**
 * E4: a payment still waiting for the provider, and when it is next reconciled with the provider
 * (a crash between PaymentRequested and the recorded answer must not leave it waiting forever).
 * Kept apart from PaymentState so the token never shows in views.
 */
export interface PaymentReconcile {
  paymentId: string;
  /** The payment method's token (absent for payments requested before reconciliation existed). */
  token?: string;
  /** Reconcile rounds started so far (0 until the deadline first fires). */
  attempts: number;
  dueAt: string;
}

export interface RefundState {
  refundId: string;
  amount: Money;
  reason: EscrowRefundReason;
  /** in_flight: an attempt is at the provider; retry_scheduled: waiting for nextAttemptAt. */
  status: 'in_flight' | 'retry_scheduled' | 'completed';
  /** Attempts started so far (1 when requested). */
  attempts: number;
  nextAttemptAt?: string;
  lastError?: string;
}

/** Money decisions of one dispute, each applied exactly once (dedupe by disputeId and outcome kind). */
export interface DisputeMoney {
  disputeId: string;
  fastRefund?: number;
  /** Part of the fast refund not yet recovered from the hold nor written off (R6). */
  exposureOpen: number;
  /** What the buyer got back for this dispute from the order total (max of settlement and fast refund). */
  settledRefund?: number;
  /** What the latest ruling gives the buyer from the order total (the settlement's, then an overturn's). */
  ruledRefund?: number;
  /** Part of this dispute's fast refund the platform wrote off and nobody has paid back yet (R6, E5). */
  writtenOff?: number;
  appeal?: 'UPHOLD' | 'OVERTURN';
}

export type EscrowStatus = 'awaiting_payment' | 'paid' | 'completed' | 'cancelled' | 'closed';

export interface UnknownEscrow {
  status: 'unknown';
}

export interface KnownEscrow {
  status: EscrowStatus;
  orderId: string;
  buyerId: string;
  sellerId: string;
  total: Money;
  policy: EscrowPolicy;
  /** E1: the immutable ledger of this order; every number is derived from it. */
  postings: Posting[];
  payments: Record<string, PaymentState>;
  /** providerRef -> paymentId (E4: captures are idempotent by provider reference). */
  providerRefs: Record<string, string>;
  /** paymentId -> its reconcile schedule, only while the payment is `requested`. */
  reconciles: Record<string, PaymentReconcile>;
  refunds: Record<string, RefundState>;
  disputes: Record<string, DisputeMoney>;
  /** FundsReleased recorded so far (E3: at most one). */
  releases: number;
  /** The order reached its outcome; nothing may stay held (E2). */
  settled: boolean;
}

export type EscrowState = UnknownEscrow | KnownEscrow;

export const initialState: EscrowState = { status: 'unknown' };

export const isKnown = (s: EscrowState): s is KnownEscrow => s.status !== 'unknown';
export const FINAL: readonly EscrowStatus[] = ['completed', 'cancelled', 'closed'];
export const isFinal = (s: KnownEscrow): boolean => FINAL.includes(s.status);
