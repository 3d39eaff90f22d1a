import { testDatabase, type TestDatabase } from '@bp/testing';
import type { PoolClient } from 'pg';
import { SimulatedClock, addMs, createScheduler, listDeadlines, migrateDeadlines, syncDeadlines, type DueDeadline } from '../src';

/**
 * Exactly-once firing across scheduler instances and crashes. The effect table has NO unique key on
 * purpose: a double firing would show up as a second row instead of being absorbed.
 */
const START = '2026-03-01T00:00:00.000Z';

let db: TestDatabase;
let clock: SimulatedClock;

beforeEach(async () => {
  db = await testDatabase('timers_race');
  await migrateDeadlines(db.pool, db.schema);
  await db.pool.query(`CREATE TABLE ${db.schema}.effects (stream_id text NOT NULL, kind text NOT NULL, due_at text NOT NULL, by text NOT NULL)`);
  clock = new SimulatedClock(START);
});
afterEach(() => db.close());

/** `streams` streams with `kinds` deadlines each, due one millisecond apart. */
const seed = async (streams: number, kinds: number): Promise<number> => {
  const tx = await db.pool.connect();
  try {
    await tx.query('BEGIN');
    for (let s = 0; s < streams; s++) {
      const list = Array.from({ length: kinds }, (_, k) => ({ kind: `k${k}`, dueAt: addMs(START, s * kinds + k), actor: 'system', onExpiry: 'X' }));
      await syncDeadlines(tx, db.schema, `s${s}`, list);
    }
    await tx.query('COMMIT');
  } finally {
    tx.release();
  }
  return streams * kinds;
};

const effect = (by: string) => async (tx: PoolClient, d: DueDeadline) => {
  await tx.query(`INSERT INTO ${db.schema}.effects VALUES ($1, $2, $3, $4)`, [d.streamId, d.kind, d.dueAt, by]);
};

const effectCounts = async () => {
  const { rows } = await db.pool.query<{ total: string; distinct: string; max: string | null }>(
    `SELECT count(*) AS total, count(DISTINCT (stream_id, kind, due_at)) AS distinct,
            (SELECT max(n) FROM (SELECT count(*) AS n FROM ${db.schema}.effects GROUP BY stream_id, kind, due_at) c) AS max
     FROM ${db.schema}.effects`,
  );
  const r = rows[0];
  return { total: Number(r?.total), distinct: Number(r?.distinct), maxPerDeadline: Number(r?.max ?? 0) };
};

const byScheduler = async () =>
  Object.fromEntries(
    (await db.pool.query<{ by: string; n: string }>(`SELECT by, count(*) AS n FROM ${db.schema}.effects GROUP BY by`)).rows.map((r) => [r.by, Number(r.n)]),
  );

describe('two schedulers racing', () => {
  it('runDue on two pools: every one of 4,000 deadlines fires exactly once', async () => {
    const n = await seed(2000, 2);
    clock.advance(60_000);
    const a = createScheduler({ pool: db.newPool({ max: 2 }), schema: db.schema, clock, fire: effect('A'), batchSize: 50 });
    const b = createScheduler({ pool: db.newPool({ max: 2 }), schema: db.schema, clock, fire: effect('B'), batchSize: 50 });
    const [firedA, firedB] = await Promise.all([a.runDue(), b.runDue()]);
    expect(firedA + firedB).toBe(n);
    expect(await effectCounts()).toEqual({ total: n, distinct: n, maxPerDeadline: 1 });
    const split = await byScheduler();
    expect(split).toEqual({ A: firedA, B: firedB });
    expect(firedA).toBeGreaterThan(0); // they really interleaved
    expect(firedB).toBeGreaterThan(0);
    expect(await listDeadlines(db.pool, db.schema, { status: 'pending', limit: 1 })).toEqual([]);
  });

  it('polling loops (2 instances x 2 loops): exactly once', async () => {
    const n = await seed(1000, 2);
    let total = 0;
    let done: () => void = () => {};
    const allFired = new Promise<void>((resolve) => (done = resolve));
    const onFired = (ds: DueDeadline[]) => {
      total += ds.length;
      if (total === n) done();
    };
    const opts = { schema: db.schema, clock, batchSize: 25, pollIntervalMs: 5, concurrency: 2, onFired };
    const a = createScheduler({ ...opts, pool: db.newPool({ max: 3 }), fire: effect('A') });
    const b = createScheduler({ ...opts, pool: db.newPool({ max: 3 }), fire: effect('B') });
    a.start();
    b.start();
    clock.advance(60_000);
    await allFired;
    await Promise.all([a.stop(), b.stop()]);
    expect(await effectCounts()).toEqual({ total: n, distinct: n, maxPerDeadline: 1 });
    expect(total).toBe(n);
  });
});

describe('a scheduler killed mid-batch', () => {
  it('rolls back: its claimed deadlines come back and fire exactly once elsewhere', async () => {
    const n = await seed(500, 1);
    clock.advance(60_000);

    let reached: (pid: number) => void = () => {};
    const hung = new Promise<number>((resolve) => (reached = resolve));
    let connectionEnded: () => void = () => {};
    const ended = new Promise<void>((resolve) => (connectionEnded = resolve));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firedByA = 0;
    const hangingFire = async (tx: PoolClient, d: DueDeadline) => {
      await effect('A')(tx, d);
      if (++firedByA === 50) {
        // the 50th firing of A's first batch of 100 never returns: A is stuck holding 100 claims
        tx.once('end', () => connectionEnded());
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        reached(rows[0]?.pid ?? -1);
        await gate;
      }
    };
    const warnings: object[] = [];
    const a = createScheduler({
      pool: db.newPool({ max: 1 }),
      schema: db.schema,
      clock,
      fire: hangingFire,
      batchSize: 100,
      logger: { warn: (o) => void warnings.push(o), error: () => {} },
    });
    const b = createScheduler({ pool: db.newPool({ max: 2 }), schema: db.schema, clock, fire: effect('B'), batchSize: 100 });

    const runA = a.runDue();
    const pid = await hung;

    // while A hangs, B skips A's locked claims and fires the rest
    expect(await b.runDue()).toBe(n - 100);

    // "kill -9" A: its connection drops, Postgres rolls its transaction back
    await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
    await ended;
    release();
    await expect(runA).rejects.toThrow();
    expect(warnings.length).toBeGreaterThan(0); // the dropped connection was noticed, not thrown at the process

    // A's 49 effects vanished with its transaction; its 100 claims are due again
    expect((await byScheduler()).A).toBeUndefined();
    expect(await b.runDue()).toBe(100);
    expect(await effectCounts()).toEqual({ total: n, distinct: n, maxPerDeadline: 1 });
    // a crash is not a failed attempt: nothing was counted against the deadlines
    const fired = await listDeadlines(db.pool, db.schema, { status: 'fired', limit: n });
    expect(fired).toHaveLength(n);
    expect(fired.every((r) => r.attempts === 0)).toBe(true);
  });
});
