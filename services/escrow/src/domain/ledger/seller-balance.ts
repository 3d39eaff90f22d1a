import type { Posting } from './accounts';

/** A signed amount: unlike Money it may be negative. */
export interface SignedMoney {
  amount: number;
  currency: string;
}

/**
 * GET /sellers/{sellerId}/balance: a projection over every escrow's seller_payable postings for that
 * seller (the caller selects them, e.g. from EntriesPosted events carrying sellerId). Credits are
 * releases, debits clawbacks and compensations (E5); the balance may be negative, and later releases
 * net it automatically because it is one running sum. One signed amount per currency, sorted by currency.
 */
export const sellerBalance = (postingsForSeller: readonly Posting[]): SignedMoney[] => {
  const by = new Map<string, number>();
  for (const p of postingsForSeller) {
    if (p.credit === 'seller_payable') by.set(p.currency, (by.get(p.currency) ?? 0) + p.amount);
    if (p.debit === 'seller_payable') by.set(p.currency, (by.get(p.currency) ?? 0) - p.amount);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ amount, currency }));
};
