/**
 * Durable deadlines (@bp/timers) side by side with pg-boss 10.4.2, same process, same Postgres.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --require ./tools/swc-register.js tests/bench/timers.bench.ts
 *
 * Every firing is a real small command: load the stream's state row, decide (re-check the rule
 * against the state), append an event row and move the state on; for @bp/timers also the deadline
 * sync a command handler runs. Burst: BURST deadlines/jobs due at the same instant; lateness is
 * commit time minus due time. Steady: deadlines due continuously at RATE/s for STEADY_S seconds.
 * Env: BURST (50000), RATE (1000), STEADY_S (20), CONCURRENCY (2), BATCH (200), BOSS_WORKERS (8),
 * PGBOSS=0 to skip pg-boss.
 */
import { randomBytes } from 'node:crypto';
import { Pool, type PoolClient } from 'pg';
import PgBoss from 'pg-boss';
import { createScheduler, migrateDeadlines, syncDeadlines, syncManyDeadlines, systemClock, type DueDeadline } from '@bp/timers';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BURST = Number(process.env.BURST ?? 50_000);
const RATE = Number(process.env.RATE ?? 1000);
const STEADY_S = Number(process.env.STEADY_S ?? 20);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 2);
const BATCH = Number(process.env.BATCH ?? 200);
const WITH_PGBOSS = process.env.PGBOSS !== '0';
// pg-boss waits out its polling interval (min 0.5 s) after every fetch, so a worker tops out at
// batchSize / 0.5 s: enough workers that this cap (1,600/s) is not what limits it.
const BOSS_WORKERS = Number(process.env.BOSS_WORKERS ?? 8);
const SETUP_LEAD_MS = 6000;

