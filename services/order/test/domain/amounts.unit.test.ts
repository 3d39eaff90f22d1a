// Money amounts a request chooses must stay exact (O2 totals) and be read with ISO 4217's exponent
// (O12 USD equivalents): issue 17's "500 on valid-looking input" and "minor units" regressions.
import { spec } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';
import { buyerLevelDecider, toUsdCents } from '../../src/domain/buyer-level';
import { orderDecider } from '../../src/domain/order';
import { PlaceOrderBody } from '../../src/domain/order/commands';
import { address, place, seller } from './fixtures';

const order = spec(orderDecider);
const line = (quantity: number, unitPrice: number, sku = 'sku-big') => ({ sku, title: 'Gold teapot', quantity, unitPrice });

describe('O2: an order total beyond a safe integer is refused (AMOUNT_TOO_LARGE), never a 500 at append', () => {
  it('1,000,000 x 9,000,000,000,000 (the reported request) is refused', () => {
    order
      .given([])
      .when(place({ items: [line(1_000_000, 9_000_000_000_000)] }))
      .thenRefuses('AMOUNT_TOO_LARGE');
  });
  it('lines that are each safe but sum past Number.MAX_SAFE_INTEGER are refused', () => {
    const half = Math.ceil(Number.MAX_SAFE_INTEGER / 2);
    order
      .given([])
      .when(place({ items: [line(1, half, 'a'), line(1, half, 'b')] }))
      .thenRefuses('AMOUNT_TOO_LARGE');
  });
  it('a total of exactly Number.MAX_SAFE_INTEGER is placed, exactly', () => {
    order
      .given([])
      .when(place({ items: [line(1, Number.MAX_SAFE_INTEGER - 1, 'a'), line(1, 1, 'b')] }))
      .then((events) => {
        expect(events[0]).toMatchObject({ type: 'OrderPlaced', data: { total: { amount: Number.MAX_SAFE_INTEGER, currency: 'USD' } } });
      });
  });
  it('the body schema refuses what is not a safe non-negative integer (1e308, 2^53, -1, 1.5) and an unknown currency', () => {
    const body = (unitPrice: unknown, currency = 'USD', quantity: unknown = 1) =>
      PlaceOrderBody.safeParse({ sellerId: seller.id, currency, items: [{ sku: 's', title: 't', quantity, unitPrice }], shippingAddress: address }).success;
    expect(body(100)).toBe(true);
    expect(body(-0)).toBe(true); // JSON's -0 is the number 0
    for (const bad of [1e308, 2 ** 53, -1, 1.5, Number.MAX_SAFE_INTEGER + 2]) expect(body(bad)).toBe(false);
    expect(body(100, 'USD', 2 ** 53)).toBe(false);
    expect(body(100, 'XYZ')).toBe(false);
    expect(body(100, 'IRR')).toBe(true);
  });
});

describe('O12: USD equivalents use ISO 4217 minor units, not Intl', () => {
  const policy = { thresholdsUsdCents: defaultPolicy.buyerLevels.thresholdsUsdCents, usdRates: defaultPolicy.buyerLevels.usdRates };
  it('IRR has 2 decimals: 50,000,000.00 rials at 0.000024 USD is $1,200 (Intl would say $120,000)', () => {
    expect(toUsdCents({ amount: 5_000_000_000, currency: 'IRR' }, policy.usdRates)).toBe(120_000);
  });
  it('JPY has none: 10,000 yen at 0.0067 USD is $67', () => {
    expect(toUsdCents({ amount: 10_000, currency: 'JPY' }, policy.usdRates)).toBe(6_700);
  });
  it('a Persian buyer spending 50,000,000.00 rials reaches A3, not A4', () => {
    const cmd = {
      type: 'RecordCompletedSpend' as const,
      data: { buyerId: 'b-fa', orderId: 'o-1', amount: { amount: 5_000_000_000, currency: 'IRR' }, policy },
      meta: { now: '2025-02-01T00:00:00.000Z', actor: { role: 'system' as const, id: 'system' } },
    };
    spec(buyerLevelDecider)
      .given([])
      .when(cmd)
      .then((events) => {
        expect(events.find((e) => e.type === 'BuyerLevelChanged')).toMatchObject({ data: { level: 'A3', completedSpendUsdCents: 120_000 } });
      });
  });
  it('completed spend saturates at the largest safe integer instead of overflowing the level event', () => {
    const rates = { USD: 1 };
    const big = (orderId: string) => ({
      type: 'RecordCompletedSpend' as const,
      data: { buyerId: 'b-1', orderId, amount: { amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }, policy: { ...policy, usdRates: rates } },
      meta: { now: '2025-02-01T00:00:00.000Z', actor: { role: 'system' as const, id: 'system' } },
    });
    const first = buyerLevelDecider.decide(big('o-1'), buyerLevelDecider.initialState);
    spec(buyerLevelDecider)
      .given(first)
      .when(big('o-2'))
      .then((events) => {
        expect(events).toEqual([expect.objectContaining({ type: 'CompletedSpendRecorded' })]);
        const state = [...first, ...events].reduce(buyerLevelDecider.evolve, buyerLevelDecider.initialState);
        expect(state.completedSpendUsdCents).toBe(Number.MAX_SAFE_INTEGER);
      });
  });
});
