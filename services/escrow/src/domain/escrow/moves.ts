import type { EscrowRefundReason, Money } from '@bp/contracts';
import { balancesIn, post, splitCommission, sumByReason, type Posting, type PostingReason } from '../ledger';
import type { EscrowEvent } from './events';
import type { KnownEscrow } from './state';
import { refuse } from './errors';

/** -n without producing -0 (views compare amounts structurally). */
export const neg = (n: number): number => (n === 0 ? 0 : -n);

/**
 * Derived from the postings: hold, outstanding exposure, the part of the hold that is free, and the
 * captured order payment (returned payments excluded: they were never the order's money).
 */
export const holdOf = (s: KnownEscrow) => {
  const b = balancesIn(s.postings, s.total.currency);
  const exposure = neg(b.platform_exposure);
  return { hold: b.order_hold, exposure, free: b.order_hold - exposure, captured: sumByReason(s.postings, 'capture'), balances: b };
};

/** Refunds of the order total the buyer got so far (E2: never above the capture). */
export const orderRefunds = (s: KnownEscrow): number =>
  s.postings.reduce((n, p) => (p.reason === 'refund' || p.reason === 'fast_refund' || p.reason === 'clawback' ? n + p.amount : n), 0);

/**
 * Collects the postings of one command. Entry ids are `<commandId>:<index>` (deterministic), zero
 * amounts are skipped (E1: amounts > 0).
 */
export const mover = (s: KnownEscrow, commandId: string, now: string) => {
  const entries: Posting[] = [];
  const add = (reason: PostingReason, amount: number, currency = s.total.currency): number => {
    if (amount > 0) entries.push(post(`${commandId}:${entries.length}`, reason, amount, currency, now));
    return Math.max(amount, 0);
  };
  const posted = (): EscrowEvent[] => (entries.length ? [{ type: 'EntriesPosted', data: { orderId: s.orderId, sellerId: s.sellerId, entries } }] : []);
  return { add, posted };
};
export type Mover = ReturnType<typeof mover>;

export const money = (s: KnownEscrow, amount: number): Money => ({ amount, currency: s.total.currency });

export const refundRequested = (
  s: KnownEscrow,
  refundId: string,
  amount: number,
  reason: EscrowRefundReason,
  now: string,
  disputeId?: string,
): EscrowEvent[] =>
  amount > 0
    ? [
        {
          type: 'RefundRequested',
          data: { orderId: s.orderId, refundId, amount: money(s, amount), reason, ...(disputeId ? { disputeId } : {}), requestedAt: now },
        },
      ]
    : [];

/** E3: releases `gross` from the hold: commission (floor, policy snapshot) to the platform, the rest to the seller. */
export const release = (
  s: KnownEscrow,
  m: Mover,
  gross: number,
  now: string,
  trigger: 'ORDER_COMPLETED' | 'DISPUTE_SETTLED',
  disputeId?: string,
): EscrowEvent[] => {
  if (gross <= 0) return [];
  const { commission, net } = splitCommission(gross, s.policy.commissionBps);
  m.add('commission', commission);
  m.add('release', net);
  return [
    {
      type: 'FundsReleased',
      data: {
        orderId: s.orderId,
        sellerId: s.sellerId,
        amount: money(s, gross),
        commission: money(s, commission),
        netPayable: money(s, net),
        trigger,
        ...(disputeId ? { disputeId } : {}),
        releasedAt: now,
      },
    },
  ];
};

/** R6: the outcome keeps every outstanding fast refund: recover it from the hold (it is reserved there). */
export const recoverAllExposure = (s: KnownEscrow, m: Mover): number => m.add('exposure_recovery', holdOf(s).exposure);

export const sellerDebited = (
  s: KnownEscrow,
  amount: number,
  reason: 'APPEAL_CLAWBACK' | 'SETTLEMENT_CLAWBACK' | 'RETURN_SHIPPING_COMPENSATION',
  disputeId: string,
  now: string,
): EscrowEvent[] =>
  amount > 0
    ? [{ type: 'SellerDebited', data: { orderId: s.orderId, sellerId: s.sellerId, amount: money(s, amount), reason, disputeId, debitedAt: now } }]
    : [];

/** Guards shared by the money commands. */
export const requireAmount = (m: Money, s: KnownEscrow, what: string, allowZero = true): number => {
  if (m.currency !== s.total.currency) refuse('CURRENCY_MISMATCH', `${what} is in ${m.currency}, the order in ${s.total.currency}`);
  if (!Number.isSafeInteger(m.amount) || m.amount < (allowZero ? 0 : 1)) refuse('INVALID_AMOUNT', `${what} must be an integer amount of minor units`);
  return m.amount;
};
