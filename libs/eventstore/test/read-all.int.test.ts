import { type TestDatabase, testDatabase } from '@bp/testing';
import type { Pool } from 'pg';
import { type EventStore, type LogPosition, START, type StoredEvent, comparePositions, createEventStore } from '../src';
import { meta } from './fixtures';

// readAll waits for the cluster-wide xid horizon: a long transaction anywhere on the shared test
// server (another suite, a bench) delays what it returns, never what it guarantees. Hence the slack.
jest.setTimeout(120_000);

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await testDatabase('es_readall');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(() => db.close());

const ev = (type = 'Added', by = 1) => ({ type, data: { by } });

/** Awaits a condition (no fixed sleeps): the xid horizon also waits for other tests' transactions. */
const until = async (cond: () => Promise<boolean>) => {
  while (!(await cond())) await new Promise((r) => setImmediate(r));
};

/** Reads everything visible after `from` through the gap-safe reader, page by page. */
const drain = async (from: LogPosition, limit = 1000) => {
  const events: StoredEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAll({ after: position, limit });
    events.push(...page.events);
    position = page.position;
    if (page.events.length < limit) return { events, position };
  }
};

/** The naive reader: `global_position > last`, the way logs get lost. */
const naiveRead = async (pool: Pool, last: string, limit: number) =>
  (
    await pool.query<{ id: string; p: string }>(
      `SELECT event_id AS id, global_position::text AS p FROM ${db.schema}.events WHERE global_position > $1 ORDER BY global_position LIMIT $2`,
      [last, limit],
    )
  ).rows;

