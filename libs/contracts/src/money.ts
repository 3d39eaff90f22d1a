import { z } from 'zod';
import { DomainError } from './errors';
import { ISO_4217_MINOR_UNITS, isCurrencyCode } from './iso-4217';

/** An active ISO 4217 code (DOMAIN: Money); a well-formed but unknown code is refused. */
export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, 'ISO-4217 code, e.g. USD')
  .refine((code): boolean => isCurrencyCode(code), 'not an active ISO-4217 currency');
/** Integer minor units with an ISO-4217 currency (DOMAIN: Money). `int()` keeps it a safe integer. */
export const Money = z.object({
  amount: z.number().int().nonnegative(),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

export const money = (amount: number, currency: string): Money => ({ amount, currency });

/** Decimal digits of one major unit, from the ISO 4217 table (JPY 0, USD 2, KWD 3, IRR 2). */
export const minorUnits = (currency: string): number => {
  if (!isCurrencyCode(currency)) throw new DomainError('UNKNOWN_CURRENCY', `${currency} is not an active ISO-4217 currency`, 'unprocessable');
  return ISO_4217_MINOR_UNITS[currency];
};

/** Minor units -> major units as a number (for rates and display only; money stays integer). */
export const toMajorUnits = (m: Money): number => m.amount / 10 ** minorUnits(m.currency);

/**
 * Money arithmetic that can be asked for amounts a request chose (quantity x unit price, sums of
 * lines): a result beyond Number.MAX_SAFE_INTEGER would be silently rounded, and every Money schema
 * refuses it, so the request is refused here with a stable 422 instead of failing at append.
 */
const safe = (amount: number, what: string): number => {
  if (!Number.isSafeInteger(amount))
    throw new DomainError('AMOUNT_TOO_LARGE', `${what} is larger than ${Number.MAX_SAFE_INTEGER} minor units`, 'unprocessable');
  return amount;
};
/** `factor` is an integer (a quantity). */
export const multiplyAmount = (amount: number, factor: number, what = 'the amount'): number => safe(amount * factor, what);
export const sumAmounts = (amounts: readonly number[], what = 'the total'): number => amounts.reduce((sum, a) => safe(sum + a, what), 0);
