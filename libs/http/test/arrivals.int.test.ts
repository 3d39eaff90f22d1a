import { testDatabase, type TestDatabase } from '@bp/testing';
import { announceArrival, arrivalChannel, createArrivals, type Arrivals } from '../src';
import { silentLogger } from './helpers';

/** S3: a request waits for a fact its service's consumer records, woken by that commit's NOTIFY. */
describe('arrivals (LISTEN/NOTIFY waiter)', () => {
  let db: TestDatabase;
  let arrivals: Arrivals;
  let channel: string;

  beforeAll(async () => {
    db = await testDatabase('http_arrivals');
    channel = arrivalChannel(db.schema)!;
    await db.pool.query(`CREATE TABLE ${db.schema}.known (key text PRIMARY KEY)`);
    arrivals = createArrivals({ pool: db.pool, channel, logger: silentLogger() });
  });
  afterAll(async () => {
    await arrivals.close();
    await db.close();
  });

  /** Records `key` and announces it in one transaction, as a consumer does. */
  const record = async (key: string, commit = true) => {
    const c = await db.pool.connect();
    try {
      await c.query('BEGIN');
      await c.query(`INSERT INTO ${db.schema}.known VALUES ($1)`, [key]);
      await announceArrival(c, channel, key);
      await c.query(commit ? 'COMMIT' : 'ROLLBACK');
    } finally {
      c.release();
    }
  };
  const counted = (key: string) => {
    let attempts = 0;
    let answered = 0;
    const attempt = async () => {
      attempts++;
      const { rows } = await db.pool.query<{ key: string }>(`SELECT key FROM ${db.schema}.known WHERE key = $1`, [key]);
      answered++;
      return rows[0]?.key;
    };
    return { attempt, attempts: () => attempts, answered: () => answered };
  };

  it('the channel is per schema and a plain identifier', () => {
    expect(arrivalChannel('escrow')).toBe('bp_known_escrow');
    expect(arrivalChannel('Bad-Name')).toBeUndefined();
  });

  it('already known: answers at once, one attempt', async () => {
    await record('k-known');
    const a = counted('k-known');
    expect(await arrivals.until('k-known', a.attempt, 5_000)).toBe('k-known');
    expect(a.attempts()).toBe(1);
  });

  it('recorded while waiting: woken by the commit, long before the bound, without polling', async () => {
    const a = counted('k-late');
    const started = Date.now();
    const waiting = arrivals.until('k-late', a.attempt, 10_000);
    // Record once the waiter has tried and is waiting (its second attempt, after LISTEN, answered:
    // a record committed while that attempt's query is still on its way would be seen by it).
    while (a.answered() < 2) await new Promise((r) => setImmediate(r));
    await record('k-other'); // another key wakes nobody waiting for this one
    await record('k-late');
    expect(await waiting).toBe('k-late');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(a.attempts()).toBe(3); // before LISTEN, after LISTEN, after the NOTIFY: no busy poll
  });

  it('a rolled-back record wakes nobody; never recorded -> undefined after the bound', async () => {
    const a = counted('k-never');
    const started = Date.now();
    const waiting = arrivals.until('k-never', a.attempt, 300);
    while (a.attempts() < 2) await new Promise((r) => setImmediate(r));
    await record('k-never', false);
    expect(await waiting).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(a.attempts()).toBe(3); // the last attempt at the bound
  });

  it('many waiters on one key are all woken by one commit', async () => {
    const a = counted('k-many');
    const waiting = Promise.all(Array.from({ length: 20 }, () => arrivals.until('k-many', a.attempt, 10_000)));
    while (a.attempts() < 40) await new Promise((r) => setImmediate(r));
    await record('k-many');
    expect(await waiting).toEqual(Array.from({ length: 20 }, () => 'k-many'));
  });

  describe('S3: "unknown" only when the consumer was consuming for the whole wait, and kept up', () => {
    /** The consumer as the test sets it: consuming since when (undefined: not a member), alive now, caught up at the end. */
    let since: number | undefined;
    let alive = true;
    let caughtUp = true;
    /** When each backlog mark was taken, relative to its wait's start. */
    let marks: number[] = [];
    let waitStarted = 0;
    let withMembership: Arrivals;
    beforeAll(() => {
      withMembership = createArrivals({
        pool: db.pool,
        channel,
        logger: silentLogger(),
        consumer: {
          consumedThroughout: (from) => since !== undefined && since <= from && alive,
          backlogNow: () => {
            marks.push(Date.now() - waitStarted);
            return async () => caughtUp;
          },
        },
      });
    });
    afterAll(() => withMembership.close());
    beforeEach(() => {
      alive = true;
      caughtUp = true;
      marks = [];
      waitStarted = Date.now();
    });

    const refusal = (p: Promise<unknown>) =>
      p.then(
        (v) => ({ answered: v }),
        (e: { statusCode?: number; code?: string; headers?: Record<string, string> }) => ({ status: e.statusCode, code: e.code, headers: e.headers }),
      );

    it('a member all along: never recorded -> undefined after the bound', async () => {
      since = Date.now() - 1000;
      expect(await refusal(withMembership.until('k-member', counted('k-member').attempt, 200))).toEqual({ answered: undefined });
    });

    it('not a member (rejoining after a restart): never recorded -> 503 SERVICE_UNAVAILABLE with Retry-After, after the bound', async () => {
      since = undefined;
      const started = Date.now();
      expect(await refusal(withMembership.until('k-rejoining', counted('k-rejoining').attempt, 200))).toEqual({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        headers: { 'retry-after': '1' },
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(190); // it waited first: the consumer may have come back
    });

    it('a member that showed no sign of life lately (rejoining without an event): 503', async () => {
      since = Date.now() - 1000;
      alive = false;
      expect(await refusal(withMembership.until('k-silent', counted('k-silent').attempt, 200))).toMatchObject({ status: 503 });
    });

    it('joined during the wait: the backlog may still hold it -> 503', async () => {
      since = undefined;
      const a = counted('k-joined-late');
      const waiting = refusal(withMembership.until('k-joined-late', a.attempt, 300));
      while (a.attempts() < 2) await new Promise((r) => setImmediate(r));
      since = Date.now();
      expect(await waiting).toMatchObject({ status: 503 });
    });

    it('not a member, but recorded while waiting (the consumer came back and caught up): the answer', async () => {
      since = undefined;
      const a = counted('k-back');
      const waiting = refusal(withMembership.until('k-back', a.attempt, 10_000));
      while (a.answered() < 2) await new Promise((r) => setImmediate(r));
      await record('k-back');
      expect(await waiting).toEqual({ answered: 'k-back' });
    });

    it('a member all along but behind its topics (starved under load: the fact may be in Kafka already): 503', async () => {
      since = Date.now() - 1000;
      caughtUp = false;
      expect(await refusal(withMembership.until('k-behind', counted('k-behind').attempt, 1500))).toMatchObject({
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        headers: { 'retry-after': '1' },
      });
      // One mark, late in the wait, leaving the consumer a second to commit past it: a fact published
      // before the mark must have been consumed too.
      expect(marks).toHaveLength(1);
      expect(marks[0]).toBeGreaterThanOrEqual(490);
      expect(marks[0]).toBeLessThan(1000);
    });

    it('a wait of a second or less notes the topics at once: the consumer still gets its second', async () => {
      since = Date.now() - 1000;
      caughtUp = false;
      expect(await refusal(withMembership.until('k-behind-short', counted('k-behind-short').attempt, 400))).toMatchObject({ status: 503 });
      expect(marks).toHaveLength(1);
      expect(marks[0]).toBeLessThan(200);
    });

    it('a wait answered before the mark reads no positions (the usual case costs no broker request)', async () => {
      since = Date.now() - 1000;
      const a = counted('k-quick');
      const waiting = refusal(withMembership.until('k-quick', a.attempt, 10_000));
      while (a.answered() < 2) await new Promise((r) => setImmediate(r));
      await record('k-quick');
      expect(await waiting).toEqual({ answered: 'k-quick' });
      expect(marks).toEqual([]);
    });

    it('already known: answered at once whatever the membership', async () => {
      since = undefined;
      await record('k-known-2');
      expect(await refusal(withMembership.until('k-known-2', counted('k-known-2').attempt, 5_000))).toEqual({ answered: 'k-known-2' });
    });
  });
});
