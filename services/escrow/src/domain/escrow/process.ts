/**
 * The escrow lifecycle as data, on the shared kit (@bp/lifecycle). Each row is a command that may be
 * applied in the listed statuses and the status it leads to (`to: 'same'`: the status does not change,
 * only money or payments move). The same table guards the outcome commands (decide-outcomes.ts), draws
 * the README diagram (scripts/diagram.ts) and is checked against the decider by
 * test/domain/process.unit.test.ts (every status change the decider makes is declared here; every
 * status is reachable; only final statuses have no way out).
 */
import { defineTable, leavesFrom, transitionNamed, type NameOf, type Transition as LifecycleTransition } from '@bp/lifecycle';
import type { EscrowCommand } from './commands';
import type { EscrowEventType } from './events';
import type { EscrowStatus } from './state';

export type LifecycleStatus = EscrowStatus | 'unknown';

/** The escrow's words for the kit's table. */
export interface EscrowLifecycle {
  status: LifecycleStatus;
  role: 'buyer';
  command: EscrowCommand['type'];
  action: never;
  guard: never;
  /** The moment a timer counts from: the failed refund attempt, the payment request. */
  since: 'refundFailedAt' | 'paymentRequestedAt';
  /**
   * escrow.refundRetryBase: the order's policy snapshot (doubling, capped by escrow.refundRetryMax).
   * PAYMENT_RECONCILE_AFTER: the policy has no key for it, so it is a domain constant (deadlines.ts says why).
   */
  period: 'escrow.refundRetryBase' | 'PAYMENT_RECONCILE_AFTER';
  deadlineKind: 'refund_retry' | 'payment_reconcile';
  /** The events a transition may record (test/domain/effects.unit.test.ts walks the decider through each row). */
  effect: EscrowEventType;
}

const KNOWN: readonly EscrowStatus[] = ['awaiting_payment', 'paid', 'completed', 'cancelled', 'closed'];
const SETTLEABLE: readonly EscrowStatus[] = ['paid', 'completed', 'cancelled', 'closed'];
const system = ['system'] as const;

export const ESCROW_PROCESS = defineTable<EscrowLifecycle>()([
  {
    name: 'record_order_placed',
    command: 'RecordOrderPlaced',
    trigger: 'orders.v1 OrderPlaced',
    from: ['unknown'],
    to: 'awaiting_payment',
    actor: system,
    effects: ['OrderRecorded'],
  },
  {
    name: 'request_payment',
    command: 'RequestPayment',
    trigger: 'POST /payments',
    from: ['awaiting_payment'],
    to: 'same',
    actor: ['buyer'],
    effects: ['PaymentRequested'],
  },
  {
    name: 'fail_payment',
    command: 'FailPayment',
    trigger: 'provider (declined)',
    from: ['awaiting_payment'],
    to: 'same',
    actor: system,
    effects: ['PaymentFailed'],
  },
  // E4: a capture in any other status is returned to the buyer at once, never held
  {
    name: 'capture_payment',
    command: 'CapturePayment',
    trigger: 'provider (capture / webhook)',
    from: ['awaiting_payment'],
    to: 'paid',
    actor: system,
    effects: ['EntriesPosted', 'PaymentCaptured', 'PaymentReturned', 'RefundRequested'],
    rule: 'E4',
  },
  {
    name: 'return_late_capture',
    command: 'CapturePayment',
    trigger: 'provider (late or duplicate capture: returned)',
    from: SETTLEABLE,
    to: 'same',
    actor: system,
    effects: ['EntriesPosted', 'PaymentReturned', 'RefundRequested'],
    rule: 'E4',
  },
  {
    name: 'grant_fast_refund',
    command: 'GrantFastRefund',
    trigger: 'disputes.v1 FastRefundGranted',
    from: ['paid'],
    to: 'same',
    actor: system,
    effects: ['EntriesPosted', 'FastRefundAdvanced', 'RefundRequested'],
    rule: 'R6',
  },
  {
    name: 'apply_dispute_settlement',
    command: 'ApplyDisputeSettlement',
    trigger: 'disputes.v1 DisputeSettled',
    from: SETTLEABLE,
    to: 'same',
    actor: system,
    effects: ['EntriesPosted', 'DisputeSettlementApplied', 'SellerDebited', 'RefundRequested', 'FundsReleased'],
    rule: 'R5',
  },
  {
    name: 'apply_appeal_decision',
    command: 'ApplyAppealDecision',
    trigger: 'disputes.v1 AppealDecided',
    from: SETTLEABLE,
    to: 'same',
    actor: system,
    effects: ['EntriesPosted', 'AppealDecisionApplied', 'SellerDebited', 'RefundRequested'],
    rule: 'E5',
  },
  {
    name: 'release_on_completion',
    command: 'ReleaseOnCompletion',
    trigger: 'orders.v1 OrderCompleted',
    from: ['paid'],
    to: 'completed',
    actor: system,
    effects: ['EntriesPosted', 'FundsReleased', 'EscrowClosed'],
    rule: 'E3',
  },
  {
    name: 'refund_on_cancellation',
    command: 'RefundOnCancellation',
    trigger: 'orders.v1 OrderCancelled',
    from: ['awaiting_payment', 'paid'],
    to: 'cancelled',
    actor: system,
    effects: ['EntriesPosted', 'RefundRequested', 'EscrowClosed'],
    rule: 'O4',
  },
  {
    name: 'refund_on_closure',
    command: 'RefundOnCancellation',
    trigger: 'orders.v1 OrderClosed',
    from: ['awaiting_payment', 'paid'],
    to: 'closed',
    actor: system,
    effects: ['EntriesPosted', 'RefundRequested', 'EscrowClosed'],
    rule: 'O2/O4',
  },
  {
    name: 'complete_refund',
    command: 'CompleteRefund',
    trigger: 'provider (refund succeeded)',
    from: KNOWN,
    to: 'same',
    actor: system,
    effects: ['RefundCompleted'],
  },
  {
    name: 'fail_refund_attempt',
    command: 'FailRefundAttempt',
    trigger: 'provider (refund failed)',
    from: KNOWN,
    to: 'same',
    actor: system,
    effects: ['RefundAttemptFailed'],
  },
  {
    name: 'retry_refund',
    command: 'FireDeadline',
    from: KNOWN,
    to: 'same',
    actor: system,
    effects: ['RefundRetried'],
    rule: 'E4',
    deadline: { kind: 'refund_retry', since: 'refundFailedAt', period: 'escrow.refundRetryBase', actor: 'system', onExpiry: 'refund_retried' },
  },
  {
    name: 'reconcile_payment',
    command: 'FireDeadline',
    from: KNOWN,
    to: 'same',
    actor: system,
    effects: ['PaymentReconcileStarted'],
    rule: 'E4',
    deadline: { kind: 'payment_reconcile', since: 'paymentRequestedAt', period: 'PAYMENT_RECONCILE_AFTER', actor: 'system', onExpiry: 'payment_reconciled' },
  },
]);

/** Every transition's name, as a union (a misspelling fails the type check). */
export type TransitionName = NameOf<typeof ESCROW_PROCESS>;
export type Transition = LifecycleTransition<EscrowLifecycle, TransitionName>;

/** Final statuses: the order reached its outcome (money may still move by dispute or appeal). */
export const FINAL_STATUSES: readonly EscrowStatus[] = ['completed', 'cancelled', 'closed'];

/** The table's status check for one row: may it run in this status? */
export const mayRunIn = (name: TransitionName, status: LifecycleStatus): boolean => leavesFrom(transitionNamed(ESCROW_PROCESS, name), status);
