import { addMs, durationMs } from '@bp/timers';
import type { EscrowPolicy } from './commands';
import { isKnown, type EscrowState } from './state';

/** API.md deadline shape. */
export interface Deadline {
  kind: string;
  dueAt: string;
  actor: 'system';
  onExpiry: string;
}

export const REFUND_RETRY = 'refund_retry';
export const refundRetryKind = (refundId: string): string => `${REFUND_RETRY}:${refundId}`;
export const refundIdOfKind = (kind: string): string | undefined => (kind.startsWith(`${REFUND_RETRY}:`) ? kind.slice(REFUND_RETRY.length + 1) : undefined);

export const PAYMENT_RECONCILE = 'payment_reconcile';
export const paymentReconcileKind = (paymentId: string): string => `${PAYMENT_RECONCILE}:${paymentId}`;
export const paymentIdOfKind = (kind: string): string | undefined =>
  kind.startsWith(`${PAYMENT_RECONCILE}:`) ? kind.slice(PAYMENT_RECONCILE.length + 1) : undefined;

/**
 * E4: how long a payment may wait for the provider's answer before escrow asks the provider again.
 * The order's escrow policy snapshot has no key for it (refundRetryBase/Max are about refunds), so
 * it is a domain constant: a synchronous capture answers in seconds, a slow one (tok_slow) by
 * webhook within PT5S in dev; PT1M leaves both well alone and still rescues a payment cut by a
 * crash long before the order's payment window ends.
 */
export const PAYMENT_RECONCILE_AFTER = 'PT1M';
/** Later rounds (the provider still says pending, or the reconcile itself was cut) back off up to this. */
export const PAYMENT_RECONCILE_MAX = 'PT15M';

/** Wait before reconcile round n+1 after `attemptsSoFar` rounds: min(AFTER * 2^n, MAX). */
export const paymentReconcileDelayMs = (attemptsSoFar: number): number =>
  Math.min(durationMs(PAYMENT_RECONCILE_AFTER) * 2 ** Math.min(Math.max(attemptsSoFar, 0), 40), durationMs(PAYMENT_RECONCILE_MAX));

/**
 * E4: exponential backoff from the order's policy snapshot: after the n-th failed attempt wait
 * min(refundRetryBase * 2^(n-1), refundRetryMax). Retries never stop; the cap bounds the wait.
 */
export const refundRetryDelayMs = (policy: EscrowPolicy, failedAttempt: number): number => {
  const base = durationMs(policy.refundRetryBase);
  const max = durationMs(policy.refundRetryMax);
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 40);
  return Math.min(base * 2 ** exponent, max);
};

export const nextAttemptAt = (policy: EscrowPolicy, failedAttempt: number, failedAt: string): string =>
  addMs(failedAt, refundRetryDelayMs(policy, failedAttempt));

/**
 * Deadlines are a function of state: one retry timer per refund waiting for its next attempt, and
 * one reconcile timer per payment waiting for the provider (E4).
 */
export const deadlines = (state: EscrowState): Deadline[] => {
  if (!isKnown(state)) return [];
  const refunds = Object.values(state.refunds)
    .filter((r) => r.status === 'retry_scheduled' && r.nextAttemptAt)
    .map((r) => ({ kind: refundRetryKind(r.refundId), dueAt: r.nextAttemptAt!, actor: 'system' as const, onExpiry: 'refund_retried' }));
  const payments = Object.values(state.reconciles)
    .filter((r) => state.payments[r.paymentId]?.status === 'requested')
    .map((r) => ({ kind: paymentReconcileKind(r.paymentId), dueAt: r.dueAt, actor: 'system' as const, onExpiry: 'payment_reconciled' }));
  return [...refunds, ...payments].sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.kind.localeCompare(b.kind));
};
