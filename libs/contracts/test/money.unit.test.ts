import fc from 'fast-check';
import { Currency, ISO_4217_MINOR_UNITS, Money, isDomainError, minorUnits, multiplyAmount, sumAmounts, toMajorUnits } from '../src';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return isDomainError(e) ? e.code : 'NOT_A_DOMAIN_ERROR';
  }
};

describe('ISO 4217 minor units (DOMAIN: Money, O12 USD equivalents, N3 notices)', () => {
  it.each([
    ['IRR', 2], // Intl says 0: a 100x error for Persian buyers
    ['IQD', 3],
    ['JPY', 0],
    ['KRW', 0],
    ['KWD', 3],
    ['BHD', 3],
    ['TND', 3],
    ['USD', 2],
    ['EUR', 2],
    ['RUB', 2],
    ['GBP', 2],
    ['CLF', 4],
  ])('%s has %i decimals', (code, digits) => {
    expect(minorUnits(code)).toBe(digits);
  });

  it('converts minor to major units by the table: IRR 123456 is 1234.56 rials, JPY 1500 is 1500 yen', () => {
    expect(toMajorUnits({ amount: 123_456, currency: 'IRR' })).toBe(1234.56);
    expect(toMajorUnits({ amount: 1500, currency: 'JPY' })).toBe(1500);
    expect(toMajorUnits({ amount: 1234, currency: 'KWD' })).toBe(1.234);
  });

  it('every listed code is three capital letters with an exponent of 0, 2, 3 or 4, and well over 150 are listed', () => {
    const entries = Object.entries(ISO_4217_MINOR_UNITS);
    expect(entries.length).toBeGreaterThan(150);
    for (const [code, digits] of entries) {
      expect(code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(digits);
    }
  });

  it('refuses a well-formed code that is not an active currency: Money schema, Currency schema, minorUnits (UNKNOWN_CURRENCY)', () => {
    for (const code of ['XYZ', 'ABC', 'XAU', 'XXX', 'HRK']) {
      expect(Currency.safeParse(code).success).toBe(false);
      expect(Money.safeParse({ amount: 1, currency: code }).success).toBe(false);
      expect(codeOf(() => minorUnits(code))).toBe('UNKNOWN_CURRENCY');
    }
    expect(Money.safeParse({ amount: 1, currency: 'IRR' }).success).toBe(true);
    expect(Currency.safeParse('usd').success).toBe(false);
    // inherited object keys are not currencies
    expect(Currency.safeParse('__proto__').success).toBe(false);
    expect(codeOf(() => minorUnits('constructor'))).toBe('UNKNOWN_CURRENCY');
  });
});

describe('safe money arithmetic (AMOUNT_TOO_LARGE)', () => {
  it('refuses a product or a sum beyond Number.MAX_SAFE_INTEGER with a 422 code, never a rounded amount', () => {
    const refusal = (f: () => unknown) => {
      try {
        f();
        return undefined;
      } catch (e) {
        return isDomainError(e) ? { code: e.code, kind: e.kind } : e;
      }
    };
    expect(refusal(() => multiplyAmount(9_000_000_000_000, 1_000_000))).toEqual({ code: 'AMOUNT_TOO_LARGE', kind: 'unprocessable' });
    expect(refusal(() => sumAmounts([Number.MAX_SAFE_INTEGER, 1]))).toEqual({ code: 'AMOUNT_TOO_LARGE', kind: 'unprocessable' });
    expect(refusal(() => sumAmounts([2 ** 52, 2 ** 52]))).toEqual({ code: 'AMOUNT_TOO_LARGE', kind: 'unprocessable' });
    expect(multiplyAmount(Number.MAX_SAFE_INTEGER, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(sumAmounts([Number.MAX_SAFE_INTEGER - 1, 1])).toBe(Number.MAX_SAFE_INTEGER);
    expect(sumAmounts([])).toBe(0);
  });

  it('property: a sum is either exact (BigInt agrees) or refused, never silently rounded', () => {
    const amount = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.maxSafeNat());
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 5 }), fc.integer({ min: 1, max: 1_000_000 }), (amounts, quantity) => {
        const exact = amounts.reduce((s, a) => s + BigInt(a) * BigInt(quantity), 0n);
        const code = codeOf(() => sumAmounts(amounts.map((a) => multiplyAmount(a, quantity))));
        if (exact > BigInt(Number.MAX_SAFE_INTEGER)) return code === 'AMOUNT_TOO_LARGE';
        return code === undefined && BigInt(sumAmounts(amounts.map((a) => multiplyAmount(a, quantity)))) === exact;
      }),
    );
  });
});
