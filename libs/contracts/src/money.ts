import { z } from 'zod';

/** Integer minor units with an ISO-4217 currency (DOMAIN: Money). */
export const Currency = z.string().regex(/^[A-Z]{3}$/, 'ISO-4217 code, e.g. USD');
export const Money = z.object({
  amount: z.number().int().nonnegative(),
  currency: Currency,
});
export type Money = z.infer<typeof Money>;

export const money = (amount: number, currency: string): Money => ({ amount, currency });