const run = `${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Result {
  name: string;
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Collects lateness per firing and resolves when `expected` have committed. */
const recorder = (expected: number) => {
  const lateness: number[] = [];
  let last = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  return {
    record(dueAtMs: number) {
      last = Date.now();
      lateness.push(last - dueAtMs);
      if (lateness.length === expected) done();
    },
    async result(name: string, firstDueMs: number, timeoutMs: number): Promise<Result> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      await Promise.race([finished, timeout]);
      clearTimeout(timer);
      if (lateness.length < expected) log(`  ! ${name}: only ${lateness.length}/${expected} fired within ${timeoutMs / 1000}s`);
      const sorted = [...lateness].sort((a, b) => a - b);
      const seconds = Math.max(1, last - firstDueMs) / 1000;
      return {
        name,
        count: lateness.length,
        perSecond: lateness.length / seconds,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1] ?? NaN,
      };
    },
  };
};

/** The aggregate side: one state row per stream, an event table with (stream, version) unique. */
const workload = (schema: string) => ({
  async setup(pool: Pool, n: number, dueAtOf: (i: number) => string) {
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query(`
      CREATE TABLE ${schema}.streams (stream_id text PRIMARY KEY, state jsonb NOT NULL, version int NOT NULL);
      CREATE TABLE ${schema}.events (seq bigserial PRIMARY KEY, stream_id text NOT NULL, version int NOT NULL, type text NOT NULL, data jsonb NOT NULL, UNIQUE (stream_id, version));`);
    for (let from = 0; from < n; from += 10_000) {
      const ids = Array.from({ length: Math.min(10_000, n - from) }, (_, k) => from + k);
      await pool.query(
        `INSERT INTO ${schema}.streams SELECT 's' || i, jsonb_build_object('status', 'held', 'holdUntil', d), 1
         FROM unnest($1::int[], $2::text[]) AS u(i, d)`,
        [ids, ids.map(dueAtOf)],
      );
    }
    await pool.query(`ANALYZE ${schema}.streams`);
  },
  /** FireDeadline: load, decide (stale → nothing), append. Returns whether an event was appended. */
  async command(tx: PoolClient, streamId: string, dueAt: string, now: string): Promise<boolean> {
    const { rows } = await tx.query<{ state: { status: string; holdUntil?: string }; version: number }>(
      `SELECT state, version FROM ${schema}.streams WHERE stream_id = $1`,
      [streamId],
    );
    const s = rows[0];
    if (!s || s.state.status !== 'held' || s.state.holdUntil !== dueAt || Date.parse(now) < Date.parse(dueAt)) return false;
    await tx.query(
      `WITH appended AS (INSERT INTO ${schema}.events (stream_id, version, type, data) VALUES ($1, $2, 'HoldExpired', $3))
       UPDATE ${schema}.streams SET state = $4, version = $2 WHERE stream_id = $1`,
      [streamId, s.version + 1, { at: dueAt }, { status: 'expired' }],
    );
    return true;
  },
  /** The same command for many streams: one load, decide each, one append statement. */
  async commandMany(tx: PoolClient, items: { streamId: string; dueAt: string; now: string }[]): Promise<number> {
    const { rows } = await tx.query<{ stream_id: string; state: { status: string; holdUntil?: string }; version: number }>(
      `SELECT stream_id, state, version FROM ${schema}.streams WHERE stream_id = ANY($1::text[])`,
      [items.map((i) => i.streamId)],
    );
    const byId = new Map(rows.map((r) => [r.stream_id, r]));
    const decided = items.flatMap((i) => {
      const s = byId.get(i.streamId);
      if (!s || s.state.status !== 'held' || s.state.holdUntil !== i.dueAt || Date.parse(i.now) < Date.parse(i.dueAt)) return [];
      return [{ id: i.streamId, version: s.version + 1, data: JSON.stringify({ at: i.dueAt }) }];
    });
    if (decided.length === 0) return 0;
    await tx.query(
      `WITH appended AS (
         INSERT INTO ${schema}.events (stream_id, version, type, data)
         SELECT id, v, 'HoldExpired', d::jsonb FROM unnest($1::text[], $2::int[], $3::text[]) AS u(id, v, d))
       UPDATE ${schema}.streams AS s SET state = '{"status":"expired"}', version = u.v
       FROM unnest($1::text[], $2::int[]) AS u(id, v) WHERE s.stream_id = u.id`,
      [decided.map((d) => d.id), decided.map((d) => d.version), decided.map((d) => d.data)],
    );
    return decided.length;
  },
});

const iso = (ms: number) => new Date(ms).toISOString();

// ---------------------------------------------------------------- @bp/timers

const timersRun = async (name: string, batched: boolean, n: number, dueAtMs: (i: number) => number, timeoutMs: number): Promise<Result> => {
  const schema = `bench_timers_${run}_${name.replace(/\W/g, '').toLowerCase()}`;
  const t0 = Date.now() + SETUP_LEAD_MS;
  const pool = new Pool({ connectionString: url, max: CONCURRENCY + 2 });
  const w = workload(schema);
  try {
    await w.setup(pool, n, (i) => iso(t0 + dueAtMs(i)));
    await migrateDeadlines(pool, schema);
    // Bulk rows exactly as syncDeadlines writes them (50,000 single syncs would only slow the setup).
    for (let from = 0; from < n; from += 10_000) {
      const ids = Array.from({ length: Math.min(10_000, n - from) }, (_, k) => from + k);
      await pool.query(
        `INSERT INTO ${schema}.deadlines (stream_id, kind, due_at, payload, next_at)
         SELECT 's' || i, 'hold-expiry', d::timestamptz, jsonb_build_object('kind', 'hold-expiry', 'dueAt', d, 'actor', 'system', 'onExpiry', 'HoldExpired'), d::timestamptz
         FROM unnest($1::int[], $2::text[]) AS u(i, d)`,
        [ids, ids.map((i) => iso(t0 + dueAtMs(i)))],
      );
    }
    await pool.query(`ANALYZE ${schema}.deadlines`);
    if (Date.now() > t0) log(`  ! setup overran the lead time by ${Date.now() - t0} ms`);

    const rec = recorder(n);
    const scheduler = createScheduler({
      pool,
      schema,
      clock: systemClock,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      fire: async (tx: PoolClient, d: DueDeadline) => {
        await w.command(tx, d.streamId, d.dueAt, d.now);
        await syncDeadlines(tx, schema, d.streamId, []); // the command handler's hook: the new state lists no deadline
      },
      ...(batched && {
        fireMany: async (tx: PoolClient, ds: DueDeadline[]) => {
          await w.commandMany(
            tx,
            ds.map((d) => ({ streamId: d.streamId, dueAt: d.dueAt, now: d.now })),
          );
          await syncManyDeadlines(
            tx,
            schema,
            ds.map((d) => ({ streamId: d.streamId, deadlines: [] })),
          );
        },
      }),
      onFired: (ds) => {
        for (const d of ds) rec.record(Date.parse(d.dueAt));
      },
      logger: { warn: (o, m) => log(`  warn ${m} ${JSON.stringify(o)}`), error: (o, m) => log(`  error ${m} ${JSON.stringify(o)}`) },
    });
    scheduler.start();
    const result = await rec.result(`@bp/timers ${name}`, t0 + dueAtMs(0), timeoutMs);
    await scheduler.stop();
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.events`);
    if (Number(rows[0]?.n) !== n) log(`  ! ${name}: ${rows[0]?.n} events for ${n} deadlines`);
    return result;
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.end();
  }
};

