/**
 * The escrow lifecycle as data (conventions: process.ts). Each row is a command that may be applied
 * in the listed statuses and the status it leads to (`to: null` = the status does not change, only
 * money or payments move). The same table draws the README diagram (scripts/diagram.ts) and is
 * checked against the decider by test/domain/process.unit.test.ts (every status change the decider
 * makes is declared here; every status is reachable; only final statuses have no way out).
 */
import type { EscrowCommand } from './commands';
import type { EscrowStatus } from './state';

export type LifecycleStatus = EscrowStatus | 'unknown';

export interface Transition {
  name: EscrowCommand['type'];
  /** Which fact or caller sends it. */
  source: string;
  from: readonly LifecycleStatus[];
  to: EscrowStatus | null;
  actor: 'buyer' | 'system';
  deadline?: { kind: string; since: string; period: string };
  onExpiry?: string;
}

const KNOWN: readonly EscrowStatus[] = ['awaiting_payment', 'paid', 'completed', 'cancelled', 'closed'];
const SETTLEABLE: readonly EscrowStatus[] = ['paid', 'completed', 'cancelled', 'closed'];

export const ESCROW_PROCESS: readonly Transition[] = [
  { name: 'RecordOrderPlaced', source: 'orders.v1 OrderPlaced', from: ['unknown'], to: 'awaiting_payment', actor: 'system' },
  { name: 'RequestPayment', source: 'POST /payments', from: ['awaiting_payment'], to: null, actor: 'buyer' },
  { name: 'FailPayment', source: 'provider (declined)', from: ['awaiting_payment'], to: null, actor: 'system' },
  // E4: a capture in any other status is returned to the buyer at once, never held
  { name: 'CapturePayment', source: 'provider (capture / webhook)', from: ['awaiting_payment'], to: 'paid', actor: 'system' },
  { name: 'CapturePayment', source: 'provider (late or duplicate capture: returned)', from: SETTLEABLE, to: null, actor: 'system' },
  { name: 'GrantFastRefund', source: 'disputes.v1 FastRefundGranted (R6)', from: ['paid'], to: null, actor: 'system' },
  { name: 'ApplyDisputeSettlement', source: 'disputes.v1 DisputeSettled (R5)', from: SETTLEABLE, to: null, actor: 'system' },
  { name: 'ApplyAppealDecision', source: 'disputes.v1 AppealDecided (E5)', from: SETTLEABLE, to: null, actor: 'system' },
  { name: 'ReleaseOnCompletion', source: 'orders.v1 OrderCompleted (E3)', from: ['paid'], to: 'completed', actor: 'system' },
  { name: 'RefundOnCancellation', source: 'orders.v1 OrderCancelled (O4)', from: ['awaiting_payment', 'paid'], to: 'cancelled', actor: 'system' },
  { name: 'RefundOnCancellation', source: 'orders.v1 OrderClosed (O2/O4)', from: ['awaiting_payment', 'paid'], to: 'closed', actor: 'system' },
  { name: 'CompleteRefund', source: 'provider (refund succeeded)', from: KNOWN, to: null, actor: 'system' },
  { name: 'FailRefundAttempt', source: 'provider (refund failed)', from: KNOWN, to: null, actor: 'system' },
  {
    name: 'FireDeadline', source: 'refund retry timer (E4)', from: KNOWN, to: null, actor: 'system',
    deadline: { kind: 'refund_retry', since: 'RefundAttemptFailed', period: 'escrow.refundRetryBase (doubling, capped by escrow.refundRetryMax)' },
    onExpiry: 'refund_retried',
  },
  {
    name: 'FireDeadline', source: 'payment reconcile timer (E4)', from: KNOWN, to: null, actor: 'system',
    deadline: { kind: 'payment_reconcile', since: 'PaymentRequested', period: 'PAYMENT_RECONCILE_AFTER (PT1M, doubling, capped by PT15M)' },
    onExpiry: 'payment_reconciled',
  },
];

/** Final statuses: the order reached its outcome (money may still move by dispute or appeal). */
export const FINAL_STATUSES: readonly EscrowStatus[] = ['completed', 'cancelled', 'closed'];

/** The lifecycle as a Mermaid state diagram (status changes only; money movements in the table). */
export const escrowDiagram = (): string => {
  const node = (s: LifecycleStatus) => (s === 'unknown' ? '[*]' : s);
  const lines = new Set<string>();
  for (const t of ESCROW_PROCESS) {
    if (t.to === null) continue;
    for (const from of t.from) lines.add(`  ${node(from)} --> ${t.to} : ${t.name} (${t.source})`);
  }
  for (const f of FINAL_STATUSES) lines.add(`  ${f} --> [*]`);
  return ['```mermaid', 'stateDiagram-v2', ...lines, '```'].join('\n');
};
