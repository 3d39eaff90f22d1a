import { testDatabase, type TestDatabase } from '@bp/testing';
import type { PoolClient } from 'pg';
import { SimulatedClock, addMs, createScheduler, deadlineChannel, listDeadlines, syncDeadlines, type DueDeadline } from '../src';
import { command, eventsOf, fireReservation, migrateReservations } from './support/reservation';

const START = '2026-03-01T00:00:00.000Z';
const at = (minutes: number) => addMs(START, minutes * 60_000);
const MIN = 60_000;

let db: TestDatabase;
let clock: SimulatedClock;
const hold = (id: string, minutes: number) => command(db.pool, db.schema, id, { type: 'Hold', data: { until: at(minutes) } });

beforeEach(async () => {
  db = await testDatabase('timers_sched');
  await migrateReservations(db.pool, db.schema);
  clock = new SimulatedClock(START);
});
afterEach(() => db.close());

describe('runDue', () => {
  it('fires nothing before the deadline, then everything due, in due order', async () => {
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema), batchSize: 2 });
    for (const [id, minutes] of [
      ['c', 30],
      ['a', 10],
      ['e', 50],
      ['b', 20],
      ['d', 40],
    ] as const)
      await hold(id, minutes);
    clock.set(at(9));
    expect(await scheduler.runDue()).toBe(0);
    clock.set(at(35));
    expect(await scheduler.runDue()).toBe(6); // 3 expiries, and the purges they scheduled 1 min later
    expect((await eventsOf(db.pool, db.schema, 'HoldExpired')).map((e) => e.stream_id)).toEqual(['a', 'b', 'c']);
    expect((await eventsOf(db.pool, db.schema, 'Purged')).map((e) => e.stream_id)).toEqual(['a', 'b', 'c']);
    expect(await scheduler.runDue()).toBe(0);
  });

  it('keeps going until nothing is due: a firing that schedules an already-due deadline is fired too', async () => {
    // batch of 1: the claim order is the global due order, chained deadlines included
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema), batchSize: 1 });
    await hold('a', 10); // expires at 10, purge at 11
    await hold('b', 10.5); // expires at 10.5, purge at 11.5
    await hold('c', 30);
    clock.set(at(20));
    expect(await scheduler.runDue()).toBe(4);
    expect((await eventsOf(db.pool, db.schema)).filter((e) => e.type !== 'Held').map((e) => `${e.type}:${e.stream_id}`)).toEqual([
      'HoldExpired:a',
      'HoldExpired:b',
      'Purged:a',
      'Purged:b',
    ]);
    // the fired commands' own sync removed their deadlines; only c's remains
    expect((await listDeadlines(db.pool, db.schema)).map((r) => `${r.streamId}/${r.kind}/${r.status}`)).toEqual(['c/hold-expiry/pending']);
  });

  it('with large batches, claims in due order and chains across batches', async () => {
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema) });
    for (let i = 0; i < 20; i++) await hold(`s${String(i).padStart(2, '0')}`, 20 - i / 2);
    clock.set(at(60));
    expect(await scheduler.runDue()).toBe(40);
    const expired = (await eventsOf(db.pool, db.schema, 'HoldExpired')).map((e) => e.stream_id);
    expect(expired).toEqual([...expired].sort().reverse());
    expect(await eventsOf(db.pool, db.schema, 'Purged')).toHaveLength(20);
  });
});

