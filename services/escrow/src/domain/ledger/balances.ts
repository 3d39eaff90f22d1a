import { ACCOUNTS, type Account, type Posting, type PostingReason } from './accounts';

export type AccountBalances = Record<Account, number>;
/** Balances per currency (credits - debits), derived from postings only. */
export type Balances = Record<string, AccountBalances>;

export const zeroBalances = (): AccountBalances => Object.fromEntries(ACCOUNTS.map((a) => [a, 0])) as AccountBalances;

/** E1: every balance is a fold over the immutable postings; nothing is stored that could drift. */
export const balances = (postings: readonly Posting[]): Balances => {
  const out: Balances = {};
  for (const p of postings) {
    const b = (out[p.currency] ??= zeroBalances());
    b[p.debit] -= p.amount;
    b[p.credit] += p.amount;
  }
  return out;
};

/** Balances of one currency (all zero when it has no postings). */
export const balancesIn = (postings: readonly Posting[], currency: string): AccountBalances =>
  balances(postings.filter((p) => p.currency === currency))[currency] ?? zeroBalances();

/** Sum of the postings with one of the given reasons. */
export const sumByReason = (postings: readonly Posting[], ...reasons: PostingReason[]): number =>
  postings.reduce((s, p) => (reasons.includes(p.reason) ? s + p.amount : s), 0);

/** E2: the sum over all accounts of one currency; zero when nothing was created or destroyed. */
export const netOfAllAccounts = (b: AccountBalances): number => ACCOUNTS.reduce((s, a) => s + b[a], 0);
