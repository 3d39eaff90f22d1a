import type { EventEnvelope } from '@bp/contracts';
import { type TestDatabase, testDatabase } from '@bp/testing';
import type { PoolClient } from 'pg';
import {
  type EventStore,
  type Projection,
  commandHandler,
  createEventStore,
  inlineProjections,
  keyedBatch,
  rebuildProjection,
  rebuildProjections,
} from '../src';
import { type CounterCommand, counter, meta } from './fixtures';

let db: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  db = await testDatabase('es_proj');
  store = createEventStore({ pool: db.pool, schema: db.schema });
  await store.migrate();
});
afterAll(() => db.close());

/** A read model with order-sensitive columns (running total, last event id), so a replay out of order would show. */
const totals = (schema: string): Projection => ({
  name: 'counter_totals',
  handles: ['Added'],
  migrate: async (q) => {
    await q.query(`CREATE TABLE IF NOT EXISTS ${schema}.counter_totals (
      id text PRIMARY KEY, total int NOT NULL, adds int NOT NULL, history text NOT NULL, last_event uuid NOT NULL, updated_at timestamptz NOT NULL)`);
  },
  apply: async (tx, e: EventEnvelope) => {
    const by = (e.data as { by: number }).by;
    await tx.query(
      `INSERT INTO ${schema}.counter_totals VALUES ($1, $2::int, 1, $2::int::text, $3, $4)
       ON CONFLICT (id) DO UPDATE SET total = counter_totals.total + $2::int, adds = counter_totals.adds + 1,
         history = counter_totals.history || ',' || $2::int::text, last_event = $3, updated_at = $4`,
      [e.streamId, by, e.id, e.occurredAt],
    );
  },
  reset: async (tx) => {
    await tx.query(`TRUNCATE ${schema}.counter_totals`);
  },
});

const checksum = async () =>
  (
    await db.pool.query<{ md5: string; n: number }>(
      `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY id), '')) AS md5, count(*)::int AS n FROM ${db.schema}.counter_totals t`,
    )
  ).rows[0]!;

