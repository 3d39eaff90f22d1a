import { EventRegistry, OrderCompleted, systemActor } from '@bp/contracts';
import { createEventStore, type EventStore, type Projection } from '@bp/eventstore';
import type { ServiceModule } from '@bp/runtime';
import { testDatabase, type TestDatabase } from '@bp/testing';
import type { PoolClient } from 'pg';
import pino from 'pino';
import type { OpsContext } from '../src/ops/context';
import { printReplay, replay } from '../src/ops/replay';

// Issue 19 item 7: `ops replay` rebuilds into shadow tables and swaps them in, so the read model
// answers throughout (never empty, never half built, never held longer than the swap), takes the
// writes made meanwhile, and shows its progress while it runs.
const SEEDED = 6000;

const completedProjection = (schema: string): Projection => ({
  name: 'completed_orders',
  handles: ['OrderCompleted'],
  migrate: async (db) =>
    void (await db.query(`CREATE TABLE IF NOT EXISTS "${schema}".completed_orders (order_id text PRIMARY KEY, amount int NOT NULL, reason text NOT NULL);
      CREATE INDEX IF NOT EXISTS completed_by_reason ON "${schema}".completed_orders (reason, order_id)`)),
  apply: async (tx, e) => {
    const d = e.data as { orderId: string; amount: { amount: number }; reason: string };
    await tx.query(`INSERT INTO "${schema}".completed_orders VALUES ($1, $2, $3)`, [d.orderId, d.amount.amount, d.reason]);
  },
  reset: async (tx) => void (await tx.query(`TRUNCATE "${schema}".completed_orders`)),
});

const fakeOrder: ServiceModule = {
  name: 'order',
  registry: new EventRegistry([OrderCompleted]),
  publishes: [OrderCompleted],
  projections: (ctx) => [completedProjection(ctx.schema)],
  routes: async () => {},
  fireDeadline: () => async () => {},
};

describe('ops replay into shadow tables (issue 19)', () => {
  let db: TestDatabase;
  let ctx: OpsContext;
  let orders: EventStore;
  let schema: string;
  const lines: string[] = [];
  let n = 0;

  /** One completed order, applied inline as the running service would. */
  const complete = async (tx: PoolClient) => {
    const orderId = `o-${++n}`;
    const at = new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString();
    const [e] = await orders.appendToStream(
      tx,
      `order-${orderId}`,
      0,
      [
        {
          type: 'OrderCompleted',
          data: { orderId, buyerId: 'b-1', sellerId: 's-1', amount: { amount: n, currency: 'USD' }, completedAt: at, reason: 'CONFIRMED' },
        },
      ],
      {
        correlationId: orderId,
        causationId: null,
        actor: systemActor(),
        now: at,
      },
    );
    await completedProjection(schema).apply(tx, e!);
  };
  const indexNames = async () =>
    (
      await db.pool.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'completed_orders' ORDER BY 1`, [
        schema,
      ])
    ).rows.map((r) => r.indexname);

  beforeAll(async () => {
    db = await testDatabase('ops_replay_shadow');
    schema = `${db.schema}_order`;
    ctx = {
      pool: db.newPool({ max: 4 }),
      // replay never reaches Kafka; the setting only satisfies the service config
      env: { DATABASE_URL: db.url, KAFKA_BROKERS: '127.0.0.1:9', JWT_SECRET: 'x'.repeat(32) },
      schemas: { order: schema, escrow: `${db.schema}_escrow`, dispute: `${db.schema}_dispute`, notification: `${db.schema}_notification` },
      clockSchema: `${db.schema}_clock`,
      serviceUrls: {},
      logger: pino({ level: 'silent' }),
      out: (l) => lines.push(l),
    };
    orders = createEventStore({ pool: db.pool, schema, registry: fakeOrder.registry });
    await orders.migrate();
    await completedProjection(schema).migrate(db.pool);
    for (let batch = 0; batch < SEEDED / 500; batch++) {
      await orders.withTransaction(async (tx) => {
        for (let i = 0; i < 500; i++) await complete(tx);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await ctx?.pool.end();
    await db?.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE; DROP SCHEMA IF EXISTS "${schema}_replay" CASCADE`);
    await db?.close();
  });

  it('readers get whole answers throughout and wait at most for the swap; writes made meanwhile are caught up; progress is printed', async () => {
    const indexesBefore = await indexNames();
    const reader = await db.pool.connect();
    const writer = await db.pool.connect();
    const samples: { at: number; ms: number; rows: number }[] = [];
    let running = true;
    const readLoop = (async () => {
      while (running) {
        const t = Date.now();
        const { rows } = await reader.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".completed_orders`);
        samples.push({ at: t, ms: Date.now() - t, rows: rows[0]!.n });
      }
    })();
    let written = 0;
    const writeLoop = (async () => {
      while (running) {
        await writer.query('BEGIN');
        try {
          await complete(writer);
          await writer.query('COMMIT');
        } catch (e) {
          await writer.query('ROLLBACK');
          throw e;
        }
        written++;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const started = Date.now();
    const [r] = await replay(ctx, fakeOrder, { progressEveryMs: 100 });
    const ended = Date.now();
    running = false;
    await Promise.all([readLoop, writeLoop]);
    reader.release();
    writer.release();
    printReplay(ctx, 'order', [r!]);

    // whole answers only: never an empty or half-built table
    expect(samples.every((s) => s.rows >= SEEDED)).toBe(true);
    const during = samples.filter((s) => s.at >= started && s.at < ended);
    expect(during.length).toBeGreaterThan(10);
    // held at most for the swap (plus a query's time), far less than the rebuild took
    const longest = Math.max(...during.map((s) => s.ms));
    expect(longest).toBeLessThanOrEqual(r!.swapMs + 250);
    expect(ended - started).toBeGreaterThan(2 * longest);

    // the writes made during the rebuild are in the swapped-in table, which equals the live one
    expect(written).toBeGreaterThan(0);
    expect(r!.caughtUp).toBeGreaterThan(0);
    expect(r).toMatchObject({ projection: 'completed_orders', identical: true });
    expect(r!.after[0]!.rows).toBeGreaterThanOrEqual(SEEDED);
    const { rows: live } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".completed_orders`);
    expect(live[0]!.n).toBe(SEEDED + written);

    // progress while it ran, then the result
    expect(lines.some((l) => /^order\/completed_orders: \d+ of \d+ events \(\d+%\), \d+ events\/s, ETA (\d+ s|unknown)$/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('IDENTICAL'))).toBe(true);

    // the swapped-in table is the one the migrations made: same index names; no shadow left behind
    expect(await indexNames()).toEqual(indexesBefore);
    const { rows: shadow } = await db.pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [`${schema}_replay`]);
    expect(shadow).toHaveLength(0);
  }, 120_000);

  it('a replay over the swapped-in table finds it identical, with nothing to catch up', async () => {
    const [r] = await replay(ctx, fakeOrder);
    expect(r).toMatchObject({ identical: true, caughtUp: 0, events: SEEDED + (n - SEEDED) });
  });
});
