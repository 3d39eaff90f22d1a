/**
 * E1: the accounts of one order's double-entry ledger. A posting moves `amount` out of the debited
 * account into the credited one; an account's balance is credits - debits, derived from postings only.
 *
 *   buyer_payment       external source: the buyer's captured money enters here (balance = -captured)
 *   order_hold          money held for the order (O3); never negative
 *   seller_payable      the seller's payable share; may go negative after a clawback (E5)
 *   buyer_refund        money sent back to the buyer (refunds, compensation, returned payments)
 *   platform_commission the platform's fee on released money
 *   platform_exposure   R6: a fast refund advanced by the platform (negative while outstanding)
 *   platform_writeoff   external source: platform money that covers an exposure not recovered
 */
export const ACCOUNTS = [
  'buyer_payment',
  'order_hold',
  'seller_payable',
  'buyer_refund',
  'platform_commission',
  'platform_exposure',
  'platform_writeoff',
] as const;
export type Account = (typeof ACCOUNTS)[number];

export const POSTING_REASONS = [
  'capture', // buyer_payment -> order_hold
  'payment_returned', // buyer_payment -> buyer_refund (duplicate/late/wrong capture, never held)
  'release', // order_hold -> seller_payable (net)
  'commission', // order_hold -> platform_commission
  'refund', // order_hold -> buyer_refund
  'fast_refund', // platform_exposure -> buyer_refund (R6)
  'exposure_recovery', // order_hold -> platform_exposure
  'exposure_writeoff', // platform_writeoff -> platform_exposure
  'writeoff_recovery', // order_hold -> platform_writeoff (a full refund or an appeal after a write-off gives it back)
  'writeoff_clawback', // seller_payable -> platform_writeoff (E5/R6: an appeal overturn after release; the seller repays the advance)
  'compensation', // seller_payable -> buyer_refund (return shipping, R1/D8)
  'clawback', // seller_payable -> buyer_refund (E5)
] as const;
export type PostingReason = (typeof POSTING_REASONS)[number];

/** One immutable ledger entry (E1). Amount: integer minor units > 0. */
export interface Posting {
  readonly entryId: string;
  readonly debit: Account;
  readonly credit: Account;
  readonly amount: number;
  readonly currency: string;
  readonly reason: PostingReason;
  readonly at: string;
}

/** Which (debit, credit) pair each reason may use: anything else is a violation. */
export const REASON_FLOWS: Record<PostingReason, readonly [Account, Account]> = {
  capture: ['buyer_payment', 'order_hold'],
  payment_returned: ['buyer_payment', 'buyer_refund'],
  release: ['order_hold', 'seller_payable'],
  commission: ['order_hold', 'platform_commission'],
  refund: ['order_hold', 'buyer_refund'],
  fast_refund: ['platform_exposure', 'buyer_refund'],
  exposure_recovery: ['order_hold', 'platform_exposure'],
  exposure_writeoff: ['platform_writeoff', 'platform_exposure'],
  writeoff_recovery: ['order_hold', 'platform_writeoff'],
  writeoff_clawback: ['seller_payable', 'platform_writeoff'],
  compensation: ['seller_payable', 'buyer_refund'],
  clawback: ['seller_payable', 'buyer_refund'],
};

/** Builds a posting for a reason, taking its accounts from REASON_FLOWS. */
export const post = (entryId: string, reason: PostingReason, amount: number, currency: string, at: string): Posting => {
  const [debit, credit] = REASON_FLOWS[reason];
  return { entryId, debit, credit, amount, currency, reason, at };
};
