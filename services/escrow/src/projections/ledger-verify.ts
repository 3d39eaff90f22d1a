// GET /ledger/verify (E1, E2, E3, R6) in ONE SQL statement over the ledger_entries and escrows read
// models: the same rules as the domain's `verifyConservation`, evaluated set-wise so 100,000 orders
// take a single pass in (order, currency, seq) index order (a window for the running hold/exposure
// and one GROUP BY per order and currency over the same ordering, so no sort) instead of 100,000
// folds in JavaScript. The flow check is a hashed NOT IN rather than a join, which keeps that order.
//
// Σ over all accounts = 0 holds by construction for (debit, credit, amount) rows, so the checks that
// can fail are: a malformed posting (amount, reason flow), the hold going negative or the exposure
// positive at any prefix, refunds above the capture, a write-off recovered twice, a settled order
// still holding or exposing money, and more than one release (E3).
import type { Pool, PoolClient } from 'pg';
import { REASON_FLOWS, type Violation } from '../domain';
import { ESCROWS_TABLE } from './escrows';
import { LEDGER_TABLE } from './ledger-entries';
import { table } from './sql';

export interface VerifyReport {
  ordersChecked: number;
  violations: Violation[];
}

const FLOWS = Object.entries(REASON_FLOWS)
  .map(([reason, [debit, credit]]) => `('${reason}', '${debit}', '${credit}')`)
  .join(', ');

// credit - debit, as the domain's balances(): a (malformed) posting from an account to itself moves nothing.
const delta = (account: string) => `(CASE WHEN l.credit = '${account}' THEN l.amount ELSE 0 END - CASE WHEN l.debit = '${account}' THEN l.amount ELSE 0 END)`;

export const verifySql = (schema: string): string => `
WITH flows(reason, debit, credit) AS (VALUES ${FLOWS}),
run AS (
  SELECT l.order_id, l.currency, l.entry_id, l.reason, l.amount,
         l.amount <= 0 AS bad_amount,
         (l.reason, l.debit, l.credit) NOT IN (SELECT reason, debit, credit FROM flows) AS bad_flow,
         sum(${delta('order_hold')}) OVER w AS hold,
         sum(${delta('platform_exposure')}) OVER w AS exposure,
         ${delta('order_hold')} AS hold_delta,
         ${delta('platform_exposure')} AS exposure_delta,
         ${delta('platform_writeoff')} AS writeoff
  FROM ${table(schema, LEDGER_TABLE)} l
  WINDOW w AS (PARTITION BY l.order_id, l.currency ORDER BY l.seq)
),
per AS (
  SELECT order_id, currency,
         array_agg(entry_id ORDER BY entry_id) FILTER (WHERE bad_amount) AS bad_amounts,
         array_agg(entry_id ORDER BY entry_id) FILTER (WHERE bad_flow) AS bad_flows,
         min(hold) AS min_hold, max(exposure) AS max_exposure,
         sum(writeoff) AS writeoff,
         coalesce(sum(amount) FILTER (WHERE reason = 'capture'), 0) AS captured,
         coalesce(sum(amount) FILTER (WHERE reason IN ('refund', 'fast_refund', 'clawback')), 0) AS refunded,
         sum(hold_delta) AS hold, sum(exposure_delta) AS exposure
  FROM run GROUP BY order_id, currency
),
v AS (
  SELECT p.order_id, 'E1' AS rule, 'BAD_AMOUNT' AS code, array_to_string(p.bad_amounts, ', ') AS detail FROM per p WHERE p.bad_amounts IS NOT NULL
  UNION ALL SELECT p.order_id, 'E1', 'BAD_FLOW', array_to_string(p.bad_flows, ', ') FROM per p WHERE p.bad_flows IS NOT NULL
  UNION ALL SELECT p.order_id, 'E2', 'HOLD_NEGATIVE', p.currency || ': hold ' || p.min_hold FROM per p WHERE p.min_hold < 0
  UNION ALL SELECT p.order_id, 'R6', 'EXPOSURE_POSITIVE', p.currency || ': exposure ' || p.max_exposure FROM per p WHERE p.max_exposure > 0
  UNION ALL SELECT p.order_id, 'R6', 'WRITEOFF_OVER_RECOVERED', p.currency || ': ' || p.writeoff FROM per p WHERE p.writeoff > 0
  UNION ALL SELECT p.order_id, 'E2', 'REFUND_ABOVE_CAPTURE', p.currency || ': refunded ' || p.refunded || ' > captured ' || p.captured FROM per p WHERE p.refunded > p.captured
  UNION ALL SELECT f.order_id, 'E2', 'SETTLED_BUT_HELD', f.currency || ': held ' || f.hold
    FROM per f JOIN ${table(schema, ESCROWS_TABLE)} e USING (order_id) WHERE e.settled AND f.hold <> 0
  UNION ALL SELECT f.order_id, 'R6', 'SETTLED_BUT_EXPOSED', f.currency || ': exposure ' || f.exposure
    FROM per f JOIN ${table(schema, ESCROWS_TABLE)} e USING (order_id) WHERE e.settled AND f.exposure <> 0
  UNION ALL SELECT e.order_id, 'E3', 'RELEASED_TWICE', e.releases || ' releases' FROM ${table(schema, ESCROWS_TABLE)} e WHERE e.releases > 1
)
SELECT order_id AS "orderId", rule, code, detail FROM v ORDER BY order_id, rule, code`;

/**
 * Every violation over every order, plus how many orders the escrow knows, from one snapshot
 * (REPEATABLE READ: the count and the checks see the same commits). JIT is off for this statement:
 * compiling its ~80 expressions costs more than it saves on a single pass.
 */
export const verifyLedger = async (pool: Pool, schema: string): Promise<VerifyReport> => {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query('SET LOCAL jit = off');
    const { rows: violations } = await client.query<Violation>(verifySql(schema));
    const { rows: count } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table(schema, ESCROWS_TABLE)}`);
    await client.query('COMMIT');
    return { ordersChecked: count[0]?.n ?? 0, violations };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
};