describe('projections', () => {
  it('inline projections apply in the command tx; a rebuild from the log gives byte-identical rows', async () => {
    const projection = totals(db.schema);
    await projection.migrate(db.pool);
    const pool = db.newPool({ max: 8 });
    const s = createEventStore({ pool, schema: db.schema });
    // Contention is not the subject here: enough retries that a loaded machine never exhausts them.
    const handle = commandHandler({
      store: s,
      decider: counter,
      streamId: (c: CounterCommand) => c.data.id,
      hooks: [inlineProjections([projection])],
      maxRetries: 10,
    });
    // Concurrent commands on a few hot streams, plus events the projection does not handle.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const id = `acc-${(w * 7 + i) % 12}`;
          await handle(
            { type: 'Add', data: { id, by: w * 100 + i + 1 } },
            { metadata: meta(`2025-01-0${1 + (i % 9)}T00:00:00.${String(w).padStart(3, '0')}Z`) },
          );
        }
      }),
    );
    await s.appendToStream(pool, 'acc-0', (await s.readStream('acc-0')).length, [{ type: 'Noted', data: { text: 'ignored' } }], meta());

    const before = await checksum();
    expect(before.n).toBe(12);
    const { rows } = await db.pool.query(`SELECT sum(adds)::int AS adds FROM ${db.schema}.counter_totals`);
    expect(rows[0].adds).toBe(200);

    await db.pool.query(`UPDATE ${db.schema}.counter_totals SET total = -1`); // damage it
    expect((await checksum()).md5).not.toBe(before.md5);

    expect(await rebuildProjection(store, projection, { batchSize: 7 })).toEqual({ events: 200 });
    expect(await checksum()).toEqual(before);
  });

  it('a projection failing during rebuild leaves the old rows in place', async () => {
    const projection = totals(db.schema);
    const before = await checksum();
    const broken: Projection = { ...projection, apply: async () => Promise.reject(new Error('bad row')) };
    await expect(rebuildProjection(store, broken)).rejects.toThrow('bad row');
    expect(await checksum()).toEqual(before);
  });

  it('rebuildProjections: every projection at once, each in its own transaction, the same rows', async () => {
    const projection = totals(db.schema);
    // A second read model over the same log, in its own table: events seen per stream.
    const t = `${db.schema}.counter_seen`;
    const seen: Projection = {
      name: 'counter_seen',
      handles: ['Added', 'Noted'],
      migrate: async (q) => void (await q.query(`CREATE TABLE IF NOT EXISTS ${t} (id text PRIMARY KEY, n int NOT NULL)`)),
      apply: async (tx, e) => void (await tx.query(`INSERT INTO ${t} VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET n = ${t}.n + 1`, [e.streamId])),
      reset: async (tx) => void (await tx.query(`TRUNCATE ${t}`)),
    };
    await seen.migrate(db.pool);
    const seenSum = async () => (await db.pool.query(`SELECT sum(n)::int AS n, count(*)::int AS ids FROM ${t}`)).rows[0];
    const before = await checksum();
    await db.pool.query(`UPDATE ${db.schema}.counter_totals SET total = -1`);
    const pool = db.newPool({ max: 4 });
    const s = createEventStore({ pool, schema: db.schema });
    expect(await rebuildProjections(s, [projection, seen])).toEqual([
      { name: 'counter_totals', events: 200 },
      { name: 'counter_seen', events: 201 },
    ]);
    expect(await checksum()).toEqual(before);
    expect(await seenSum()).toEqual({ n: 201, ids: 12 });
    const broken: Projection = { ...seen, name: 'broken', apply: async () => Promise.reject(new Error('bad row')) };
    await expect(rebuildProjections(s, [projection, broken])).rejects.toThrow('bad row');
    expect(await seenSum()).toEqual({ n: 201, ids: 12 }); // the failed rebuild rolled back
    expect(await checksum()).toEqual(before);
    await pool.end();
  });

  it('a batched rebuild never sends a query to a busy client (pg 9 refuses it), and still gives the same rows (issue 18 item 7)', async () => {
    const projection = totals(db.schema);
    type Row = { id: string; total: number; adds: number; history: string; last_event: string; updated_at: string };
    const t = `${db.schema}.counter_totals`;
    const cols = ['id', 'total', 'adds', 'history', 'last_event', 'updated_at'];
    // One row written per statement: the last page's writes are several statements back to back.
    const batched: Projection = {
      ...projection,
      rebuildBatch: (o) =>
        keyedBatch<Row>(
          {
            key: (e) => e.streamId,
            fold: (r, e) => {
              const by = (e.data as { by: number }).by;
              return r
                ? { ...r, total: r.total + by, adds: r.adds + 1, history: `${r.history},${by}`, last_event: e.id, updated_at: e.occurredAt }
                : { id: e.streamId, total: by, adds: 1, history: String(by), last_event: e.id, updated_at: e.occurredAt };
            },
            load: async () => new Map(),
            write: async (tx, rows) => {
              const writes = rows.map((r) =>
                tx.query(
                  `INSERT INTO ${t} (${cols.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6)`,
                  cols.map((c) => r[c as keyof Row]),
                ),
              );
              await Promise.all(writes);
            },
          },
          o,
        ),
    };
    const before = await checksum();
    const pool = db.newPool({ max: 2 });
    let busyCalls = 0;
    let calls = 0;
    pool.on('connect', (client: PoolClient) => {
      const query = client.query.bind(client) as (...a: unknown[]) => unknown;
      // node-postgres' own test before it warns: a query still waiting in its queue.
      const internal = client as unknown as { _queryQueue: unknown[]; _activeQuery: unknown };
      (client as unknown as { query: unknown }).query = (...a: unknown[]) => {
        calls++;
        if (internal._queryQueue.length > 0 || internal._activeQuery) busyCalls++;
        return query(...a);
      };
    });
    await db.pool.query(`UPDATE ${t} SET total = -1`);
    // 200 events in pages of 7: every full page reads the next one ahead while it is folded.
    expect(await rebuildProjection(createEventStore({ pool, schema: db.schema }), batched, { batchSize: 7 })).toEqual({ events: 200 });
    expect(await checksum()).toEqual(before);
    expect(calls).toBeGreaterThan(30);
    expect(busyCalls).toBe(0);
    await pool.end();
  });
});
