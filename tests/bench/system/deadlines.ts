import type { Pool } from 'pg';
import { defaultPolicy, durationMs } from '@bp/timers';
import { Caller } from './clients';
import { Recorder, summarize, type Summary } from './stats';
import type { SystemUnderTest } from './system-under-test';

/**
 * Deadline lateness through the whole system. Unpaid orders are placed and left alone (O2: the
 * payment window closes them); far-future rows are added to the order service's deadline table so
 * the scheduler works with `pendingTotal` pending; then the shared clock is moved with
 * POST /ops/clock. Lateness of one deadline = wall time from the clock move that made it due to the
 * `recorded_at` of its OrderClosed (UNPAID) in the order log (the firing transaction's start;
 * database clock = this machine's clock). The synthetic rows are removed after.
 *
 * - steady: orders are placed in groups one simulated minute apart, then the clock walks over their
 *   payment windows a minute per step, at most one step per wall second: `perStep` deadlines come
 *   due per step, as they would on a live system, with `pendingTotal` pending. The target's figure.
 * - burst: every order placed at one instant and the clock moved past all windows at once; lateness
 *   is then bounded by burst size / firing rate (a backlog, e.g. after an outage).
 */
export interface DeadlineResult {
  mode: 'steady' | 'burst';
  due: number;
  pending: number;
  placedPerSecond: number;
  /** Clock moves (steps) and how many deadlines each made due. */
  steps: number;
  perStep: number;
  /** Longest POST /ops/clock (whole system settled), ms. */
  settleMs: number;
  fired: number;
  lateness: Summary;
  firedPerSecond: number;
  /** The first POST /ops/clock answer that was not 200, else 200. */
  clock: { status: number; detail: string };
}

const PAYMENT_WINDOW_MS = durationMs(defaultPolicy.order.paymentWindow);
const iso = (ms: number) => `PT${Math.max(0, Math.round(ms / 1000))}S`;

const callers = (sut: SystemUnderTest, n: number, prefix: string, role: 'buyer' | 'ops' = 'buyer') => {
  const latency = { current: new Recorder() };
  return Array.from({ length: n }, (_, i) => new Caller(role, `${prefix}-${i}`, sut.secret, sut.urls, latency));
};

/** Places `count` unpaid orders over `concurrency` buyers; returns their ids. */
const placeUnpaid = async (buyers: Caller[], count: number): Promise<string[]> => {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    buyers.map(async (buyer) => {
      while (next < count) {
        next++;
        const r = await buyer.call('order', 'POST', '/orders', 'POST /orders', {
          sellerId: 'bench-unpaid-seller',
          currency: 'USD',
          items: [{ sku: 'SKU-1', title: 'Kettle', quantity: 1, unitPrice: 2500 }],
          shippingAddress: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
        });
        if (r.status === 201) ids.push((r.body as { orderId: string }).orderId);
      }
    }),
  );
  return ids;
};

/** Tops the order service's pending deadlines up to `total` with far-future rows; returns the pending count. */
const addPending = async (pool: Pool, total: number): Promise<number> => {
  const { rows: before } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "order".deadlines WHERE fired_at IS NULL AND next_at IS NOT NULL`);
  await pool.query(
    `INSERT INTO "order".deadlines (stream_id, kind, due_at, payload, next_at)
     SELECT 'bench-pending-' || g, 'bench_far_future', '2200-01-01Z', '{}', '2200-01-01Z' FROM generate_series(1, $1::int) g
     ON CONFLICT DO NOTHING`,
    [Math.max(0, total - before[0]!.n)],
  );
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "order".deadlines WHERE fired_at IS NULL AND next_at IS NOT NULL`);
  return rows[0]!.n;
};

const removePending = (pool: Pool) => pool.query(`DELETE FROM "order".deadlines WHERE kind = 'bench_far_future'`);

/** recorded_at (epoch ms) of each order's OrderClosed. */
const closedAt = async (pool: Pool, orderIds: string[]): Promise<Map<string, number>> => {
  const { rows } = await pool.query<{ id: string; at: number }>(
    `SELECT data->>'orderId' AS id, extract(epoch FROM recorded_at) * 1000 AS at FROM "order".events WHERE type = 'OrderClosed' AND data->>'orderId' = ANY($1::text[])`,
    [orderIds],
  );
  return new Map(rows.map((r) => [r.id, Number(r.at)]));
};

/** Moves the shared clock; a settle that outlasts the client's timeout is reported like a refusal. */
const moveClock = async (ops: Caller, by: string) => {
  const t0 = Date.now();
  const r = await ops
    .call('order', 'POST', '/ops/clock', 'POST /ops/clock', { advanceBy: by })
    .catch((err: Error) => ({ status: 0, body: { detail: err.message }, ms: Date.now() - t0 }));
  return {
    status: r.status,
    detail: r.status === 200 ? JSON.stringify(r.body) : String((r.body as { detail?: string } | undefined)?.detail ?? ''),
    ms: Date.now() - t0,
  };
};

