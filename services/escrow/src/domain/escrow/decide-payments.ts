import type { PaymentReturnReason } from '@bp/contracts';
import { addMs } from '@bp/timers';
import type { CapturePayment, FailPayment, FireDeadline, RecordOrderPlaced, RequestPayment } from './commands';
import { paymentIdOfKind, paymentReconcileDelayMs } from './deadlines';
import type { EscrowEvent } from './events';
import { refuse } from './errors';
import { mover } from './moves';
import { isFinal, isKnown, type EscrowState, type KnownEscrow } from './state';

/** orders.v1 OrderPlaced: remember total, parties and the escrow policy snapshot. Redelivery -> []. */
export const recordOrderPlaced = ({ data, meta }: RecordOrderPlaced, s: EscrowState): EscrowEvent[] => {
  if (isKnown(s)) return [];
  const { commissionBps } = data.policy;
  if (!Number.isSafeInteger(data.total.amount) || data.total.amount <= 0) refuse('INVALID_ORDER', 'order total must be a positive integer');
  if (!Number.isInteger(commissionBps) || commissionBps < 0 || commissionBps > 10_000) refuse('INVALID_ORDER', 'commissionBps must be 0..10000');
  const { orderId, buyerId, sellerId, total, policy } = data;
  return [{ type: 'OrderRecorded', data: { orderId, buyerId, sellerId, total, policy, recordedAt: meta.now } }];
};

/** POST /payments (E4). One payment in flight at a time; an order is paid once. */
export const requestPayment = ({ data, meta }: RequestPayment, s: KnownEscrow): EscrowEvent[] => {
  if (s.payments[data.paymentId]) return [];
  if (s.status === 'paid') refuse('ORDER_ALREADY_PAID', 'the order is already paid');
  if (s.status !== 'awaiting_payment') refuse('ORDER_NOT_PAYABLE', `the order is ${s.status}`);
  if (Object.values(s.payments).some((p) => p.status === 'requested')) refuse('PAYMENT_IN_PROGRESS', 'another payment is waiting for the provider');
  return [
    {
      type: 'PaymentRequested',
      data: {
        orderId: s.orderId,
        paymentId: data.paymentId,
        methodType: data.methodType,
        amount: s.total,
        requestedAt: meta.now,
        ...(data.token ? { token: data.token } : {}),
      },
    },
  ];
};

/**
 * E4: the payment_reconcile timer. A payment still `requested` at its deadline (the process died
 * between PaymentRequested and the provider's answer, or the answer is slow) is asked about again:
 * the event moves the deadline to the next round, the app calls the provider with the SAME payment
 * id and records its answer through CapturePayment / FailPayment. Re-checked against the state, so
 * a stale (payment answered meanwhile), early or repeated fire does nothing.
 */
export const reconcilePayment = ({ data, meta }: FireDeadline, s: KnownEscrow): EscrowEvent[] => {
  const paymentId = paymentIdOfKind(data.kind);
  const r = paymentId ? s.reconciles[paymentId] : undefined;
  if (!r || s.payments[r.paymentId]?.status !== 'requested' || r.dueAt !== data.dueAt) return [];
  if (Date.parse(meta.now) < Date.parse(data.dueAt)) return [];
  const attempt = r.attempts + 1;
  return [
    {
      type: 'PaymentReconcileStarted',
      data: { orderId: s.orderId, paymentId: r.paymentId, attempt, startedAt: meta.now, nextReconcileAt: addMs(meta.now, paymentReconcileDelayMs(attempt)) },
    },
  ];
};

const returnReason = (s: KnownEscrow, d: CapturePayment['data']): PaymentReturnReason | undefined => {
  if (s.status === 'paid') return 'ALREADY_PAID';
  if (isFinal(s)) return 'ORDER_CLOSED';
  if (d.amount.amount !== s.total.amount || d.amount.currency !== s.total.currency) return 'AMOUNT_MISMATCH';
  return undefined;
};

/**
 * E4: a capture is idempotent by provider reference. Money the provider took is never held twice:
 * a capture for a paid or closed order, or of the wrong amount, is returned to the buyer at once.
 */
export const capturePayment = ({ data, meta }: CapturePayment, s: KnownEscrow): EscrowEvent[] => {
  if (s.providerRefs[data.providerRef]) return [];
  if (!Number.isSafeInteger(data.amount.amount) || data.amount.amount <= 0) refuse('INVALID_AMOUNT', 'captured amount must be positive');
  const m = mover(s, `capture:${data.providerRef}`, meta.now);
  const reason = returnReason(s, data);
  const { orderId, paymentId, providerRef, amount } = data;
  if (!reason) {
    m.add('capture', amount.amount);
    return [...m.posted(), { type: 'PaymentCaptured', data: { orderId, paymentId, providerRef, amount, capturedAt: data.capturedAt } }];
  }
  m.add('payment_returned', amount.amount, amount.currency);
  const refundId = `capture:${providerRef}:refund`;
  const returned: EscrowEvent = { type: 'PaymentReturned', data: { orderId, paymentId, providerRef, amount, reason, refundId, returnedAt: meta.now } };
  const request: EscrowEvent = { type: 'RefundRequested', data: { orderId, refundId, amount, reason: 'PAYMENT_RETURNED', requestedAt: meta.now } };
  return [...m.posted(), returned, request];
};

/** E4: a declined payment leaves the order unpaid; a late failure after a capture is stale. */
export const failPayment = ({ data, meta }: FailPayment, s: KnownEscrow): EscrowEvent[] => {
  const payment = s.payments[data.paymentId];
  if (!payment) return refuse('PAYMENT_UNKNOWN', `no payment ${data.paymentId}`);
  if (payment.status !== 'requested') return [];
  return [{ type: 'PaymentFailed', data: { orderId: s.orderId, paymentId: data.paymentId, reason: data.reason, failedAt: meta.now } }];
};
