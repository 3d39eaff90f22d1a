/**
 * Escrow ledger throughput and the SQL conservation check at scale.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --require ./tools/swc-register.js tests/bench/escrow.bench.ts
 *
 * 1. Mixed workload through the application layer (the real command handler: load, decide, append,
 *    inline projections, deadline sync, one transaction per command), in-process, CONCURRENCY
 *    writers on distinct orders: per order RecordOrderPlaced + CapturePayment, then 50 % completion,
 *    25 % cancellation (refund), 25 % dispute split (refund R, release the rest) + completion.
 *    Reports commands/s and ledger postings/s (postings = rows of EntriesPosted).
 * 2. GET /ledger/verify's SQL over VERIFY_ORDERS bulk-generated orders (capture, commission,
 *    release; every 4th refunded instead), timed end to end.
 * Env: ORDERS (2000), CONCURRENCY (8), VERIFY_ORDERS (100000).
 */
import { randomBytes } from 'node:crypto';
import { EventRegistry, systemActor } from '@bp/contracts';
import { createEventStore } from '@bp/eventstore';
import { migrateDeadlines } from '@bp/timers';
import { Pool } from 'pg';
import { createEscrowApp } from '../../services/escrow/src/app/escrow-app';
import { migrateParking } from '../../services/escrow/src/app/parking';
import { escrowEventDefinitions, type EscrowCommand } from '../../services/escrow/src/domain';
import { escrowProjections, verifyLedger } from '../../services/escrow/src/projections';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ORDERS = Number(process.env.ORDERS ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const VERIFY_ORDERS = Number(process.env.VERIFY_ORDERS ?? 100_000);
const run = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
const log = (line: string) => process.stdout.write(`${line}\n`);
const actor = systemActor('bench');
const policy = { commissionBps: 250, refundRetryBase: 'PT30S', refundRetryMax: 'PT6H' };
const USD = (amount: number) => ({ amount, currency: 'USD' });

const setup = async (pool: Pool, schema: string) => {
  const store = createEventStore({ pool, schema, registry: new EventRegistry([...escrowEventDefinitions]) });
  await store.migrate();
  await migrateDeadlines(pool, schema);
  const projections = escrowProjections(schema);
  for (const p of projections) await p.migrate(pool);
  await migrateParking(pool, schema);
  return { store };
};

/** The commands of one order of the mix (i picks the path). */
const lifecycle = (i: number, now: string): EscrowCommand[] => {
  const orderId = `bench-${run}-${i}`;
  const meta = { now, actor };
  const id = (s: string) => `${orderId}:${s}`;
  const start: EscrowCommand[] = [
    { type: 'RecordOrderPlaced', data: { eventId: id('placed'), orderId, buyerId: `b${i % 500}`, sellerId: `s${i % 200}`, total: USD(10_000), policy }, meta },
    { type: 'CapturePayment', data: { orderId, paymentId: id('pay'), providerRef: id('ref'), amount: USD(10_000), capturedAt: now }, meta },
  ];
  const complete = (reason: 'CONFIRMED' | 'DISPUTE_SETTLED'): EscrowCommand => ({
    type: 'ReleaseOnCompletion',
    data: { eventId: id('completed'), orderId, reason },
    meta,
  });
  switch (i % 4) {
    case 0:
    case 1:
      return [...start, complete('CONFIRMED')];
    case 2:
      return [...start, { type: 'RefundOnCancellation', data: { eventId: id('cancelled'), orderId, source: 'OrderCancelled', refundDue: true }, meta }];
    default:
      return [
        ...start,
        {
          type: 'ApplyDisputeSettlement',
          data: { eventId: id('settled'), orderId, disputeId: id('d'), refund: USD(3_000), releaseRemainder: true, settledBy: 'RULING' },
          meta,
        },
        complete('DISPUTE_SETTLED'),
      ];
  }
};

const workload = async (pool: Pool) => {
  const schema = `escrow_bench_${run}`;
  const { store } = await setup(pool, schema);
  const app = createEscrowApp({ store, schema });
  const now = new Date().toISOString();
  let next = 0;
  let commands = 0;
  let postings = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < ORDERS; i = next++) {
        for (const c of lifecycle(i, now)) {
          const r = await app.execute(c, { metadata: { correlationId: `c-${i}`, causationId: null, actor, now } });
          commands += 1;
          for (const e of r.events) if (e.type === 'EntriesPosted') postings += (e.data as { entries: unknown[] }).entries.length;
        }
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = await verifyLedger(pool, schema);
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  return { seconds, commands, postings, violations: report.violations.length, ordersChecked: report.ordersChecked };
};

const verifyAtScale = async (pool: Pool) => {
  const schema = `escrow_verify_${run}`;
  await setup(pool, schema);
  const t = (name: string) => `"${schema}".${name}`;
  const genStarted = Date.now();
  // capture 10,000; then either commission 250 + release 9,750, or (every 4th) a full refund
  await pool.query(
    `
    INSERT INTO ${t('ledger_entries')} (entry_id, order_id, seller_id, seq, debit, credit, amount, currency, reason, at)
    SELECT 'o' || g || ':' || k, 'o' || g, 's' || (g % 1000), k, f.debit, f.credit, f.amount, 'USD', f.reason, now()
    FROM generate_series(1, $1::int) g
    CROSS JOIN LATERAL (VALUES
      (0, 'buyer_payment', 'order_hold', 10000, 'capture'),
      (1, 'order_hold', CASE WHEN g % 4 = 0 THEN 'buyer_refund' ELSE 'platform_commission' END, CASE WHEN g % 4 = 0 THEN 10000 ELSE 250 END, CASE WHEN g % 4 = 0 THEN 'refund' ELSE 'commission' END),
      (2, 'order_hold', 'seller_payable', 9750, 'release')
    ) AS f(k, debit, credit, amount, reason)
    WHERE NOT (g % 4 = 0 AND f.k = 2)`,
    [VERIFY_ORDERS],
  );
  await pool.query(
    `
    INSERT INTO ${t('escrows')} (order_id, buyer_id, seller_id, status, settled, releases, version, state)
    SELECT 'o' || g, 'b', 's' || (g % 1000), 'completed', true, CASE WHEN g % 4 = 0 THEN 0 ELSE 1 END, 3, '{}'::jsonb
    FROM generate_series(1, $1::int) g`,
    [VERIFY_ORDERS],
  );
  await pool.query(`ANALYZE ${t('ledger_entries')}; ANALYZE ${t('escrows')}`);
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t('ledger_entries')}`);
  const genSeconds = (Date.now() - genStarted) / 1000;
  const times: number[] = [];
  let report = await verifyLedger(pool, schema);
  for (let i = 0; i < 3; i++) {
    const s = process.hrtime.bigint();
    report = await verifyLedger(pool, schema);
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  await pool.query(`DROP SCHEMA ${schema} CASCADE`);
  return { entries: rows[0]!.n, genSeconds, times, report };
};

const main = async () => {
  const pool = new Pool({ connectionString: url, max: CONCURRENCY + 2 });
  try {
    const w = await workload(pool);
    log(`escrow mixed workload: ${ORDERS} orders, ${CONCURRENCY} writers, ${w.commands} commands, ${w.postings} postings in ${w.seconds.toFixed(2)} s`);
    log(
      `  ${(w.commands / w.seconds).toFixed(0)} commands/s, ${(w.postings / w.seconds).toFixed(0)} ledger postings/s; verify: ${w.ordersChecked} orders, ${w.violations} violations`,
    );
    const v = await verifyAtScale(pool);
    const sorted = [...v.times].sort((a, b) => a - b);
    log(
      `ledger verify: ${v.report.ordersChecked} orders, ${v.entries} postings (generated in ${v.genSeconds.toFixed(1)} s), ${v.report.violations.length} violations`,
    );
    log(`  ${sorted.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (best ${sorted[0]!.toFixed(0)} ms)`);
  } finally {
    await pool.end();
  }
};

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