type ClockAnswer = Awaited<ReturnType<typeof moveClock>>;
const firstRefusal = (answers: ClockAnswer[]) => answers.find((a) => a.status !== 200) ?? { status: 200, detail: answers[answers.length - 1]?.detail ?? '' };

export const measureDeadlineBurst = async (
  sut: SystemUnderTest,
  pool: Pool,
  o: { due: number; pendingTotal: number; concurrency: number; say: (l: string) => void },
): Promise<DeadlineResult> => {
  const t0 = performance.now();
  const orderIds = await placeUnpaid(callers(sut, o.concurrency, 'bench-burst-buyer'), o.due);
  const placedPerSecond = orderIds.length / ((performance.now() - t0) / 1000);
  const pending = await addPending(pool, o.pendingTotal);
  o.say(`  ${orderIds.length} unpaid orders placed (${placedPerSecond.toFixed(0)}/s); ${pending} deadlines pending in the order service`);
  const ops = callers(sut, 1, 'bench-ops', 'ops')[0]!;
  const movedAt = Date.now();
  const answer = await moveClock(ops, iso(PAYMENT_WINDOW_MS + 3_600_000));
  if (answer.status !== 200) o.say(`  ! POST /ops/clock answered ${answer.status} ${answer.detail.slice(0, 300)}`);
  const closed = await closedAt(pool, orderIds);
  await removePending(pool);
  const lateness = summarize([...closed.values()].map((at) => Math.max(0, at - movedAt)));
  return {
    mode: 'burst',
    due: orderIds.length,
    pending,
    placedPerSecond,
    steps: 1,
    perStep: orderIds.length,
    settleMs: answer.ms,
    fired: closed.size,
    lateness,
    firedPerSecond: closed.size / (Math.max(1, lateness.max) / 1000),
    clock: firstRefusal([answer]),
  };
};

export const measureDeadlineSteady = async (
  sut: SystemUnderTest,
  pool: Pool,
  o: { steps: number; perStep: number; pendingTotal: number; say: (l: string) => void },
): Promise<DeadlineResult> => {
  const buyers = callers(sut, Math.min(16, o.perStep), 'bench-steady-buyer');
  const ops = callers(sut, 1, 'bench-ops', 'ops')[0]!;
  const answers: ClockAnswer[] = [];
  const groups: string[][] = [];
  const t0 = performance.now();
  let placing = 0;
  for (let g = 0; g < o.steps; g++) {
    const p0 = performance.now();
    groups.push(await placeUnpaid(buyers, o.perStep));
    placing += performance.now() - p0;
    answers.push(await moveClock(ops, 'PT1M'));
  }
  const placed = groups.flat();
  const placedPerSecond = placed.length / (placing / 1000);
  const pending = await addPending(pool, o.pendingTotal);
  o.say(
    `  ${placed.length} unpaid orders placed in ${o.steps} groups a simulated minute apart (${placedPerSecond.toFixed(0)}/s, ${((performance.now() - t0) / 1000).toFixed(0)} s with the clock moves); ${pending} deadlines pending`,
  );

  // The clock is now `steps` minutes past the first group: walk to 1 s before its window ends…
  answers.push(await moveClock(ops, iso(PAYMENT_WINDOW_MS - o.steps * 60_000 - 1000)));
  // …then each step makes one group due: the first 1 s on, the others a minute apart.
  const dueAt: number[] = [];
  for (let g = 0; g < o.steps; g++) {
    const stepStarted = Date.now();
    dueAt.push(stepStarted);
    const a = await moveClock(ops, g === 0 ? 'PT1S' : 'PT1M');
    answers.push(a);
    const rest = 1000 - (Date.now() - stepStarted);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest)); // pacing, not waiting for a condition
  }
  const closed = await closedAt(pool, placed);
  await removePending(pool);
  const samples: number[] = [];
  groups.forEach((ids, g) => ids.forEach((id) => closed.has(id) && samples.push(Math.max(0, closed.get(id)! - dueAt[g]!))));
  const lateness = summarize(samples);
  const refusal = firstRefusal(answers);
  if (refusal.status !== 200) o.say(`  ! POST /ops/clock answered ${refusal.status} ${refusal.detail.slice(0, 300)}`);
  const walk = (Date.now() - dueAt[0]!) / 1000;
  return {
    mode: 'steady',
    due: placed.length,
    pending,
    placedPerSecond,
    steps: o.steps,
    perStep: o.perStep,
    settleMs: Math.max(...answers.map((a) => a.ms)),
    fired: closed.size,
    lateness,
    firedPerSecond: closed.size / walk,
    clock: refusal,
  };
};
