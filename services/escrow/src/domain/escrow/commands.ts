import type { Actor, Money } from '@bp/contracts';

/** Commands carry everything impure: `now`, the actor, and ids chosen by the caller (conventions). */
export interface CommandMeta {
  now: string;
  actor: Actor;
}
type Cmd<T extends string, D> = { type: T; data: D; meta: CommandMeta };

/** The escrow part of the order's policy snapshot (carried on OrderPlaced, never the live policy). */
export interface EscrowPolicy {
  commissionBps: number;
  refundRetryBase: string;
  refundRetryMax: string;
}

/**
 * `eventId` is the id (ce_id) of the consumed event: ledger entry ids and refund ids derive from it
 * (`<eventId>:<index>`, `<eventId>:refund`), so a replay produces the same ids.
 */
export type RecordOrderPlaced = Cmd<
  'RecordOrderPlaced',
  {
    eventId: string;
    orderId: string;
    buyerId: string;
    sellerId: string;
    total: Money;
    policy: EscrowPolicy;
  }
>;
/** POST /payments: the caller generated paymentId. */
export type RequestPayment = Cmd<
  'RequestPayment',
  {
    orderId: string;
    paymentId: string;
    methodType: 'sandbox';
    /** The payment method's token, kept so a reconciliation can re-issue the identical capture (E4). */
    token?: string;
  }
>;
/** E4: the provider captured (synchronously or by webhook); idempotent by providerRef. */
export type CapturePayment = Cmd<
  'CapturePayment',
  {
    orderId: string;
    paymentId: string;
    providerRef: string;
    amount: Money;
    capturedAt: string;
  }
>;
export type FailPayment = Cmd<'FailPayment', { orderId: string; paymentId: string; reason: string }>;
/** orders.v1 OrderCompleted. */
export type ReleaseOnCompletion = Cmd<
  'ReleaseOnCompletion',
  {
    eventId: string;
    orderId: string;
    reason: 'CONFIRMED' | 'AUTO_CONFIRMED' | 'DISPUTE_SETTLED';
  }
>;
/** orders.v1 OrderCancelled (paid) / OrderClosed (refundDue). What is held is refunded whatever the flag says. */
export type RefundOnCancellation = Cmd<
  'RefundOnCancellation',
  {
    eventId: string;
    orderId: string;
    source: 'OrderCancelled' | 'OrderClosed';
    refundDue: boolean;
    /** OrderClosed(REFUNDED) by a dispute's full-refund settlement: that settlement moves the money. */
    disputeId?: string;
  }
>;
/** disputes.v1 DisputeSettled: `refund` includes `compensation` (return shipping), as in the catalogue. */
export type ApplyDisputeSettlement = Cmd<
  'ApplyDisputeSettlement',
  {
    eventId: string;
    orderId: string;
    disputeId: string;
    refund: Money;
    compensation?: Money;
    releaseRemainder: boolean;
    settledBy: string;
  }
>;
/** disputes.v1 FastRefundGranted (R6). */
export type GrantFastRefund = Cmd<'GrantFastRefund', { eventId: string; orderId: string; disputeId: string; amount: Money }>;
/** disputes.v1 AppealDecided (R8): `refund` is the new total refund of the dispute (without compensation). */
export type ApplyAppealDecision = Cmd<
  'ApplyAppealDecision',
  {
    eventId: string;
    orderId: string;
    disputeId: string;
    decision: 'UPHOLD' | 'OVERTURN';
    refund?: Money;
  }
>;
/** E4: the provider confirmed a refund (adapter answer or webhook). */
export type CompleteRefund = Cmd<'CompleteRefund', { orderId: string; refundId: string; providerRef: string }>;
/** E4: attempt number `attempt` of a refund failed at the provider. */
export type FailRefundAttempt = Cmd<'FailRefundAttempt', { orderId: string; refundId: string; attempt: number; error: string }>;
/** Sent by the scheduler for a deadline of `deadlines(state)`. */
export type FireDeadline = Cmd<'FireDeadline', { kind: string; dueAt: string }>;

export type EscrowCommand =
  | RecordOrderPlaced
  | RequestPayment
  | CapturePayment
  | FailPayment
  | ReleaseOnCompletion
  | RefundOnCancellation
  | ApplyDisputeSettlement
  | GrantFastRefund
  | ApplyAppealDecision
  | CompleteRefund
  | FailRefundAttempt
  | FireDeadline;
