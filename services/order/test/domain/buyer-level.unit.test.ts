import { spec } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';
import type { BuyerLevel } from '@bp/contracts';
import { buyerLevelDecider, buyerLevelView, levelFor, toUsdCents, type AwardConfirmationPoints, type RecordCompletedSpend } from '../../src/domain/buyer-level';
import { confirmationPoints } from '../../src/app/confirmation-points';

const levels = spec(buyerLevelDecider);
const policy = { thresholdsUsdCents: defaultPolicy.buyerLevels.thresholdsUsdCents, usdRates: defaultPolicy.buyerLevels.usdRates };
const NOW = '2025-02-01T00:00:00.000Z';
const spend = (orderId: string, amount: number, currency = 'USD'): RecordCompletedSpend => ({
  type: 'RecordCompletedSpend',
  data: { buyerId: 'b-1', orderId, amount: { amount, currency }, policy },
  meta: { now: NOW, actor: { role: 'system', id: 'system' } },
});
const recorded = (orderId: string, amount: number, usdCents = amount, currency = 'USD') => ({
  type: 'CompletedSpendRecorded' as const,
  data: { buyerId: 'b-1', orderId, amount: { amount, currency }, usdCents, recordedAt: NOW },
});
const changed = (level: BuyerLevel, previousLevel: BuyerLevel, total: number, orderId: string) => ({
  type: 'BuyerLevelChanged' as const,
  data: { buyerId: 'b-1', level, previousLevel, completedSpendUsdCents: total, orderId, changedAt: NOW },
});

describe('buyer club level (O12)', () => {
  it.each<[number, BuyerLevel]>([
    [0, 'A0'],
    [99, 'A0'],
    [100, 'A1'],
    [9_999, 'A1'],
    [10_000, 'A2'],
    [49_999, 'A2'],
    [50_000, 'A3'],
    [199_999, 'A3'],
    [200_000, 'A4'],
    [10_000_000, 'A4'],
  ])('O12: %i USD cents -> %s (threshold boundaries)', (cents, level) => {
    expect(levelFor(cents, policy.thresholdsUsdCents)).toBe(level);
  });

  it('O12: the first completed dollar lifts A0 -> A1', () => {
    levels
      .given([])
      .when(spend('o-1', 100))
      .then([recorded('o-1', 100), changed('A1', 'A0', 100, 'o-1')]);
  });
  it('O12: below the next threshold only the spend is recorded (no level event)', () => {
    levels
      .given([recorded('o-1', 100), changed('A1', 'A0', 100, 'o-1')])
      .when(spend('o-2', 9_899))
      .then([recorded('o-2', 9_899)]);
  });
  it('O12: crossing exactly at $100, $500 and $2,000', () => {
    const a1 = [recorded('o-1', 9_999), changed('A1', 'A0', 9_999, 'o-1')];
    levels
      .given(a1)
      .when(spend('o-2', 1))
      .then([recorded('o-2', 1), changed('A2', 'A1', 10_000, 'o-2')]);
    const a2 = [recorded('o-1', 49_999), changed('A2', 'A0', 49_999, 'o-1')];
    levels
      .given(a2)
      .when(spend('o-2', 1))
      .then([recorded('o-2', 1), changed('A3', 'A2', 50_000, 'o-2')]);
    const a3 = [recorded('o-1', 199_999), changed('A3', 'A0', 199_999, 'o-1')];
    levels
      .given(a3)
      .when(spend('o-2', 1))
      .then([recorded('o-2', 1), changed('A4', 'A3', 200_000, 'o-2')]);
  });
  it('O12: a big order may skip levels (A0 -> A4)', () => {
    levels
      .given([])
      .when(spend('o-1', 250_000))
      .then([recorded('o-1', 250_000), changed('A4', 'A0', 250_000, 'o-1')]);
  });
  it('O12: a completed order counts once (dedupe by orderId)', () => {
    levels
      .given([recorded('o-1', 100), changed('A1', 'A0', 100, 'o-1')])
      .when(spend('o-1', 100))
      .thenNothingHappens();
  });
  it('O12: other currencies convert through the policy rate table (EUR 100.00 -> $108; JPY has no minor unit)', () => {
    levels
      .given([])
      .when(spend('o-1', 10_000, 'EUR'))
      .then([recorded('o-1', 10_000, 10_800, 'EUR'), changed('A2', 'A0', 10_800, 'o-1')]);
    expect(toUsdCents({ amount: 10_000, currency: 'JPY' }, policy.usdRates)).toBe(6_700);
  });
  it('O12: a currency without a rate is refused (UNKNOWN_CURRENCY_RATE)', () => {
    levels
      .given([])
      .when(spend('o-1', 100, 'XYZ'))
      .thenRefuses('UNKNOWN_CURRENCY_RATE');
  });
});

describe('points for confirming receipt (O11: "confirming earns the buyer points")', () => {
  const award = (orderId: string, points = 10): AwardConfirmationPoints => ({
    type: 'AwardConfirmationPoints',
    data: { buyerId: 'b-1', orderId, points },
    meta: { now: NOW, actor: { role: 'system', id: 'system' } },
  });
  const earned = (orderId: string, points: number, totalPoints: number) => ({
    type: 'BuyerPointsEarned' as const,
    data: { buyerId: 'b-1', orderId, points, totalPoints, earnedAt: NOW },
  });

  it('O11: a first confirmation earns the policy points', () => {
    levels
      .given([])
      .when(award('o-1'))
      .then([earned('o-1', 10, 10)]);
  });
  it('O11: points add up over orders, beside the club level (same buyer stream)', () => {
    levels
      .given([recorded('o-1', 100), changed('A1', 'A0', 100, 'o-1'), earned('o-1', 10, 10)])
      .when(award('o-2'))
      .then((events, state) => {
        expect(events).toEqual([earned('o-2', 10, 20)]);
        expect(buyerLevelView(state)).toEqual({ level: 'A1', completedSpendUsd: 1, points: 20 });
      });
  });
  it('O11: an order earns points once (a repeated award is a no-op)', () => {
    levels
      .given([earned('o-1', 10, 10)])
      .when(award('o-1'))
      .thenNothingHappens();
  });
  it('O11: a policy of 0 points earns nothing', () => {
    levels.given([]).when(award('o-1', 0)).thenNothingHappens();
  });
  it("O11: only a completion by the buyer's confirmation earns points, not auto-confirm (O7) or a dispute settlement", () => {
    const completed = (reason: 'CONFIRMED' | 'AUTO_CONFIRMED' | 'DISPUTE_SETTLED') => ({
      orderId: 'o-1',
      buyerId: 'b-1',
      sellerId: 's-1',
      amount: { amount: 5000, currency: 'USD' },
      completedAt: NOW,
      reason,
    });
    const meta = { now: NOW, actor: { role: 'system' as const, id: 'order-service' } };
    expect(confirmationPoints(completed('CONFIRMED'), defaultPolicy, meta)).toEqual({
      type: 'AwardConfirmationPoints',
      data: { buyerId: 'b-1', orderId: 'o-1', points: defaultPolicy.buyerLevels.confirmationPoints },
      meta,
    });
    expect(confirmationPoints(completed('AUTO_CONFIRMED'), defaultPolicy, meta)).toBeNull();
    expect(confirmationPoints(completed('DISPUTE_SETTLED'), defaultPolicy, meta)).toBeNull();
  });
});
