import type { Actor, Money } from '@bp/contracts';
import { verifyConservation, type Posting, type Violation } from '../ledger';
import { deadlines, type Deadline } from './deadlines';
import { holdOf, neg } from './moves';
import { isKnown, type EscrowState, type EscrowStatus, type KnownEscrow, type PaymentState } from './state';

export interface RefundView {
  refundId: string;
  amount: Money;
  reason: string;
  status: 'in_flight' | 'retry_scheduled' | 'completed';
  attempts: number;
  nextAttemptAt?: string;
}

/** GET /escrows/{orderId}. Every number is derived from the postings (E1). */
export interface EscrowView {
  orderId: string;
  status: EscrowStatus;
  sellerId: string;
  buyerId: string;
  total: Money;
  captured: Money;
  held: Money;
  /** Net seller payable of this order (after commission, clawbacks, compensation); may be negative (E5). */
  released: { amount: number; currency: string };
  refunded: Money;
  commission: Money;
  /** R6: fast refunds advanced by the platform and not yet recovered; written off by the platform. */
  exposure: Money;
  writtenOff: Money;
  entries: Posting[];
  refunds: RefundView[];
  payments: PaymentState[];
  deadlines: Deadline[];
  allowedActions: string[];
}

const m = (s: KnownEscrow, amount: number) => ({ amount, currency: s.total.currency });

/** What the caller may do now: the buyer may pay an unpaid order with no payment in flight. */
export const allowedActions = (state: EscrowState, caller: Actor): string[] => {
  if (!isKnown(state) || caller.role !== 'buyer' || caller.id !== state.buyerId) return [];
  const inFlight = Object.values(state.payments).some((p) => p.status === 'requested');
  return state.status === 'awaiting_payment' && !inFlight ? ['pay'] : [];
};

export const escrowView = (state: EscrowState, caller?: Actor): EscrowView | undefined => {
  if (!isKnown(state)) return undefined;
  const { balances: b, exposure } = holdOf(state);
  return {
    orderId: state.orderId,
    status: state.status,
    sellerId: state.sellerId,
    buyerId: state.buyerId,
    total: state.total,
    captured: m(state, neg(b.buyer_payment)),
    held: m(state, b.order_hold),
    released: m(state, b.seller_payable),
    refunded: m(state, b.buyer_refund),
    commission: m(state, b.platform_commission),
    exposure: m(state, exposure),
    writtenOff: m(state, neg(b.platform_writeoff)),
    entries: state.postings,
    refunds: Object.values(state.refunds).map(({ refundId, amount, reason, status, attempts, nextAttemptAt }) => ({
      refundId,
      amount,
      reason,
      status,
      attempts,
      ...(nextAttemptAt ? { nextAttemptAt } : {}),
    })),
    payments: Object.values(state.payments),
    deadlines: deadlines(state),
    allowedActions: caller ? allowedActions(state, caller) : [],
  };
};

/** GET /ledger/verify for one escrow (E2): [] when sound. */
export const verifyEscrow = (state: EscrowState): Violation[] => (isKnown(state) ? verifyConservation(state) : []);