const lastPair = async (): Promise<LogPosition> =>
  (
    await db.pool.query<LogPosition>(
      `SELECT transaction_id::text AS "txId", global_position::text AS position FROM ${db.schema}.events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    )
  ).rows[0] ?? START;

describe('readAll', () => {
  it('pages in (transaction id, position) order and resumes from the returned pair', async () => {
    const from = await lastPair();
    for (let i = 0; i < 5; i++) await store.appendToStream(db.pool, `page-${i}`, 0, [ev('Added', i), ev('Added', i + 10)], meta());
    await until(async () => (await drain(from)).events.length === 10);
    const first = await store.readAll({ after: from, limit: 4 });
    const rest = await store.readAll({ after: first.position, limit: 100 });
    const all = [...first.events, ...rest.events];
    expect(first.events).toHaveLength(4);
    expect(all.map((e) => [e.streamId, e.streamVersion])).toEqual(
      [0, 1, 2, 3, 4].flatMap((i) => [
        [`page-${i}`, 1],
        [`page-${i}`, 2],
      ]),
    );
    expect(first.position).toEqual(first.events[3]!.position);
    for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1]!.position, all[i]!.position)).toBe(-1);
    expect((await store.readAll({ after: rest.position, limit: 10 })).events).toEqual([]);
  });

  it('filters by type and moves the cursor past the rest once a page is short', async () => {
    const from = await lastPair();
    await store.appendToStream(db.pool, 'typed', 0, [ev('A'), ev('B'), ev('B'), ev('A'), ev('B')], meta());
    const end = await lastPair();
    await until(async () => (await drain(from)).events.length === 5);
    const onlyA = await store.readAll({ after: from, limit: 10, types: ['A'] });
    expect(onlyA.events.map((e) => [e.type, e.streamVersion])).toEqual([
      ['A', 1],
      ['A', 4],
    ]);
    expect(onlyA.position).toEqual(end); // past the trailing B
    const page = await store.readAll({ after: from, limit: 1, types: ['A'] });
    expect(page.position).toEqual(page.events[0]!.position); // a full page never skips ahead
    expect(await store.readAll({ after: from, limit: 10, types: ['C'] })).toEqual({ events: [], position: end });
  });

  it('the late-commit gap: never returns past a transaction still open, then returns it in order', async () => {
    const from = await lastPair();
    const a = await db.pool.connect();
    const b = await db.pool.connect();
    try {
      await a.query('BEGIN');
      await store.appendToStream(a, 'gap-A', 0, [ev()], meta()); // A takes its xid and position first
      await b.query('BEGIN');
      await store.appendToStream(b, 'gap-B', 0, [ev()], meta());
      await b.query('COMMIT'); // B commits first

      const naive = await naiveRead(db.pool, from.position, 100);
      expect(naive.map((r) => r.id)).toHaveLength(1); // the canary sees B alone and moves past A's position

      const whileOpen = await drain(from);
      expect(whileOpen.events.map((e) => e.streamId)).not.toContain('gap-B');
      expect(whileOpen.events.map((e) => e.streamId)).not.toContain('gap-A');

      await a.query('COMMIT');
      let after: StoredEvent[] = [];
      await until(async () => {
        after = (await drain(whileOpen.position)).events;
        return after.length === 2;
      });
      expect(after.map((e) => e.streamId)).toEqual(['gap-A', 'gap-B']);
      // …while the naive reader, resuming after B's position, has lost A for good.
      expect(await naiveRead(db.pool, naive[0]!.p, 100)).toEqual([]);
    } finally {
      await a.query('ROLLBACK').catch(() => {});
      await b.query('ROLLBACK').catch(() => {});
      a.release();
      b.release();
    }
  });

  it('held: tells that committed events wait behind an open older transaction, then returns them', async () => {
    const from = await lastPair();
    const a = await db.pool.connect();
    try {
      await a.query('BEGIN');
      await store.appendToStream(a, 'held-A', 0, [ev('Private')], meta()); // older, still open
      await store.appendToStream(db.pool, 'held-B', 0, [ev('Public')], meta()); // committed after it
      const held = await store.readAll({ after: from, limit: 10, types: ['Public'], held: true });
      expect(held.events.map((e) => e.streamId)).not.toContain('held-B');
      expect(held.held).toBe(true);
      // Not asked: no flag (the statement stays as it was for the other readers).
      expect(await store.readAll({ after: from, limit: 10, types: ['Public'] })).not.toHaveProperty('held');
      await a.query('COMMIT');
      let page = held;
      await until(async () => {
        page = await store.readAll({ after: from, limit: 10, types: ['Public'], held: true });
        return page.events.some((e) => e.streamId === 'held-B');
      });
      // Everything matching is returned: nothing is held any more (bar other suites' transactions).
      await until(async () => (await store.readAll({ after: page.position, limit: 10, types: ['Public'], held: true })).held === false);
    } finally {
      await a.query('ROLLBACK').catch(() => {});
      a.release();
    }
  });

  it('exactly once after 8 concurrent writers with random commit delays (2,000 events); the naive canary skips', async () => {
    const from = await lastPair();
    const pool = db.newPool({ max: 12 });
    const writers = createEventStore({ pool, schema: db.schema });
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const committed: string[] = [];
    let writing = true;

    const writer = async (w: number) => {
      for (let t = 0; t < 50; t++) {
        const delay = Math.floor(random() * 4); // ms the transaction stays open after its insert
        const events = await writers.withTransaction(async (tx) => {
          const written = await writers.appendToStream(
            tx,
            `w${w}-${t}`,
            0,
            Array.from({ length: 5 }, (_, i) => ev('Added', i)),
            meta(),
          );
          await new Promise((r) => setTimeout(r, delay)); // a slow transaction is what this test is about
          return written;
        });
        committed.push(...events.map((e) => e.id));
      }
    };

    const gapSafe = async () => {
      const seen: string[] = [];
      let position = from;
      for (;;) {
        const done = !writing;
        const page = await writers.readAll({ after: position, limit: 200 });
        seen.push(...page.events.map((e) => e.id));
        position = page.position;
        if (done && page.events.length === 0 && comparePositions(position, await lastPair()) >= 0) return seen;
      }
    };

    const naive = async () => {
      const seen: string[] = [];
      let last = from.position;
      for (;;) {
        const done = !writing;
        const rows = await naiveRead(pool, last, 200);
        seen.push(...rows.map((r) => r.id));
        last = rows[rows.length - 1]?.p ?? last;
        if (done && rows.length === 0) return seen;
      }
    };

    const readers = Promise.all([gapSafe(), naive()]);
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    writing = false;
    const [seen, naiveSeen] = await readers;

    expect(committed).toHaveLength(2000);
    const seenSet = new Set(seen);
    const skipped = committed.filter((id) => !seenSet.has(id)).length;
    const duplicates = seen.length - seenSet.size;
    expect({ seen: seen.length, skipped, duplicates }).toEqual({ seen: 2000, skipped: 0, duplicates: 0 });
    expect(naiveSeen.length).toBeLessThan(2000); // the canary must fail, or this test proves nothing
  });
});
