import fc from 'fast-check';
import { balances, netOfAllAccounts, post, sellerBalance, splitCommission, verifyConservation, type Posting } from '../../src/domain';
import { T0 } from './fixtures';

const RUNS = Number(process.env.FC_RUNS ?? 300);
const p = (id: string, reason: Posting['reason'], amount: number, currency = 'USD') => post(id, reason, amount, currency, T0);

describe('ledger (E1)', () => {
  it('E1: balances are credits - debits, derived from postings, per currency', () => {
    const b = balances([p('1', 'capture', 1000), p('2', 'refund', 300), p('3', 'capture', 50, 'EUR')]);
    expect(b.USD).toMatchObject({ buyer_payment: -1000, order_hold: 700, buyer_refund: 300, seller_payable: 0 });
    expect(b.EUR).toMatchObject({ buyer_payment: -50, order_hold: 50 });
    expect(netOfAllAccounts(b.USD!)).toBe(0);
  });

  it('E1: the commission is floored, the remainder goes to the seller, net + commission = gross', () => {
    expect(splitCommission(999, 250)).toEqual({ commission: 24, net: 975 });
    expect(splitCommission(1, 9_999)).toEqual({ commission: 0, net: 1 });
    expect(splitCommission(10_000, 0)).toEqual({ commission: 0, net: 10_000 });
    expect(splitCommission(10_000, 10_000)).toEqual({ commission: 10_000, net: 0 });
    expect(() => splitCommission(1.5, 10)).toThrow(RangeError);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 10_000 }), (gross, bps) => {
        const { commission, net } = splitCommission(gross, bps);
        return commission + net === gross && commission >= 0 && commission <= (gross * bps) / 10_000 && (gross * bps) / 10_000 - commission < 1;
      }),
      { numRuns: RUNS },
    );
  });
});

describe('verifyConservation (E2)', () => {
  const subject = (postings: Posting[], settled = false, releases = 0) => ({ orderId: 'o', postings, settled, releases });
  const codes = (postings: Posting[], settled = false, releases = 0) => verifyConservation(subject(postings, settled, releases)).map((v) => v.code);

  it('E2: a sound settled order has no violation', () => {
    expect(codes([p('1', 'capture', 1000), p('2', 'refund', 400), p('3', 'commission', 6), p('4', 'release', 594)], true, 1)).toEqual([]);
  });
  it('E2: detects a hold that went negative, money left held after the outcome, a refund above the capture', () => {
    expect(codes([p('1', 'refund', 1)])).toEqual(expect.arrayContaining(['HOLD_NEGATIVE', 'REFUND_ABOVE_CAPTURE']));
    expect(codes([p('1', 'capture', 10)], true)).toEqual(['SETTLED_BUT_HELD', 'NOT_CONSERVED']);
  });
  it('E1: detects malformed postings, wrong flows and duplicate entry ids', () => {
    const bad = { ...p('1', 'capture', 10), credit: 'seller_payable' as const };
    expect(codes([bad])).toContain('BAD_FLOW');
    expect(codes([p('1', 'capture', 10), p('1', 'capture', 10)])).toContain('DUPLICATE_ENTRY');
    expect(codes([{ ...p('1', 'capture', 10), amount: 0.5 }])).toContain('BAD_AMOUNT');
  });
  it('E3: detects a second release; R6: an unbacked exposure is fine while open but not after settlement', () => {
    expect(codes([p('1', 'capture', 10), p('2', 'release', 10)], true, 2)).toEqual(['RELEASED_TWICE']);
    const advanced = [p('1', 'capture', 10), p('2', 'fast_refund', 4)];
    expect(codes(advanced)).toEqual([]);
    expect(codes(advanced, true)).toEqual(expect.arrayContaining(['SETTLED_BUT_HELD', 'SETTLED_BUT_EXPOSED']));
  });
});

describe('sellerBalance (E5)', () => {
  it('E5: a clawback takes the balance negative and the next release nets it', () => {
    const release = p('r1', 'release', 900);
    const clawback = p('c1', 'clawback', 1000);
    expect(sellerBalance([release, clawback])).toEqual([{ amount: -100, currency: 'USD' }]);
    expect(sellerBalance([release, clawback, p('r2', 'release', 450)])).toEqual([{ amount: 350, currency: 'USD' }]);
    expect(sellerBalance([p('x', 'capture', 5)])).toEqual([]);
  });
});
