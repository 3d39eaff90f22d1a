import { EventRegistry, FundsReleased, OrderCompleted, systemActor, Topics } from '@bp/contracts';
import { createEventStore, type EventStore, type Projection } from '@bp/eventstore';
import { migrateSharedClock, type ServiceModule } from '@bp/runtime';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { migrateDeadlines } from '@bp/timers';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import type { OpsContext } from '../src/ops/context';
import { runOps } from '../src/ops/cli';
import { replay } from '../src/ops/replay';
import { republish } from '../src/ops/republish';
import { resetOffsets } from '../src/ops/reset-offsets';
import { timeline } from '../src/ops/timeline';
import { timers } from '../src/ops/timers';
import { verify } from '../src/ops/verify';

// The ops commands over a small, hand-written deployment: an "order" log with a read model and
// deadlines, an "escrow" log, a simulated clock, and a broker. No real service needed.
const completedProjection = (schema: string): Projection => ({
  name: 'completed_orders',
  handles: ['OrderCompleted'],
  migrate: async (db) =>
    void (await db.query(`CREATE TABLE IF NOT EXISTS ${schema}.completed_orders (order_id text PRIMARY KEY, amount int NOT NULL, reason text NOT NULL)`)),
  apply: async (tx, e) => {
    const d = e.data as { orderId: string; amount: { amount: number }; reason: string };
    await tx.query(`INSERT INTO ${schema}.completed_orders VALUES ($1, $2, $3)`, [d.orderId, d.amount.amount, d.reason]);
  },
  reset: async (tx) => void (await tx.query(`TRUNCATE ${schema}.completed_orders`)),
});

