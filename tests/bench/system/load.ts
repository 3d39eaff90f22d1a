import { Caller } from './clients';
import { disputeLifecycle, normalLifecycle, type LifecycleSinks } from './lifecycle';
import { logPropagation } from './propagation';
import type { RssSampler } from './rss';
import { Recorder, summarize, type Summary } from './stats';
import type { SystemUnderTest } from './system-under-test';
import type { Pool } from 'pg';

/**
 * One load level: `clients` simulated storefronts, each a closed loop (one lifecycle at a time, no
 * think time) for `seconds`; lifecycles still in flight at the end are finished and counted.
 * Every DISPUTE_EVERY-th lifecycle started is a dispute. Each client is its own buyer and seller.
 */
export const DISPUTE_EVERY = 10;

export interface LevelResult {
  clients: number;
  seconds: number;
  completed: number;
  disputes: number;
  failures: number;
  failureSamples: string[];
  lifecyclesPerSecond: number;
  endpoints: Record<string, Summary>;
  /** Every command, pooled (POST on the order service). */
  orderCommands: Summary;
  observed: Record<string, Summary>;
  logged: Record<string, Summary>;
  retries: Record<string, number>;
  rssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
  /** Appended to the four logs during the level: events, and transactions that appended. */
  appended: { events: number; transactions: number };
  orderIds: string[];
}

/** Events and appending transactions in the four logs since `since` (database clock). */
const appendedSince = async (pool: Pool, since: Date): Promise<{ events: number; transactions: number }> => {
  const { rows } = await pool.query<{ events: number; transactions: number }>(
    ['order', 'escrow', 'dispute', 'notification']
      .map((s) => `SELECT count(*)::int AS events, count(DISTINCT transaction_id)::int AS transactions FROM "${s}".events WHERE recorded_at >= $1`)
      .join(' UNION ALL '),
    [since],
  );
  return rows.reduce((a, r) => ({ events: a.events + r.events, transactions: a.transactions + r.transactions }), { events: 0, transactions: 0 });
};

export const runLevel = async (
  sut: SystemUnderTest,
  pool: Pool,
  o: { clients: number; seconds: number; tag: string; sampler: RssSampler },
): Promise<LevelResult> => {
  const latency = { current: new Recorder() };
  const sinks: LifecycleSinks = { observed: new Recorder(), retries: new Recorder() };
  const orderIds: string[] = [];
  const failureSamples: string[] = [];
  let started = 0;
  let disputes = 0;
  let failures = 0;
  const { rows: dbStart } = await pool.query<{ t: Date }>('SELECT clock_timestamp() AS t');
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  o.sampler.start();
  await Promise.all(
    Array.from({ length: o.clients }, async (_, i) => {
      const party = {
        buyer: new Caller('buyer', `bench-buyer-${o.tag}-${i}`, sut.secret, sut.urls, latency),
        seller: new Caller('seller', `bench-seller-${o.tag}-${i}`, sut.secret, sut.urls, latency),
      };
      while (performance.now() < end) {
        const dispute = ++started % DISPUTE_EVERY === 0;
        try {
          orderIds.push(await (dispute ? disputeLifecycle : normalLifecycle)(party, sinks));
          if (dispute) disputes++;
        } catch (err) {
          failures++;
          if (failureSamples.length < 5) failureSamples.push((err as Error).message);
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const { rssMb, cpuSeconds } = o.sampler.stop();
  const all = latency.current.summaries();
  const orderCommandSamples = latency.current
    .keys()
    .filter((k) => k.startsWith('POST /orders'))
    .flatMap((k) => latency.current.get(k));
  return {
    clients: o.clients,
    seconds: elapsed,
    completed: orderIds.length,
    disputes,
    failures,
    failureSamples,
    lifecyclesPerSecond: orderIds.length / elapsed,
    endpoints: all,
    orderCommands: summarize(orderCommandSamples),
    observed: sinks.observed.summaries(),
    logged: await logPropagation(pool, orderIds),
    retries: Object.fromEntries(sinks.retries.keys().map((k) => [k, sinks.retries.get(k).length])),
    rssMb,
    cpuSeconds,
    appended: await appendedSince(pool, dbStart[0]!.t),
    orderIds,
  };
};
