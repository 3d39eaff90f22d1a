import { BuyerLevelChanged, EventRegistry, Topics } from '@bp/contracts';
import { on } from '@bp/messaging';
import type { ServiceModule } from '@bp/runtime';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '../src';

// A service that only records what it consumes: enough to prove the harness plays upstream
// producers, settles, and serves HTTP with tokens.
const recorder: ServiceModule = {
  name: 'notification',
  registry: new EventRegistry([]),
  publishes: [],
  consumes: {
    topics: [Topics.buyers],
    handlers: (ctx) => on(BuyerLevelChanged, async (tx, e) => void (await tx.query(`INSERT INTO ${ctx.schema}.seen VALUES ($1)`, [e.data.level]))),
  },
  migrate: async (ctx) => void (await ctx.pool.query(`CREATE TABLE IF NOT EXISTS ${ctx.schema}.seen (level text)`)),
  routes: async (app, ctx) => {
    app.get('/seen', { config: { roles: ['ops'] } }, async () => (await ctx.pool.query(`SELECT level FROM ${ctx.schema}.seen`)).rows);
  },
  fireDeadline: () => async () => {},
};

describe('service test harness', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  beforeAll(async () => {
    db = await testDatabase('harness');
    kafka = await testKafka();
    sut = await startServiceForTest(recorder, { db, kafka });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  it('publishes an upstream event, settles, and the service has applied it', async () => {
    await sut.publish(BuyerLevelChanged, {
      buyerId: 'b1',
      orderId: 'o1',
      level: 'A2',
      previousLevel: 'A1',
      completedSpendUsdCents: 15_000,
      changedAt: sut.now().toISOString(),
    });
    const res = await sut.request('GET', '/seen', { as: { role: 'ops', sub: 'ops-1' } });
    expect(res).toMatchObject({ status: 200, body: [{ level: 'A2' }] });
    await sut.awaitPublished((e) => e.type === 'BuyerLevelChanged');
  });

  it('moves its own simulated clock', async () => {
    const before = sut.now().getTime();
    await sut.advance('P6D');
    expect(sut.now().getTime() - before).toBe(6 * 86_400_000);
  });

  it('answers 401 without a token', async () => {
    expect((await sut.request('GET', '/seen')).status).toBe(401);
  });
});
