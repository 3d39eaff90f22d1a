import type { CompleteRefund, FailRefundAttempt, FireDeadline } from './commands';
import { nextAttemptAt, refundIdOfKind } from './deadlines';
import type { EscrowEvent } from './events';
import { refuse } from './errors';
import type { KnownEscrow, RefundState } from './state';

const refundOf = (s: KnownEscrow, refundId: string): RefundState => s.refunds[refundId] ?? refuse('REFUND_UNKNOWN', `no refund ${refundId}`);

/** E4: the provider confirmed: completed once, however often the confirmation is redelivered. */
export const completeRefund = ({ data, meta }: CompleteRefund, s: KnownEscrow): EscrowEvent[] => {
  const r = refundOf(s, data.refundId);
  if (r.status === 'completed') return [];
  return [
    {
      type: 'RefundCompleted',
      data: { orderId: s.orderId, refundId: r.refundId, amount: r.amount, reason: r.reason, providerRef: data.providerRef, completedAt: meta.now },
    },
  ];
};

/** E4: attempt n failed -> retry at now + backoff. A stale or repeated failure report -> []. */
export const failRefundAttempt = ({ data, meta }: FailRefundAttempt, s: KnownEscrow): EscrowEvent[] => {
  const r = refundOf(s, data.refundId);
  if (r.status !== 'in_flight' || data.attempt !== r.attempts) return [];
  const next = nextAttemptAt(s.policy, r.attempts, meta.now);
  return [
    {
      type: 'RefundAttemptFailed',
      data: { orderId: s.orderId, refundId: r.refundId, attempt: r.attempts, error: data.error, failedAt: meta.now, nextAttemptAt: next },
    },
  ];
};

/** The retry timer: re-checked against the state, so a stale, early or repeated fire does nothing. */
export const fireDeadline = ({ data, meta }: FireDeadline, s: KnownEscrow): EscrowEvent[] => {
  const refundId = refundIdOfKind(data.kind);
  const r = refundId ? s.refunds[refundId] : undefined;
  if (!r || r.status !== 'retry_scheduled' || r.nextAttemptAt !== data.dueAt) return [];
  if (Date.parse(meta.now) < Date.parse(data.dueAt)) return [];
  return [{ type: 'RefundRetried', data: { orderId: s.orderId, refundId: r.refundId, attempt: r.attempts + 1, retriedAt: meta.now } }];
};
