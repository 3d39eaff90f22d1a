import type { Pool } from 'pg';
import { Caller } from './clients';
import { Recorder, summarize, type Summary } from './stats';
import type { SystemUnderTest } from './system-under-test';

/**
 * Deadline lateness through the whole system: N orders are placed and left unpaid (O2: the payment
 * window, 24 h by default, closes them), `pendingTotal − N` far-future rows are added to the order
 * service's deadline table so the scheduler works with that many pending, then POST /ops/clock
 * moves the shared clock 25 h: all N come due at that instant. Lateness of one deadline = wall time
 * from the clock move to the recorded_at of its OrderClosed (UNPAID) in the order log (the firing
 * transaction's start, database clock = this machine's clock). The synthetic rows are removed after.
 */
export interface DeadlineResult {
  due: number;
  pending: number;
  placedPerSecond: number;
  settleMs: number;
  fired: number;
  lateness: Summary;
  firedPerSecond: number;
  /** POST /ops/clock's answer: 200, or what it refused with. */
  clock: { status: number; detail: string };
}

export const measureDeadlines = async (
  sut: SystemUnderTest,
  pool: Pool,
  o: { due: number; pendingTotal: number; concurrency: number; say: (l: string) => void },
): Promise<DeadlineResult> => {
  const latency = { current: new Recorder() };
  const buyers = Array.from({ length: o.concurrency }, (_, i) => new Caller('buyer', `bench-unpaid-buyer-${i}`, sut.secret, sut.urls, latency));
  const orderIds: string[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    buyers.map(async (buyer) => {
      while (next < o.due) {
        next++;
        const r = await buyer.call('order', 'POST', '/orders', 'POST /orders', {
          sellerId: 'bench-unpaid-seller',
          currency: 'USD',
          items: [{ sku: 'SKU-1', title: 'Kettle', quantity: 1, unitPrice: 2500 }],
          shippingAddress: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
        });
        if (r.status === 201) orderIds.push((r.body as { orderId: string }).orderId);
      }
    }),
  );
  const placedPerSecond = orderIds.length / ((performance.now() - t0) / 1000);
  const synthetic = Math.max(0, o.pendingTotal - orderIds.length);
  await pool.query(
    `INSERT INTO "order".deadlines (stream_id, kind, due_at, payload, next_at)
     SELECT 'bench-pending-' || g, 'bench_far_future', '2200-01-01Z', '{}', '2200-01-01Z' FROM generate_series(1, $1::int) g
     ON CONFLICT DO NOTHING`,
    [synthetic],
  );
  const { rows: pendingRows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "order".deadlines WHERE fired_at IS NULL AND next_at IS NOT NULL`);
  const pending = pendingRows[0]!.n;
  o.say(`  ${orderIds.length} unpaid orders placed (${placedPerSecond.toFixed(0)}/s); ${pending} deadlines pending in the order service`);

  const ops = new Caller('ops', 'bench-ops', sut.secret, sut.urls, latency);
  const movedAt = Date.now();
  // A settle that outlasts the client's 60 s timeout is reported like a refusal: the firings are
  // measured from the log either way, and the rest of the bench still runs.
  const r = await ops
    .call('order', 'POST', '/ops/clock', 'POST /ops/clock', { advanceBy: 'PT25H' })
    .catch((err: Error) => ({ status: 0, body: { detail: err.message }, ms: Date.now() - movedAt }));
  const settleMs = Date.now() - movedAt;
  if (r.status !== 200) o.say(`  ! POST /ops/clock answered ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  const { rows } = await pool.query<{ at: number }>(
    `SELECT extract(epoch FROM recorded_at) * 1000 AS at FROM "order".events WHERE type = 'OrderClosed' AND data->>'orderId' = ANY($1::text[])`,
    [orderIds],
  );
  await pool.query(`DELETE FROM "order".deadlines WHERE kind = 'bench_far_future'`);
  const lateness = summarize(rows.map((x) => Math.max(0, Number(x.at) - movedAt)));
  return {
    due: orderIds.length, pending, placedPerSecond, settleMs, fired: rows.length, lateness,
    firedPerSecond: rows.length / (Math.max(1, lateness.max) / 1000),
    clock: { status: r.status, detail: r.status === 200 ? JSON.stringify(r.body) : String((r.body as { detail?: string } | undefined)?.detail ?? '') },
  };
};