describe('stale and rescheduled deadlines', () => {
  it('a rescheduled deadline does not fire at its old time', async () => {
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema) });
    await hold('r', 10);
    await command(db.pool, db.schema, 'r', { type: 'Extend', data: { until: at(120) } });
    clock.set(at(30));
    expect(await scheduler.runDue()).toBe(0);
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toEqual([]);
    clock.set(at(120));
    expect(await scheduler.runDue()).toBe(1);
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toEqual([{ stream_id: 'r', type: 'HoldExpired', data: { at: at(120) } }]);
  });

  it('a cancelled deadline never fires', async () => {
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema) });
    await hold('x', 10);
    await command(db.pool, db.schema, 'x', { type: 'Release', data: {} });
    clock.set(at(1000));
    expect(await scheduler.runDue()).toBe(0);
    expect(await listDeadlines(db.pool, db.schema)).toEqual([]);
  });

  it('a stale deadline does nothing: the decider re-checks the rule; the sync repairs the row', async () => {
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: fireReservation(db.schema) });
    await hold('s', 10);
    await command(db.pool, db.schema, 's', { type: 'Extend', data: { until: at(120) } });
    // the re-check itself: a FireDeadline for the old dueAt produces no event
    expect(await command(db.pool, db.schema, 's', { type: 'FireDeadline', data: { kind: 'hold-expiry', dueAt: at(10) }, meta: { now: at(30) } })).toEqual([]);
    // a timer table that drifted (e.g. restored from an older backup) still says 10
    await syncDeadlines(db.pool, db.schema, 's', [{ kind: 'hold-expiry', dueAt: at(10), actor: 'system', onExpiry: 'HoldExpired' }]);
    clock.set(at(30));
    expect(await scheduler.runDue()).toBe(1); // fired (as a command), with no effect
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toEqual([]);
    const [row] = await listDeadlines(db.pool, db.schema, { streamId: 's' });
    expect(row).toMatchObject({ dueAt: at(120), status: 'pending' });
    clock.set(at(120));
    expect(await scheduler.runDue()).toBe(1);
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toHaveLength(1);
  });

  it('a deadline that fired while the aggregate still lists it is not re-armed by later commands', async () => {
    let fired = 0;
    const noop = async (_tx: PoolClient, _d: DueDeadline) => {
      fired++; // a command that decided nothing (and whose handler ran no hook)
    };
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire: noop });
    await hold('n', 10);
    clock.set(at(11));
    expect(await scheduler.runDue()).toBe(1);
    await command(db.pool, db.schema, 'n', { type: 'Hold', data: { until: at(10) } }); // any later command: same list
    clock.set(at(500));
    expect(await scheduler.runDue()).toBe(0);
    expect(fired).toBe(1);
    expect((await listDeadlines(db.pool, db.schema, { streamId: 'n' }))[0]).toMatchObject({ status: 'fired', firedAt: at(11) });
  });

  it('skips a deadline of the batch that an earlier firing of the same stream rescheduled', async () => {
    // two kinds on one stream, both due; firing the first moves the second later
    await syncDeadlines(db.pool, db.schema, 'm', [
      { kind: 'first', dueAt: at(1), actor: 'system', onExpiry: 'X' },
      { kind: 'second', dueAt: at(2), actor: 'system', onExpiry: 'Y' },
    ]);
    const seen: string[] = [];
    const fire = async (tx: PoolClient, d: DueDeadline) => {
      seen.push(d.kind);
      if (d.kind === 'first') await syncDeadlines(tx, db.schema, d.streamId, [{ kind: 'second', dueAt: at(100), actor: 'system', onExpiry: 'Y' }]);
    };
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire });
    clock.set(at(5));
    expect(await scheduler.runDue()).toBe(1);
    expect(seen).toEqual(['first']);
    clock.set(at(100));
    expect(await scheduler.runDue()).toBe(1);
    expect(seen).toEqual(['first', 'second']);
  });
});