// ---------------------------------------------------------------- pg-boss

type BossMode = 'job-per-tx' | 'batch-per-tx';

const pgBossRun = async (name: string, mode: BossMode, n: number, dueAtMs: (i: number) => number, timeoutMs: number): Promise<Result> => {
  const schema = `bench_pgbw_${run}_${name.replace(/\W/g, '').toLowerCase()}`;
  const bossSchema = `bench_pgboss_${run}_${name.replace(/\W/g, '').toLowerCase()}`;
  const t0 = Date.now() + SETUP_LEAD_MS + 4000; // inserting jobs through pg-boss takes longer
  const pool = new Pool({ connectionString: url, max: BOSS_WORKERS + 2 });
  const boss = new PgBoss({ connectionString: url, schema: bossSchema, max: BOSS_WORKERS + 2 });
  boss.on('error', (err) => log(`  pg-boss error ${err.message}`));
  const w = workload(schema);
  try {
    await w.setup(pool, n, (i) => iso(t0 + dueAtMs(i)));
    await boss.start();
    await boss.createQueue('deadline');
    for (let from = 0; from < n; from += 5000) {
      const jobs = Array.from({ length: Math.min(5000, n - from) }, (_, k) => {
        const i = from + k;
        const dueAt = iso(t0 + dueAtMs(i));
        return { name: 'deadline', data: { streamId: `s${i}`, dueAt }, startAfter: dueAt };
      });
      await boss.insert(jobs);
    }
    if (Date.now() > t0) log(`  ! setup overran the lead time by ${Date.now() - t0} ms`);

    const rec = recorder(n);
    type Job = { data: { streamId: string; dueAt: string } };
    const inTx = async (fn: (tx: PoolClient) => Promise<void>) => {
      const tx = await pool.connect();
      try {
        await tx.query('BEGIN');
        await fn(tx);
        await tx.query('COMMIT');
      } catch (err) {
        await tx.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        tx.release();
      }
    };
    const handler = async (jobs: Job[]) => {
      const now = new Date().toISOString();
      if (mode === 'job-per-tx') {
        for (const job of jobs) {
          await inTx(async (tx) => void (await w.command(tx, job.data.streamId, job.data.dueAt, now)));
          rec.record(Date.parse(job.data.dueAt));
        }
      } else {
        await inTx(async (tx) => {
          for (const job of jobs) await w.command(tx, job.data.streamId, job.data.dueAt, now);
        });
        for (const job of jobs) rec.record(Date.parse(job.data.dueAt));
      }
    };
    // BOSS_WORKERS workers, 100 jobs per fetch, polling at pg-boss's minimum interval (0.5 s).
    for (let k = 0; k < BOSS_WORKERS; k++) await boss.work<Job['data']>('deadline', { batchSize: 100, pollingIntervalSeconds: 0.5 }, handler);
    return await rec.result(`pg-boss ${name}`, t0 + dueAtMs(0), timeoutMs);
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(() => {});
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await pool.query(`DROP SCHEMA IF EXISTS ${bossSchema} CASCADE`).catch(() => {});
    await pool.end();
  }
};

