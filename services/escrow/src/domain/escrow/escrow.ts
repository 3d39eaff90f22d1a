/**
 * The Escrow aggregate, one stream per order (E1–E5): events, state and the pure, total `evolve`.
 * `evolve` never throws and ignores events it does not know or that arrive before OrderRecorded.
 */
import { addMs } from '@bp/timers';
import { paymentReconcileDelayMs } from './deadlines';
import type { EscrowEvent, EventOf } from './events';
import { initialState, isKnown, type EscrowState, type KnownEscrow } from './state';

export * from './events';
export * from './state';

type Handlers = { [T in EscrowEvent['type']]?: (s: KnownEscrow, d: EventOf<T>['data']) => KnownEscrow };

const setPayment = (s: KnownEscrow, paymentId: string, patch: Partial<KnownEscrow['payments'][string]>): KnownEscrow => ({
  ...s,
  payments: { ...s.payments, [paymentId]: { paymentId, status: 'requested', ...s.payments[paymentId], ...patch } },
});

/** The payment got its answer (captured, failed, returned): nothing left to reconcile. */
const settlePayment = (s: KnownEscrow, paymentId: string, patch: Partial<KnownEscrow['payments'][string]>): KnownEscrow => {
  const { [paymentId]: _done, ...reconciles } = s.reconciles;
  return { ...setPayment(s, paymentId, patch), reconciles };
};

const setRefund = (s: KnownEscrow, refundId: string, patch: Partial<KnownEscrow['refunds'][string]>): KnownEscrow => {
  const current = s.refunds[refundId];
  return current ? { ...s, refunds: { ...s.refunds, [refundId]: { ...current, ...patch } } } : s;
};

const setDispute = (s: KnownEscrow, disputeId: string, patch: Partial<KnownEscrow['disputes'][string]>): KnownEscrow => ({
  ...s,
  disputes: { ...s.disputes, [disputeId]: { disputeId, exposureOpen: 0, ...s.disputes[disputeId], ...patch } },
});

/** Any money movement closes every open exposure it recovered or wrote off (see decide: R6). */
const exposureAfter = (s: KnownEscrow, entries: EventOf<'EntriesPosted'>['data']['entries']): KnownEscrow => {
  const closed = entries.filter((e) => e.credit === 'platform_exposure').reduce((n, e) => n + e.amount, 0);
  if (closed === 0) return s;
  let left = closed;
  const disputes = { ...s.disputes };
  for (const d of Object.values(disputes)) {
    const take = Math.min(left, d.exposureOpen);
    if (take > 0) disputes[d.disputeId] = { ...d, exposureOpen: d.exposureOpen - take };
    left -= take;
  }
  return { ...s, disputes };
};

const handlers: Handlers = {
  PaymentRequested: (s, d) => ({
    ...setPayment(s, d.paymentId, { status: 'requested' }),
    reconciles: {
      ...s.reconciles,
      [d.paymentId]: { paymentId: d.paymentId, ...(d.token ? { token: d.token } : {}), attempts: 0, dueAt: addMs(d.requestedAt, paymentReconcileDelayMs(0)) },
    },
  }),
  PaymentReconcileStarted: (s, d) => {
    const r = s.reconciles[d.paymentId];
    return r ? { ...s, reconciles: { ...s.reconciles, [d.paymentId]: { ...r, attempts: d.attempt, dueAt: d.nextReconcileAt } } } : s;
  },
  PaymentCaptured: (s, d) => ({
    ...settlePayment(s, d.paymentId, { status: 'captured', providerRef: d.providerRef }),
    providerRefs: { ...s.providerRefs, [d.providerRef]: d.paymentId },
    status: 'paid',
  }),
  PaymentFailed: (s, d) => settlePayment(s, d.paymentId, { status: 'failed', reason: d.reason }),
  PaymentReturned: (s, d) => ({
    ...settlePayment(s, d.paymentId, {
      status: s.payments[d.paymentId]?.status === 'captured' ? 'captured' : 'returned',
      providerRef: d.providerRef,
      reason: d.reason,
    }),
    providerRefs: { ...s.providerRefs, [d.providerRef]: d.paymentId },
  }),
  EntriesPosted: (s, d) => exposureAfter({ ...s, postings: [...s.postings, ...d.entries] }, d.entries),
  FundsReleased: (s) => ({ ...s, releases: s.releases + 1 }),
  RefundRequested: (s, d) => ({
    ...s,
    refunds: { ...s.refunds, [d.refundId]: { refundId: d.refundId, amount: d.amount, reason: d.reason, status: 'in_flight', attempts: 1 } },
  }),
  RefundAttemptFailed: (s, d) => setRefund(s, d.refundId, { status: 'retry_scheduled', nextAttemptAt: d.nextAttemptAt, lastError: d.error }),
  RefundRetried: (s, d) => setRefund(s, d.refundId, { status: 'in_flight', attempts: d.attempt, nextAttemptAt: undefined }),
  RefundCompleted: (s, d) => setRefund(s, d.refundId, { status: 'completed', nextAttemptAt: undefined }),
  FastRefundAdvanced: (s, d) => setDispute(s, d.disputeId, { fastRefund: d.amount.amount, exposureOpen: d.amount.amount }),
  DisputeSettlementApplied: (s, d) =>
    setDispute(s, d.disputeId, {
      settledRefund: Math.max(d.refund.amount, s.disputes[d.disputeId]?.fastRefund ?? 0),
      ruledRefund: d.refund.amount,
      writtenOff: d.writtenOff,
    }),
  AppealDecisionApplied: (s, d) =>
    setDispute(s, d.disputeId, {
      appeal: d.decision,
      settledRefund: Math.max(d.newRefund, d.previousRefund),
      ruledRefund: d.newRefund,
      writtenOff: Math.max((s.disputes[d.disputeId]?.writtenOff ?? 0) - (d.writeoffFromHold ?? 0) - (d.writeoffFromSeller ?? 0), 0),
    }),
  EscrowClosed: (s, d) => ({
    ...s,
    settled: true,
    status: d.outcome === 'COMPLETED' ? 'completed' : d.outcome === 'CANCELLED' ? 'cancelled' : 'closed',
  }),
};

const recorded = (d: EventOf<'OrderRecorded'>['data']): KnownEscrow => ({
  status: 'awaiting_payment',
  orderId: d.orderId,
  buyerId: d.buyerId,
  sellerId: d.sellerId,
  total: d.total,
  policy: d.policy,
  postings: [],
  payments: {},
  providerRefs: {},
  reconciles: {},
  refunds: {},
  disputes: {},
  releases: 0,
  settled: false,
});

/** Pure and total. */
export const evolve = (state: EscrowState, event: EscrowEvent): EscrowState => {
  if (event.type === 'OrderRecorded') return isKnown(state) ? state : recorded(event.data);
  if (!isKnown(state)) return state;
  const handler = handlers[event.type] as ((s: KnownEscrow, d: unknown) => KnownEscrow) | undefined;
  return handler ? handler(state, event.data) : state;
};

export { initialState };
