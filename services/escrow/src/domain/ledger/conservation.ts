import { REASON_FLOWS, type Posting } from './accounts';
import { balances, netOfAllAccounts, sumByReason, type AccountBalances } from './balances';

/** What the conservation check needs from an escrow (the escrow state satisfies it structurally). */
export interface ConservationSubject {
  readonly orderId: string;
  readonly postings: readonly Posting[];
  /** The order reached its outcome (completed, cancelled or closed): nothing may stay held. */
  readonly settled: boolean;
  /** How many FundsReleased the escrow has recorded (E3: at most one). */
  readonly releases: number;
}

export interface Violation {
  orderId: string;
  rule: 'E1' | 'E2' | 'E3' | 'R6';
  code: string;
  detail: string;
}

type Check = (s: ConservationSubject) => Omit<Violation, 'orderId'>[];

/** E1: every posting is well formed, follows its reason's flow, and has a unique id. */
const wellFormed: Check = ({ postings }) => {
  const out: Omit<Violation, 'orderId'>[] = [];
  const ids = new Set<string>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount) || p.amount <= 0) out.push({ rule: 'E1', code: 'BAD_AMOUNT', detail: `${p.entryId}: ${p.amount}` });
    const [debit, credit] = REASON_FLOWS[p.reason] ?? [];
    if (p.debit !== debit || p.credit !== credit) out.push({ rule: 'E1', code: 'BAD_FLOW', detail: `${p.entryId}: ${p.reason} ${p.debit}->${p.credit}` });
    if (ids.has(p.entryId)) out.push({ rule: 'E1', code: 'DUPLICATE_ENTRY', detail: p.entryId });
    ids.add(p.entryId);
  }
  return out;
};

/** E2: the hold never goes negative and a fast-refund exposure is always backed by the hold, at every step. */
const holdNeverNegative: Check = ({ postings }) => {
  const out: Omit<Violation, 'orderId'>[] = [];
  const run = new Map<string, { hold: number; exposure: number }>();
  for (const p of postings) {
    const r = run.get(p.currency) ?? { hold: 0, exposure: 0 };
    if (p.debit === 'order_hold') r.hold -= p.amount;
    if (p.credit === 'order_hold') r.hold += p.amount;
    if (p.debit === 'platform_exposure') r.exposure -= p.amount;
    if (p.credit === 'platform_exposure') r.exposure += p.amount;
    run.set(p.currency, r);
    if (r.hold < 0) out.push({ rule: 'E2', code: 'HOLD_NEGATIVE', detail: `${p.entryId}: hold ${r.hold}` });
    if (r.exposure > 0) out.push({ rule: 'R6', code: 'EXPOSURE_POSITIVE', detail: `${p.entryId}: exposure ${r.exposure}` });
  }
  return out;
};

/** E2: per currency, Σ over all accounts = 0 (Σ debits = Σ credits), and no refund above the capture. */
const perCurrency: Check = ({ postings, settled }) =>
  Object.entries(balances(postings)).flatMap(([currency, b]) => {
    const ps = postings.filter((p) => p.currency === currency);
    const out: Omit<Violation, 'orderId'>[] = [];
    const net = netOfAllAccounts(b);
    if (net !== 0) out.push({ rule: 'E2', code: 'NOT_BALANCED', detail: `${currency}: Σ accounts = ${net}` });
    const captured = sumByReason(ps, 'capture');
    const refunded = sumByReason(ps, 'refund', 'fast_refund', 'clawback');
    if (b.platform_writeoff > 0) out.push({ rule: 'R6', code: 'WRITEOFF_OVER_RECOVERED', detail: `${currency}: ${b.platform_writeoff}` });
    if (refunded > captured) out.push({ rule: 'E2', code: 'REFUND_ABOVE_CAPTURE', detail: `${currency}: refunded ${refunded} > captured ${captured}` });
    if (settled) out.push(...settledIdentity(currency, b));
    return out;
  });

/**
 * E2 for a settled order: nothing held or exposed, and
 * captured = refunded (net of platform write-offs) + released (net seller payable) + commission.
 */
const settledIdentity = (currency: string, b: AccountBalances): Omit<Violation, 'orderId'>[] => {
  const out: Omit<Violation, 'orderId'>[] = [];
  if (b.order_hold !== 0) out.push({ rule: 'E2', code: 'SETTLED_BUT_HELD', detail: `${currency}: held ${b.order_hold}` });
  if (b.platform_exposure !== 0) out.push({ rule: 'R6', code: 'SETTLED_BUT_EXPOSED', detail: `${currency}: exposure ${b.platform_exposure}` });
  const captured = -b.buyer_payment;
  const rhs = b.buyer_refund + b.platform_writeoff + b.seller_payable + b.platform_commission;
  if (captured !== rhs) out.push({ rule: 'E2', code: 'NOT_CONSERVED', detail: `${currency}: captured ${captured} != ${rhs}` });
  return out;
};

/** E3: release on completion happens at most once. */
const releasedOnce: Check = ({ releases }) => (releases > 1 ? [{ rule: 'E3', code: 'RELEASED_TWICE', detail: `${releases} releases` }] : []);

const CHECKS: Check[] = [wellFormed, holdNeverNegative, perCurrency, releasedOnce];

/** E1/E2/E3/R6: every violation of the ledger rules for one escrow; [] when sound. Pure. */
export const verifyConservation = (subject: ConservationSubject): Violation[] =>
  CHECKS.flatMap((check) => check(subject).map((v) => ({ orderId: subject.orderId, ...v })));