describe('failures', () => {
  it('rolls back the failed firing, retries with backoff, parks after maxAttempts, stays visible', async () => {
    const warnings: object[] = [];
    const errors: object[] = [];
    const logger = { warn: (o: object) => void warnings.push(o), error: (o: object) => void errors.push(o) };
    let broken = true;
    const fire = async (tx: PoolClient, d: DueDeadline) => {
      await fireReservation(db.schema)(tx, d);
      if (broken && d.streamId === 'bad') throw new Error('provider down');
    };
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire, maxAttempts: 3, retryBaseMs: MIN, logger });
    await hold('bad', 10);
    await hold('good', 10);
    clock.set(at(10));

    expect(await scheduler.runDue()).toBe(1);
    expect((await eventsOf(db.pool, db.schema, 'HoldExpired')).map((e) => e.stream_id)).toEqual(['good']); // bad's event rolled back
    const first = (await listDeadlines(db.pool, db.schema, { streamId: 'bad' }))[0];
    expect(first).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'provider down', nextAttemptAt: at(11) });

    clock.set(at(10.9));
    expect(await scheduler.runDue()).toBe(0); // still backing off
    clock.set(at(11));
    expect(await scheduler.runDue()).toBe(1); // good's purge; bad fails again
    expect((await listDeadlines(db.pool, db.schema, { streamId: 'bad' }))[0]).toMatchObject({ attempts: 2, nextAttemptAt: at(13) });
    clock.set(at(13));
    expect(await scheduler.runDue()).toBe(0);
    const parked = (await listDeadlines(db.pool, db.schema, { streamId: 'bad' }))[0];
    expect(parked).toMatchObject({ status: 'parked', attempts: 3, lastError: 'provider down', nextAttemptAt: null, dueAt: at(10) });
    expect(warnings).toHaveLength(2);
    expect(errors).toHaveLength(1);

    // parked, never dropped: not retried, listed as overdue for operators
    clock.set(at(60 * 24));
    broken = false;
    expect(await scheduler.runDue()).toBe(0);
    expect((await listDeadlines(db.pool, db.schema, { overdueAt: clock.now(), status: 'parked' })).map((r) => r.streamId)).toEqual(['bad']);
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toHaveLength(1);

    // the aggregate rescheduling it is a new deadline: attempts start over
    await command(db.pool, db.schema, 'bad', { type: 'Extend', data: { until: at(60 * 25) } });
    expect((await listDeadlines(db.pool, db.schema, { streamId: 'bad' }))[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    clock.set(at(60 * 25));
    expect(await scheduler.runDue()).toBe(1);
    expect(await eventsOf(db.pool, db.schema, 'HoldExpired')).toHaveLength(2);
  });

  it('backoff doubles up to retryMaxMs', async () => {
    const fire = async () => {
      throw new Error('nope');
    };
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire, maxAttempts: 10, retryBaseMs: MIN, retryMaxMs: 5 * MIN });
    await syncDeadlines(db.pool, db.schema, 'b', [{ kind: 'k', dueAt: at(0), actor: 'system', onExpiry: 'X' }]);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      await scheduler.runDue();
      const next = (await listDeadlines(db.pool, db.schema))[0]?.nextAttemptAt;
      if (!next) throw new Error('expected a retry time');
      waits.push((Date.parse(next) - clock.now().getTime()) / MIN);
      clock.set(next);
    }
    expect(waits).toEqual([1, 2, 4, 5, 5]);
  });
});

describe('fireMany', () => {
  it('fires distinct streams together, same-stream extras one by one, and isolates a failure', async () => {
    const groups: string[][] = [];
    const single: string[] = [];
    const fire = async (tx: PoolClient, d: DueDeadline) => {
      if (d.streamId === 'bad') throw new Error('bad stream');
      single.push(`${d.streamId}/${d.kind}`);
      await tx.query(`INSERT INTO ${db.schema}.events (stream_id, type, data) VALUES ($1, 'Fired', '{}')`, [d.streamId]);
    };
    const fireMany = async (tx: PoolClient, ds: DueDeadline[]) => {
      groups.push(ds.map((d) => `${d.streamId}/${d.kind}`));
      for (const d of ds) {
        if (d.streamId === 'bad') throw new Error('bad stream');
        await tx.query(`INSERT INTO ${db.schema}.events (stream_id, type, data) VALUES ($1, 'Fired', '{}')`, [d.streamId]);
      }
    };
    const dl = (kind: string, minutes: number) => ({ kind, dueAt: at(minutes), actor: 'system', onExpiry: 'X' });
    await syncDeadlines(db.pool, db.schema, 'a', [dl('k1', 1), dl('k2', 2)]);
    await syncDeadlines(db.pool, db.schema, 'b', [dl('k1', 1.5)]);
    const scheduler = createScheduler({ pool: db.pool, schema: db.schema, clock, fire, fireMany });
    clock.set(at(5));
    expect(await scheduler.runDue()).toBe(3);
    expect(groups).toEqual([['a/k1', 'b/k1']]);
    expect(single).toEqual(['a/k2']);

    // one failing stream: the batch is redone deadline by deadline; the others fire, 'bad' retries
    groups.length = 0;
    single.length = 0;
    await syncDeadlines(db.pool, db.schema, 'c', [dl('k1', 10)]);
    await syncDeadlines(db.pool, db.schema, 'bad', [dl('k1', 10)]);
    clock.set(at(11));
    expect(await scheduler.runDue()).toBe(1);
    expect(single).toEqual(['c/k1']);
    expect((await eventsOf(db.pool, db.schema, 'Fired')).map((e) => e.stream_id)).toEqual(['a', 'b', 'a', 'c']);
    expect((await listDeadlines(db.pool, db.schema, { streamId: 'bad' }))[0]).toMatchObject({ status: 'retrying', attempts: 1, lastError: 'bad stream' });
  });
});

