import { BuyerLevelChanged, EventRegistry, defineEvent, DomainError, systemActor, Topics, type EventMetadata } from '@bp/contracts';
import { commandHandler, type Decider } from '@bp/eventstore';
import { on } from '@bp/messaging';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { addDuration, deadlineSync } from '@bp/timers';
import pino from 'pino';
import { z } from 'zod';
import { loadConfig, settleAll, startService, type RunningService, type ServiceContext, type ServiceModule } from '../src';
import { signDevToken } from '@bp/http';

// Two small services wired by the runtime exactly as the real ones are: a "buyer" aggregate whose
// spend publishes BuyerLevelChanged and schedules a private expiry, and a consumer that records it.
type Cmd =
  | { type: 'Spend'; data: { buyerId: string; level: 'A1' | 'A2' }; meta: { now: string } }
  | { type: 'FireDeadline'; data: { streamId: string; kind: string; dueAt: string }; meta: { now: string } };
type Ev = { type: 'BuyerLevelChanged'; data: z.infer<typeof BuyerLevelChanged.schema> } | { type: 'LevelExpired'; data: { buyerId: string } };
type St = { buyerId: string | null; level: string; expiresAt: string | null };

const decider: Decider<Cmd, Ev, St> = {
  initialState: { buyerId: null, level: 'A0', expiresAt: null },
  evolve: (s, e) =>
    e.type === 'BuyerLevelChanged'
      ? { buyerId: e.data.buyerId, level: e.data.level, expiresAt: addDuration(e.data.changedAt, 'P1D') }
      : { ...s, level: 'A0', expiresAt: null },
  decide: (c, s): Ev[] => {
    if (c.type === 'FireDeadline') return s.expiresAt === c.data.dueAt ? [{ type: 'LevelExpired', data: { buyerId: s.buyerId! } }] : [];
    if (c.data.level === s.level) throw new DomainError('SAME_LEVEL', 'already at that level', 'conflict');
    const data = {
      buyerId: c.data.buyerId,
      orderId: 'o-1',
      level: c.data.level,
      previousLevel: s.level as 'A0',
      completedSpendUsdCents: 100,
      changedAt: c.meta.now,
    };
    return [{ type: 'BuyerLevelChanged', data }];
  },
};
const LevelExpired = defineEvent({ type: 'LevelExpired', version: 1, schema: z.object({ buyerId: z.string() }) });

const producer: ServiceModule = {
  name: 'order',
  registry: new EventRegistry([BuyerLevelChanged, LevelExpired]),
  publishes: [BuyerLevelChanged],
  routes: async (app, ctx) => {
    const handle = handler(ctx);
    app.post('/spend/:buyerId', { config: { roles: ['buyer'] }, schema: { params: z.object({ buyerId: z.string() }) } }, async (req, reply) => {
      const r = await handle(
        { type: 'Spend', data: { buyerId: req.params.buyerId, level: 'A1' }, meta: { now: ctx.clock.now().toISOString() } },
        { metadata: meta(ctx) },
      );
      return reply.code(201).send({ version: r.version });
    });
  },
  fireDeadline: (ctx) => async (tx, d) => {
    await handler(ctx)(
      { type: 'FireDeadline', data: { streamId: d.streamId, kind: d.kind, dueAt: d.dueAt }, meta: { now: d.now } },
      { tx, metadata: meta(ctx, d.now) },
    );
  },
};
const handler = (ctx: ServiceContext) =>
  commandHandler<Cmd, Ev, St>({
    store: ctx.store,
    decider,
    streamId: (c) => (c.type === 'Spend' ? `buyer-${c.data.buyerId}` : c.data.streamId),
    hooks: [
      deadlineSync(ctx.schema, (s: St) => (s.expiresAt ? [{ kind: 'level_expiry', dueAt: s.expiresAt, actor: 'system', onExpiry: 'level_expired' }] : [])),
    ],
  });
const meta = (ctx: ServiceContext, now = ctx.clock.now().toISOString()): EventMetadata & { now: string } => ({
  correlationId: 'c',
  causationId: null,
  actor: systemActor(),
  now,
});

const consumer: ServiceModule = {
  name: 'dispute',
  registry: new EventRegistry([]),
  publishes: [],
  consumes: {
    topics: [Topics.buyers],
    handlers: (ctx) =>
      on(
        BuyerLevelChanged,
        async (tx, e) => void (await tx.query(`INSERT INTO ${ctx.schema}.seen (buyer, level) VALUES ($1, $2)`, [e.data.buyerId, e.data.level])),
      ),
  },
  migrate: async (ctx) => void (await ctx.pool.query(`CREATE TABLE IF NOT EXISTS ${ctx.schema}.seen (buyer text, level text)`)),
  routes: async () => {},
  fireDeadline: () => async () => {},
};

