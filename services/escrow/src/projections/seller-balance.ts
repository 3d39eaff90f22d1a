import type { Pool, PoolClient } from 'pg';
import type { SignedMoney } from '../domain';
import { LEDGER_TABLE } from './ledger-entries';
import { table } from './sql';

/**
 * GET /sellers/{sellerId}/balance (E5): Σ seller_payable over every escrow of the seller, per
 * currency. Releases credit it, clawbacks and compensation debit it; it may be negative, and a later
 * release nets it because it is one running sum (the SQL twin of the domain's `sellerBalance`).
 */
export const sellerBalances = async (db: Pool | PoolClient, schema: string, sellerId: string): Promise<SignedMoney[]> => {
  const { rows } = await db.query<{ currency: string; amount: string }>(
    `SELECT currency, sum(CASE WHEN credit = 'seller_payable' THEN amount ELSE -amount END)::text AS amount
     FROM ${table(schema, LEDGER_TABLE)}
     WHERE seller_id = $1 AND (debit = 'seller_payable' OR credit = 'seller_payable')
     GROUP BY currency ORDER BY currency`,
    [sellerId],
  );
  return rows.map((r) => ({ amount: Number(r.amount), currency: r.currency }));
};