const fakeOrder: ServiceModule = {
  name: 'order',
  registry: new EventRegistry([OrderCompleted]),
  publishes: [OrderCompleted],
  projections: (ctx) => [completedProjection(ctx.schema)],
  routes: async () => {},
  fireDeadline: () => async () => {},
};

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('ops commands', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let ctx: OpsContext;
  let orders: EventStore;
  const lines: string[] = [];
  const ids: string[] = [];

  const complete = async (orderId: string, at: string) => {
    const p = completedProjection(ctx.schemas.order);
    await orders.withTransaction(async (tx) => {
      const [e] = await orders.appendToStream(
        tx,
        `order-${orderId}`,
        0,
        [{ type: 'OrderCompleted', data: { orderId, buyerId: 'b-1', sellerId: 's-1', amount: usd(5000), completedAt: at, reason: 'CONFIRMED' } }],
        {
          correlationId: orderId,
          causationId: null,
          actor: systemActor(),
          now: at,
        },
      );
      ids.push(e!.id);
      await p.apply(tx, e!);
    });
  };

  beforeAll(async () => {
    db = await testDatabase('ops');
    kafka = await testKafka();
    const schemas = { order: `${db.schema}_order`, escrow: `${db.schema}_escrow`, dispute: `${db.schema}_dispute`, notification: `${db.schema}_notification` };
    ctx = {
      pool: db.newPool(),
      env: { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET: 'x'.repeat(32) },
      schemas,
      clockSchema: `${db.schema}_clock`,
      serviceUrls: {},
      logger: pino({ level: 'silent' }),
      out: (l) => lines.push(l),
    };
    await migrateSharedClock(db.pool, ctx.clockSchema, '2026-01-10T00:00:00.000Z');
    orders = createEventStore({ pool: db.pool, schema: schemas.order, registry: fakeOrder.registry });
    await orders.migrate();
    await migrateDeadlines(db.pool, schemas.order);
    await completedProjection(schemas.order).migrate(db.pool);
    const escrow = createEventStore({ pool: db.pool, schema: schemas.escrow, registry: new EventRegistry([FundsReleased]) });
    await escrow.migrate();

    await complete('o-1', '2026-01-05T00:00:00.000Z');
    await complete('o-2', '2026-01-06T00:00:00.000Z');
    await escrow.appendToStream(
      db.pool,
      'escrow-o-1',
      0,
      [
        {
          type: 'FundsReleased',
          data: {
            orderId: 'o-1',
            sellerId: 's-1',
            amount: usd(5000),
            commission: usd(250),
            netPayable: usd(4750),
            trigger: 'ORDER_COMPLETED',
            releasedAt: '2026-01-05T00:00:01.000Z',
          },
        },
      ],
      {
        correlationId: 'o-1',
        causationId: null,
        actor: systemActor(),
        now: '2026-01-05T00:00:01.000Z',
      },
    );
    const deadline = (stream: string, kind: string, dueAt: string) =>
      db.pool.query(`INSERT INTO ${schemas.order}.deadlines (stream_id, kind, due_at, payload, next_at) VALUES ($1, $2, $3, $4, $3)`, [
        stream,
        kind,
        dueAt,
        { kind, dueAt, actor: 'system', onExpiry: 'x' },
      ]);
    await deadline('order-o-3', 'auto_confirm', '2026-01-09T00:00:00.000Z');
    await deadline('order-o-4', 'auto_confirm', '2026-01-20T00:00:00.000Z');
  }, 60_000);

  afterAll(async () => {
    await ctx?.pool.end();
    await kafka?.stop();
    await db?.pool.query(
      Object.values(ctx.schemas)
        .concat(ctx.clockSchema)
        .map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`)
        .join(' '),
    );
    await db?.close();
  });

  it("timeline merges every service's events about one order in time order", async () => {
    const t = await timeline(ctx, 'o-1');
    expect(t.map((e) => [e.service, e.type])).toEqual([
      ['order', 'OrderCompleted'],
      ['escrow', 'FundsReleased'],
    ]);
    lines.length = 0;
    expect(await runOps(ctx, ['timeline', 'o-1'])).toBe(0);
    expect(lines[0]).toBe('order o-1: 2 events');
    expect(lines[2]).toContain('FundsReleased');
  });

  it('timers lists pending deadlines, and overdue ones against the simulated clock', async () => {
    expect((await timers(ctx)).rows.map((r) => r.streamId)).toEqual(['order-o-3', 'order-o-4']);
    const overdue = await timers(ctx, { overdue: true });
    expect(overdue.now.toISOString()).toBe('2026-01-10T00:00:00.000Z');
    expect(overdue.rows).toMatchObject([{ service: 'order', streamId: 'order-o-3', kind: 'auto_confirm', status: 'pending', overdue: true }]);
  });

  it('replay rebuilds the read models and proves them identical by checksum; a drifted table shows', async () => {
    const [r] = await replay(ctx, fakeOrder);
    expect(r).toMatchObject({ projection: 'completed_orders', events: 2, identical: true });
    expect(r!.before).toEqual(r!.after);
    expect(r!.before[0]).toMatchObject({ table: `${ctx.schemas.order}.completed_orders`, rows: 2 });

    await db.pool.query(`UPDATE ${ctx.schemas.order}.completed_orders SET amount = 1 WHERE order_id = 'o-2'`);
    const [drifted] = await replay(ctx, fakeOrder);
    expect(drifted!.identical).toBe(false);
    const [again] = await replay(ctx, fakeOrder);
    expect(again!.identical).toBe(true); // the rebuild repaired it
  });

  it('verify flags a completed order escrow never released, and an unverifiable ledger', async () => {
    const r = await verify(ctx);
    expect(r.counts.ordersCompleted).toBe(2);
    expect(r.violations).toEqual(expect.arrayContaining([expect.stringContaining('order o-2 completed (CONFIRMED) but escrow released no funds')]));
    expect(r.violations.some((v) => v.includes('o-1 completed'))).toBe(false);
    expect(r.violations.some((v) => v.startsWith('ledger not verified'))).toBe(true);
    expect(await runOps(ctx, ['verify'])).toBe(1);
  });

  it('republish re-sends a range with the same ce_id; reset-offsets rewinds a stopped group', async () => {
    const sent = await republish(ctx, fakeOrder, { time: Date.parse('2026-01-06T00:00:00.000Z') });
    expect(sent).toEqual({ sent: 1, byTopic: { [Topics.orders]: 1 } });

    const client = new Kafka({ clientId: 'ops-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const group = `${db.schema}-reader`;
    const consumer = client.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.orders], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.headers?.ce_id?.toString() ?? '') });
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 25));
    expect(seen).toEqual([ids[1]]);
    await expect(resetOffsets(ctx, group, 'earliest')).rejects.toThrow(/stop its service first/);
    await consumer.disconnect();

    const admin = client.admin();
    await admin.connect();
    await expect(resetOffsets(ctx, group, 'earliest')).resolves.toEqual([{ topic: Topics.orders, partitions: [{ partition: 0, offset: '0' }] }]);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [Topics.orders] });
    expect(committed!.partitions[0]!.offset).toBe('0');
    await admin.disconnect();
    // A group that never committed and is no service's (a typo): refused, not a silent no-op.
    await expect(resetOffsets(ctx, 'order', 'earliest')).rejects.toThrow(/no committed offsets and is no service's group \(order-service/);
  });

  it('the command line refuses unknown commands and services with usage', async () => {
    await expect(runOps(ctx, ['replay', 'billing'])).rejects.toThrow(/expected a service/);
    await expect(runOps(ctx, ['nope'])).rejects.toThrow(/unknown command/);
  });
});