describe('service runtime', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let a: RunningService;
  let b: RunningService;
  const secret = 'x'.repeat(32);

  beforeAll(async () => {
    db = await testDatabase('rt');
    kafka = await testKafka();
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET: secret, CLOCK: 'simulated', PORT: '0', LOG_LEVEL: 'silent' };
    const common = {
      logger: pino({ level: process.env.TEST_LOG ?? 'silent' }),
      pollIntervalMs: 50,
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
    };
    a = await startService(producer, { ...common, config: loadConfig('order', env), schema: `${db.schema}_a`, groupId: `${db.schema}-a` });
    b = await startService(consumer, { ...common, config: loadConfig('dispute', env), schema: `${db.schema}_b`, groupId: `${db.schema}-b` });
    a.ctx.config.SERVICE_URLS = { order: a.url, dispute: b.url };
  }, 60_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await kafka?.stop();
    await db?.pool.query(
      `DROP SCHEMA IF EXISTS ${db.schema}_a CASCADE; DROP SCHEMA IF EXISTS ${db.schema}_b CASCADE; DROP SCHEMA IF EXISTS ${db.schema}_c CASCADE`,
    );
    await db?.close();
  });

  it("publishes a command's public event and the other service consumes it", async () => {
    const token = signDevToken({ sub: 'buyer-1', role: 'buyer', secret });
    const res = await fetch(`${a.url}/spend/buyer-1`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(201);
    await settleAll([a, b].map((s, i) => ({ name: String(i), settle: s.settle })));
    const { rows } = await db.pool.query(`SELECT buyer, level FROM ${db.schema}_b.seen`);
    expect(rows).toEqual([{ buyer: 'buyer-1', level: 'A1' }]);
  });

  it('POST /ops/clock moves time for all and returns after the due deadline fired', async () => {
    const ops = signDevToken({ sub: 'ops-1', role: 'ops', secret });
    const res = await fetch(`${a.url}/ops/clock`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ops}`, 'content-type': 'application/json' },
      body: JSON.stringify({ advanceBy: 'P2D' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { fired: number }).fired).toBeGreaterThanOrEqual(1);
    const events = await a.ctx.store.readStream('buyer-buyer-1');
    expect(events.map((e) => e.type)).toEqual(['BuyerLevelChanged', 'LevelExpired']);
    expect(b.ctx.clock.now().getTime()).toBe(a.ctx.clock.now().getTime());
  });

  it('serves the AsyncAPI document of every topic at /docs/asyncapi, without a token', async () => {
    const res = await fetch(`${a.url}/docs/asyncapi`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { asyncapi: string; channels: Record<string, { address: string }> };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(
      Object.values(doc.channels)
        .map((c) => c.address)
        .sort(),
    ).toEqual(['buyers.v1', 'disputes.v1', 'escrow.v1', 'notifications.v1', 'orders.v1']);
  });

  it('refuses the clock to non-ops and bad durations', async () => {
    const buyer = signDevToken({ sub: 'buyer-1', role: 'buyer', secret });
    const ops = signDevToken({ sub: 'ops-1', role: 'ops', secret });
    const post = (token: string, body: unknown) =>
      fetch(`${a.url}/ops/clock`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(buyer, { advanceBy: 'P1D' })).status).toBe(403);
    expect((await post(ops, { advanceBy: 'P1M' })).status).toBe(400);
  });

  it('graceful shutdown: readiness fails first, then consumers, relay, scheduler, HTTP and the pool stop in that order', async () => {
    const closed: { component: string; ready: number | null; poolEnded: boolean }[] = [];
    let c: RunningService | undefined;
    // Each 'closed' line is written synchronously right after its component stopped: record what
    // the service looks like at that moment.
    const capture = {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg?: string; component?: string };
        if (entry.msg !== 'closed' || !entry.component || !c) return;
        closed.push({ component: entry.component, ready: c.app.shuttingDown ? 503 : null, poolEnded: c.ctx.pool.ended });
      },
    };
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET: secret, CLOCK: 'simulated', PORT: '0', LOG_LEVEL: 'info' };
    c = await startService(consumer, {
      logger: pino({ level: 'info' }, capture),
      pollIntervalMs: 50,
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      config: loadConfig('dispute', env),
      schema: `${db.schema}_c`,
      groupId: `${db.schema}-c`,
    });
    expect((await fetch(`${c.url}/health/ready`)).status).toBe(200);
    expect(await c.stop()).toBe(true);
    expect(closed.map((e) => e.component)).toEqual(['readiness', 'consumers', 'relay', 'scheduler', 'clock', 'http', 'kafka-admin', 'pool', 'tracing']);
    expect(closed.every((e) => e.ready === 503)).toBe(true); // not ready while the consumers are still leaving their group
    expect(closed.filter((e) => e.poolEnded).map((e) => e.component)).toEqual(['pool', 'tracing']); // the pool outlives everything that uses it; the spans of all of it are exported last
    await expect(fetch(`${c.url}/health/live`)).rejects.toThrow(); // no longer listening
  });
});
