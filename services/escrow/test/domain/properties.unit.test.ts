/**
 * E1–E5, R6, R8 under random histories: 2,000 sequences (up to 40 steps, about 20 on average:
 * `size: 'max'`, fast-check's default size would cap them near 10) of payments, completions,
 * cancellations, dispute settlements, fast refunds, appeals, provider failures, exact duplicate
 * deliveries and late redeliveries, with the ledger invariants checked after EVERY step.
 * FC_RUNS changes the run count.
 */
import fc from 'fast-check';
import { isDomainError } from '@bp/contracts';
import {
  escrowDecider,
  escrowView,
  sellerBalance,
  verifyEscrow,
  balances,
  netOfAllAccounts,
  type EscrowCommand,
  type EscrowEvent,
  type EscrowState,
  type KnownEscrow,
  type Posting,
  type PostingReason,
} from '../../src/domain';
import { cmd, USD, policy, T0, at } from './fixtures';

const RUNS = Number(process.env.FC_RUNS ?? 2_000);
const ORDERS = ['o1', 'o2'];
const SELLER = 's1';

const step = fc.record({
  kind: fc.constantFrom(
    'place',
    'request',
    'request',
    'capture',
    'capture',
    'fail',
    'fail',
    'complete',
    'cancel',
    'close',
    'fast',
    'fast',
    'fast',
    'settle',
    'settle',
    'settle',
    'appeal',
    'appeal',
    'appeal',
    'appeal',
    'refundFail',
    'refundFail',
    'refundFail',
    'refundOk',
    'fire',
    'fire',
    'fire',
    'redeliver',
  ),
  order: fc.constantFrom(0, 0, 0, 1),
  n: fc.constantFrom(0, 0, 1, 2),
  frac: fc.integer({ min: 0, max: 120 }),
  comp: fc.constantFrom(0, 0, 50, 700),
  flag: fc.boolean(),
  dup: fc.integer({ min: 0, max: 3 }).map((x) => x === 0),
  total: fc.integer({ min: 1, max: 50_000 }),
  bps: fc.constantFrom(0, 0, 250, 1_000, 9_999),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const known = (s: EscrowState | undefined): s is KnownEscrow => !!s && s.status !== 'unknown';
const part = (s: EscrowState | undefined, frac: number) => (known(s) ? Math.floor((s.total.amount * frac) / 100) : frac);

/** Turns a random step into a command against the current state (ids from the step index). */
const toCommand = (x: Step, i: number, s: EscrowState | undefined): EscrowCommand => {
  const orderId = ORDERS[x.order]!;
  const eventId = `e${i}`;
  const now = at(i);
  const disputeId = `d${x.n}`;
  // Mostly aim at a refund in the status the step needs (so retries really happen), sometimes at any.
  const refunds = known(s) ? Object.values(s.refunds) : [];
  const wanted = x.kind === 'fire' ? 'retry_scheduled' : 'in_flight';
  const apt = refunds.filter((r) => r.status === wanted);
  const pool = apt.length > 0 && x.frac % 5 !== 0 ? apt : refunds;
  const refund = pool[(x.frac + x.n) % Math.max(pool.length, 1)];
  const refundId = refund?.refundId ?? 'none';
  // A declined card mostly answers the payment waiting for the provider.
  const waiting = known(s) && x.frac % 4 !== 0 ? Object.values(s.payments).find((p) => p.status === 'requested')?.paymentId : undefined;
  // Appeals mostly target a settled dispute (R8 needs one), sometimes any dispute id.
  const settledIds = known(s)
    ? Object.values(s.disputes)
        .filter((d) => d.settledRefund !== undefined)
        .map((d) => d.disputeId)
    : [];
  // ... and most of those a dispute whose fast refund the platform wrote off (R6/E5: the overturn pays it back)
  const writtenOff = known(s) ? Object.values(s.disputes).filter((d) => (d.writtenOff ?? 0) > 0 && !d.appeal) : [];
  const owed = writtenOff.length > 0 && x.frac % 5 !== 0 ? writtenOff[x.n % writtenOff.length] : undefined;
  const appealed = owed?.disputeId ?? (settledIds.length > 0 && x.frac % 4 !== 0 ? settledIds[x.n % settledIds.length]! : disputeId);
  // Settlements mostly rule on the open fast refund, half of the time below it (R6: the platform writes the rest off).
  const exposed = known(s) ? Object.values(s.disputes).find((d) => d.exposureOpen > 0 && d.settledRefund === undefined) : undefined;
  const settling = exposed && x.frac % 5 !== 0 ? exposed : undefined;
  switch (x.kind) {
    case 'place':
      return cmd('RecordOrderPlaced', { eventId, orderId, buyerId: 'b1', sellerId: SELLER, total: USD(x.total), policy: policy(x.bps) }, now);
    case 'request':
      return cmd('RequestPayment', { orderId, paymentId: `p${x.n}`, methodType: 'sandbox' }, now);
    case 'capture': {
      const amount = known(s) && x.frac !== 7 ? s.total.amount : x.total;
      return cmd('CapturePayment', { orderId, paymentId: `p${x.n}`, providerRef: `ref${x.n}${x.flag ? 'a' : 'b'}`, amount: USD(amount), capturedAt: now }, now);
    }
    case 'fail':
      return cmd('FailPayment', { orderId, paymentId: waiting ?? `p${x.n}`, reason: 'card_declined' }, now);
    case 'complete':
      return cmd('ReleaseOnCompletion', { eventId, orderId, reason: x.flag ? 'CONFIRMED' : 'DISPUTE_SETTLED' }, now);
    case 'cancel':
      return cmd('RefundOnCancellation', { eventId, orderId, source: 'OrderCancelled', refundDue: x.flag }, now);
    case 'close':
      return cmd('RefundOnCancellation', { eventId, orderId, source: 'OrderClosed', refundDue: x.flag }, now);
    case 'fast':
      return cmd('GrantFastRefund', { eventId, orderId, disputeId, amount: USD(Math.max(part(s, x.frac), 1)) }, now);
    case 'settle': {
      const below = settling && x.frac % 4 !== 0 ? Math.floor(((settling.fastRefund ?? 0) * (x.frac % 100)) / 100) : undefined;
      const refundAmount = (below ?? part(s, x.frac)) + x.comp;
      return cmd(
        'ApplyDisputeSettlement',
        {
          eventId,
          orderId,
          disputeId: settling?.disputeId ?? disputeId,
          refund: USD(refundAmount),
          ...(x.comp ? { compensation: USD(x.comp) } : {}),
          releaseRemainder: x.flag,
          settledBy: 'RULING',
        },
        now,
      );
    }
    case 'appeal': {
      // an overturn between the ruling and (up to 20 % above) the written-off fast refund, or any part of the total
      const ruled = owed?.ruledRefund ?? 0;
      const refund = owed ? ruled + Math.floor((((owed.fastRefund ?? 0) - ruled) * x.frac) / 100) : part(s, x.frac);
      return cmd('ApplyAppealDecision', { eventId, orderId, disputeId: appealed, decision: x.flag || owed ? 'OVERTURN' : 'UPHOLD', refund: USD(refund) }, now);
    }
    case 'refundFail':
      return cmd('FailRefundAttempt', { orderId, refundId, attempt: (refund?.attempts ?? 1) - (x.comp === 700 ? 1 : 0), error: 'provider_down' }, now);
    case 'refundOk':
      return cmd('CompleteRefund', { orderId, refundId, providerRef: `sbx_${refundId}` }, now);
    case 'redeliver':
      throw new Error('redeliver is handled by the run loop (it needs the commands applied so far)');
    case 'fire': {
      const dueAt = refund?.nextAttemptAt ?? now;
      const fireAt = new Date(Date.parse(dueAt) + (x.flag ? 0 : x.frac - 60) * 1000).toISOString();
      return cmd('FireDeadline', { kind: `refund_retry:${refundId}`, dueAt }, fireAt);
    }
    default:
      throw new Error(x.kind);
  }
};

/** Independent sums by reason (not through balances()) to cross-check the view. */
const sum = (ps: readonly Posting[], ...reasons: PostingReason[]) => ps.reduce((n, p) => (reasons.includes(p.reason) ? n + p.amount : n), 0);

/** Σ over disputes of (fast refund − the latest ruling's refund), where positive: what the platform may have to write off (R6). */
const unjustifiedAdvances = (log: readonly EscrowEvent[]): number => {
  const fast = new Map<string, number>();
  const ruled = new Map<string, number>();
  for (const e of log) {
    if (e.type === 'FastRefundAdvanced') fast.set(e.data.disputeId, e.data.amount.amount);
    if (e.type === 'DisputeSettlementApplied') ruled.set(e.data.disputeId, e.data.refund.amount);
    if (e.type === 'AppealDecisionApplied' && e.data.decision === 'OVERTURN') ruled.set(e.data.disputeId, e.data.newRefund);
  }
  return [...fast].reduce((n, [d, f]) => n + Math.max(f - (ruled.get(d) ?? f), 0), 0);
};

// Plain assertions in the hot loop: jest's expect() builds an error object per call, which made the
// checks cost more than the histories; fast-check still reports the failing history and the message.
const same = (actual: unknown, expected: unknown, what: string): void => {
  if (actual !== expected) throw new Error(`${what}: got ${String(actual)}, expected ${String(expected)}`);
};
const must = (ok: boolean, what: string): void => {
  if (!ok) throw new Error(what);
};

const checkEscrow = (s: KnownEscrow, log: EscrowEvent[], previous: EscrowState | undefined) => {
  const violations = verifyEscrow(s); // E1, E2, E3, R6 (also every prefix of the ledger)
  must(violations.length === 0, `violations: ${JSON.stringify(violations)}`);
  const ps = s.postings;
  const v = escrowView(s)!;
  const captured = sum(ps, 'capture');
  // balances are the sums of the postings
  same(v.captured.amount, captured + sum(ps, 'payment_returned'), 'captured');
  same(v.held.amount, captured - sum(ps, 'release', 'commission', 'refund', 'exposure_recovery', 'writeoff_recovery'), 'held');
  same(v.refunded.amount, sum(ps, 'refund', 'fast_refund', 'compensation', 'clawback', 'payment_returned'), 'refunded');
  same(v.released.amount, sum(ps, 'release') - sum(ps, 'compensation', 'clawback', 'writeoff_clawback'), 'released');
  same(v.commission.amount, sum(ps, 'commission'), 'commission');
  same(v.writtenOff.amount, sum(ps, 'exposure_writeoff') - sum(ps, 'writeoff_recovery', 'writeoff_clawback'), 'writtenOff');
  // R6/E5: the platform only carries the part of a fast refund the dispute's latest ruling does not give
  // the buyer (an overturn after a write-off makes the seller pay it back, never the buyer twice)
  same(
    v.writtenOff.amount <= unjustifiedAdvances(log),
    true,
    `R6/E5: written off ${v.writtenOff.amount} > advances the rulings do not justify ${unjustifiedAdvances(log)}`,
  );
  same(v.exposure.amount, sum(ps, 'fast_refund') - sum(ps, 'exposure_recovery', 'exposure_writeoff'), 'exposure');
  must(v.held.amount >= 0, `held ${v.held.amount} < 0`);
  // never a refund above the capture; never held twice; never a second release
  must(sum(ps, 'refund', 'fast_refund', 'clawback') <= captured, 'E2: refund above the capture');
  must(ps.filter((p) => p.reason === 'capture').length <= 1, 'E4: held twice');
  must(log.filter((e) => e.type === 'FundsReleased').length <= 1, 'E3: second release');
  // E2: settled order: captured = refunded (net of write-offs) + released + commission
  if (s.settled)
    same(
      captured + sum(ps, 'payment_returned'),
      v.refunded.amount - v.writtenOff.amount + v.released.amount + v.commission.amount,
      'E2: conservation of a settled order',
    );
  // every buyer_refund credit is dispatched exactly once, completed at most once
  const requested = log.filter((e): e is Extract<EscrowEvent, { type: 'RefundRequested' }> => e.type === 'RefundRequested');
  same(new Set(requested.map((e) => e.data.refundId)).size, requested.length, 'E4: a refund requested twice');
  same(
    requested.reduce((n, e) => n + e.data.amount.amount, 0),
    v.refunded.amount,
    'E4: refunds requested = buyer_refund',
  );
  const completedIds = log.flatMap((e) => (e.type === 'RefundCompleted' ? [e.data.refundId] : []));
  same(new Set(completedIds).size, completedIds.length, 'E4: a refund completed twice');
  // E1: postings are only ever appended, never changed
  if (known(previous)) same(JSON.stringify(ps.slice(0, previous.postings.length)), JSON.stringify(previous.postings), 'E1: a posting changed');
};

const apply = (c: EscrowCommand, s: EscrowState): EscrowEvent[] | 'refused' => {
  try {
    return escrowDecider.decide(c, s);
  } catch (e) {
    if (isDomainError(e)) return 'refused';
    throw e;
  }
};

describe('escrow ledger under random histories (E1–E5, R6, R8)', () => {
  it('E2: conservation, no double hold/release/refund, balances = Σ postings, after every step, with duplicates', () => {
    // how many histories reached each situation: the checks above are only as good as what they saw
    const reached = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40, size: 'max' }), fc.nat(3), (rest, prelude) => {
        const opening = (kind: Step['kind'], order: Step['order']): Step => ({ ...rest[0]!, kind, order, frac: 50, dup: false });
        const steps = prelude > 0 ? [opening('place', 0), opening('place', 1), opening('capture', 0), ...rest] : rest;
        const states = new Map<string, EscrowState>();
        const logs = new Map<string, EscrowEvent[]>(ORDERS.map((o) => [o, []]));
        const applied = new Map<string, EscrowCommand[]>(ORDERS.map((o) => [o, []]));
        const saw = new Set<string>();
        steps.forEach((x, i) => {
          const orderId = ORDERS[x.order]!;
          const before = states.get(orderId) ?? escrowDecider.initialState;
          const done = applied.get(orderId)!;
          // a late redelivery: any command that already moved this order, delivered again steps later
          const late = x.kind === 'redeliver';
          if (late && done.length === 0) return;
          const c = late ? done[x.frac % done.length]! : toCommand(x, i, before);
          const deliveries = x.dup ? [c, c] : [c];
          let s = before;
          deliveries.forEach((delivery, k) => {
            const out = apply(delivery, s);
            // E3/E4: a late redelivery of a command that moved money is harmless: nothing moves, nothing is refused
            if (late) same(JSON.stringify(out), '[]', `late redelivery of ${delivery.type}`);
            if (out === 'refused') return;
            if (k > 0) same(out.length, 0, `redelivery of ${delivery.type}`); // an exact redelivery is harmless
            if (out.length > 0) done.push(delivery);
            if (late) saw.add('late redelivery');
            for (const e of out) saw.add(e.type);
            if (out.some((e) => e.type === 'AppealDecisionApplied' && (e.data.writeoffFromHold ?? 0) + (e.data.writeoffFromSeller ?? 0) > 0))
              saw.add('write-off paid back by an appeal');
            const previous = s;
            s = out.reduce(escrowDecider.evolve, s);
            logs.get(orderId)!.push(...out);
            if (known(s)) checkEscrow(s, logs.get(orderId)!, previous);
          });
          states.set(orderId, s);
          // Σ over every account of every order = 0; the seller balance is the sum of the orders' net payables
          const all = [...states.values()].flatMap((st) => (known(st) ? st.postings : []));
          for (const b of Object.values(balances(all))) same(netOfAllAccounts(b), 0, 'E2: Σ accounts');
          const payable = [...states.values()].reduce((n, st) => n + (known(st) ? escrowView(st)!.released.amount : 0), 0);
          same(
            sellerBalance(all).reduce((n, m) => n + m.amount, 0),
            payable,
            'E5: seller balance = Σ net payables',
          );
          if (known(s) && escrowView(s)!.released.amount < 0) saw.add('negative payable');
          if (known(s) && s.settled && s.releases === 1 && escrowView(s)!.refunded.amount > 0) saw.add('split outcome');
        });
        for (const k of saw) reached.set(k, (reached.get(k) ?? 0) + 1);
      }),
      { numRuns: RUNS },
    );
    // each seen in 3-80 % of the 2,000 histories when this was written (a write-off paid back by an appeal 3.7-4.5 %); at least 2 % required
    const rare = [
      'PaymentRequested',
      'PaymentFailed',
      'PaymentCaptured',
      'PaymentReturned',
      'FundsReleased',
      'split outcome',
      'FastRefundAdvanced',
      'AppealDecisionApplied',
      'SellerDebited',
      'negative payable',
      'write-off paid back by an appeal',
      'RefundAttemptFailed',
      'RefundRetried',
      'RefundCompleted',
      'late redelivery',
    ].filter((k) => (reached.get(k) ?? 0) < RUNS / 50);
    expect(rare).toEqual([]);
  });

  it('E3/E2: a paid order always ends settled with nothing held, whatever happened before', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25, size: 'max' }), fc.boolean(), (steps, completeIt) => {
        let s: EscrowState = escrowDecider.initialState;
        const placed = cmd('RecordOrderPlaced', { eventId: 'p', orderId: 'o1', buyerId: 'b1', sellerId: SELLER, total: USD(10_000), policy: policy(250) }, T0);
        const pay = cmd('CapturePayment', { orderId: 'o1', paymentId: 'p0', providerRef: 'r0', amount: USD(10_000), capturedAt: T0 }, T0);
        const middle = steps.filter((x) => x.order === 0 && x.kind !== 'complete' && x.kind !== 'redeliver');
        const commands = [() => placed, () => pay, ...middle.map((x, i) => () => toCommand(x, i, s))];
        for (const next of commands) {
          const out = apply(next(), s);
          if (out !== 'refused') s = out.reduce(escrowDecider.evolve, s);
        }
        const end = completeIt
          ? cmd('ReleaseOnCompletion', { eventId: 'end', orderId: 'o1', reason: 'CONFIRMED' }, T0)
          : cmd('RefundOnCancellation', { eventId: 'end', orderId: 'o1', source: 'OrderCancelled', refundDue: true }, T0);
        const out = apply(end, s);
        if (out !== 'refused') s = out.reduce(escrowDecider.evolve, s);
        expect(known(s) && s.settled).toBe(true);
        expect(escrowView(s)!.held.amount).toBe(0);
        expect(escrowView(s)!.exposure.amount).toBe(0);
        expect(verifyEscrow(s)).toEqual([]);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