describe('start/stop', () => {
  it('polls with the injected clock and stops cleanly', async () => {
    const batches: DueDeadline[][] = [];
    let notify: () => void = () => {};
    const fired = new Promise<void>((resolve) => (notify = resolve));
    const scheduler = createScheduler({
      pool: db.pool,
      schema: db.schema,
      clock,
      fire: fireReservation(db.schema),
      pollIntervalMs: 10,
      concurrency: 2,
      onFired: (ds) => {
        batches.push(ds);
        if (batches.flat().length === 2) notify();
      },
    });
    await hold('p', 10);
    scheduler.start();
    scheduler.start(); // idempotent
    clock.set(at(12)); // hold expires at 10, purge at 11: both come due
    await fired;
    await scheduler.stop();
    expect(batches.flat().map((d) => `${d.kind}@${d.dueAt}`)).toEqual([`hold-expiry@${at(10)}`, `purge@${at(11)}`]);
    expect(batches.flat().every((d) => d.now === at(12))).toBe(true);
    await scheduler.stop(); // twice is fine
  });
});

describe('idle: sleeps until the earliest deadline or a NOTIFY, never a fast poll (issue 18 item 5)', () => {
  const wallClock = { now: () => new Date() };
  // A failed expectation must not leave a scheduler holding its LISTEN connection (db.close would wait on it).
  const started: { stop(): Promise<void> }[] = [];
  afterEach(() => Promise.all(started.splice(0).map((s) => s.stop())));
  const holdUntil = (id: string, until: Date) => command(db.pool, db.schema, id, { type: 'Hold', data: { until: until.toISOString() } });
  /** Awaits a condition, reading it every 25 ms, failing after `ms`. */
  const until = async (what: string, check: () => Promise<boolean>, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /** A wall-clock scheduler that LISTENs, with a poll of a minute: within the tests' bounds only a NOTIFY or its planned wake-up can fire a deadline. */
  const idleScheduler = () => {
    const scheduler = createScheduler({
      pool: db.pool,
      schema: db.schema,
      clock: wallClock,
      fire: fireReservation(db.schema),
      listen: true,
      pollIntervalMs: MIN,
    });
    started.push(scheduler);
    return scheduler;
  };
  const expired = async () => (await eventsOf(db.pool, db.schema, 'HoldExpired')).map((e) => e.stream_id);
  // 'idle': the LISTEN has completed (while it runs, a NOTIFY could still miss it).
  const listening = async () =>
    ((await db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE query = $1 AND state = 'idle'`, [`LISTEN ${deadlineChannel(db.schema)}`])).rowCount ?? 0) > 0;

  it('a deadline synced sooner than the planned wake-up wakes the scheduler (NOTIFY at COMMIT), the later one still waits', async () => {
    const scheduler = idleScheduler();
    await holdUntil('later', new Date(Date.now() + 40_000));
    scheduler.start();
    await until('the scheduler LISTENs', listening);
    const dueAt = Date.now() + 300;
    await holdUntil('sooner', new Date(dueAt));
    await until('the sooner deadline fired', async () => (await expired()).includes('sooner'));
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    expect(await expired()).toEqual(['sooner']);
    await scheduler.stop();
    expect(await listening()).toBe(false);
  });

  it('an idle scheduler wakes at the earliest next_at it read, without a NOTIFY', async () => {
    const dueAt = Date.now() + 1500;
    await holdUntil('a', new Date(dueAt));
    const scheduler = idleScheduler();
    scheduler.start();
    await until('the deadline fired', async () => (await expired()).includes('a'));
    expect(Date.now()).toBeGreaterThanOrEqual(dueAt);
    await scheduler.stop();
  });
});