// ---------------------------------------------------------------- main

const show = (r: Result) =>
  log(
    `  ${r.name.padEnd(34)} ${String(r.count).padStart(6)} fired  ${r.perSecond.toFixed(0).padStart(6)}/s  lateness p50 ${(r.p50 / 1000).toFixed(2)} s  p99 ${(r.p99 / 1000).toFixed(2)} s  max ${(r.max / 1000).toFixed(2)} s`,
  );

const main = async () => {
  log(
    `timers bench: burst ${BURST}, steady ${RATE}/s x ${STEADY_S}s, scheduler batch ${BATCH} x ${CONCURRENCY} loops, pg-boss ${BOSS_WORKERS} workers x 100/fetch`,
  );
  const results: Result[] = [];
  const step = (r: Result) => {
    show(r);
    results.push(r);
    return r;
  };

  log('burst: all due at once');
  const oursOne = step(await timersRun('burst fire', false, BURST, () => 0, 10 * 60_000));
  const ours = step(await timersRun('burst fireMany', true, BURST, () => 0, 10 * 60_000));
  const bossRuns: Result[] = [];
  if (WITH_PGBOSS) {
    bossRuns.push(step(await pgBossRun('burst job/tx', 'job-per-tx', BURST, () => 0, 10 * 60_000)));
    bossRuns.push(step(await pgBossRun('burst batch/tx', 'batch-per-tx', BURST, () => 0, 10 * 60_000)));
  }

  log(`steady: due continuously at ${RATE}/s for ${STEADY_S}s`);
  const steadyN = RATE * STEADY_S;
  const steady = step(await timersRun('steady fireMany', true, steadyN, (i) => (i * 1000) / RATE, STEADY_S * 1000 + 60_000));
  const steadyOne = step(await timersRun('steady fire', false, steadyN, (i) => (i * 1000) / RATE, STEADY_S * 1000 + 60_000));
  let bossSteady: Result | undefined;
  if (WITH_PGBOSS) bossSteady = step(await pgBossRun('steady job/tx', 'job-per-tx', steadyN, (i) => (i * 1000) / RATE, STEADY_S * 1000 + 60_000));

  log('summary');
  for (const mine of [oursOne, ours])
    for (const b of bossRuns) log(`  burst throughput ${mine.name} / ${b.name}: ${(mine.perSecond / b.perSecond).toFixed(1)}x (target >= 2x)`);
  log(
    `  burst vs yardsticks (DESIGN.md): pg-boss ~870/s -> ${(ours.perSecond / 870).toFixed(1)}x; graphile-worker batched ~21,700/s -> ${(ours.perSecond / 21_700).toFixed(2)}x`,
  );
  log(
    `  steady p99 lateness @bp/timers: fireMany ${(steady.p99 / 1000).toFixed(2)} s, fire ${(steadyOne.p99 / 1000).toFixed(2)} s (target < 1 s)${bossSteady ? `; pg-boss: ${(bossSteady.p99 / 1000).toFixed(2)} s` : ''}`,
  );
  const ok =
    // Targets hold for the batched path (fireMany); the one-command-per-deadline path is reported for comparison.
    oursOne.count === BURST &&
    ours.count === BURST &&
    steady.count === steadyN &&
    steadyOne.count === steadyN &&
    steady.p99 < 1000 &&
    bossRuns.every((b) => ours.perSecond >= 2 * b.perSecond);
  log(ok ? 'timers bench: targets met' : 'timers bench: TARGETS MISSED');
  process.exitCode = ok ? 0 : 1;
};

main().catch((err) => {
  log(`timers bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
