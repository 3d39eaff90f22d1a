import { randomUUID } from 'node:crypto';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';
import { createEscrowService } from '../src';
import { upstream, type TestOrder } from './int/fixtures';

// S3: a storefront may pay (or look at the escrow) right after POST /orders answered, before escrow
// consumed OrderPlaced. The request waits server-side for the order; it never stores "unknown".
describe('escrow: read-your-writes for orders it has not consumed yet (S3)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  let up: ReturnType<typeof upstream>;
  const WAIT_MS = 2_000;

  beforeAll(async () => {
    db = await testDatabase('escrow_ryw');
    kafka = await testKafka();
    const policy = { ...defaultPolicy, api: { ...defaultPolicy.api, readYourWritesWait: `PT${WAIT_MS / 1000}S` } };
    sut = await startServiceForTest(createEscrowService(), { db, kafka, policy });
    up = upstream(sut);
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  let n = 0;
  const order = (): TestOrder => ({ orderId: `ord-${randomUUID()}`, buyerId: `buyer-ryw-${++n}`, sellerId: `seller-ryw-${n}`, total: 10_000 });
  const pay = (o: TestOrder, key?: string) =>
    sut.request('POST', '/payments', {
      as: { role: 'buyer', sub: o.buyerId },
      body: { orderId: o.orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
      ...(key ? { headers: { 'idempotency-key': key } } : {}),
    });

  it('S3: POST /payments and GET /escrows sent before OrderPlaced is consumed wait for it and succeed', async () => {
    const o = order();
    const paying = pay(o, `k-${o.orderId}`);
    const viewing = sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'seller', sub: o.sellerId } });
    await up.placed(o);
    const [paid, view] = await Promise.all([paying, viewing]);
    expect(paid).toMatchObject({ status: 201, body: { orderId: o.orderId, status: 'captured' } });
    expect(view).toMatchObject({ status: 200, body: { orderId: o.orderId } });
  });

  it('S3: an order escrow never heard of -> 404 ESCROW_ORDER_UNKNOWN with Retry-After after the bound, not kept: the same key succeeds once the order arrived', async () => {
    const o = order();
    const key = `k-${o.orderId}`;
    const started = Date.now();
    const early = await pay(o, key);
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(early).toMatchObject({ status: 404, body: { code: 'ESCROW_ORDER_UNKNOWN' } });
    expect(early.headers['retry-after']).toBe('1');
    await up.placed(o);
    const retried = await pay(o, key);
    expect(retried).toMatchObject({ status: 201, body: { status: 'captured' } });
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await pay(o, key);
    expect([replayed.status, replayed.headers['idempotent-replayed'], replayed.body]).toEqual([201, 'true', retried.body]);
  });

  it('S3: while the orders consumer is not a member (rejoining after a restart) an order escrow has not seen -> 503 SERVICE_UNAVAILABLE with Retry-After, not "unknown"; the key is not kept', async () => {
    const o = order();
    const key = `k-${o.orderId}`;
    // What a restart leaves: the consumer waits for the dead member's session before it gets its
    // partitions (set by hand here; the kafkajs events feed it in a running service).
    sut.service.ctx.membership.left();
    try {
      const rejoining = await pay(o, key);
      expect(rejoining).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
      expect(rejoining.headers['retry-after']).toBe('1');
    } finally {
      sut.service.ctx.membership.joined();
    }
    await up.placed(o);
    expect(await pay(o, key)).toMatchObject({ status: 201, body: { status: 'captured' } });
  });

  it('S3: while the orders consumer is a member but behind its topic (the order is in Kafka, not consumed yet: starved under load) -> 503 SERVICE_UNAVAILABLE, not "unknown"; the same key succeeds once consumed', async () => {
    const o = order();
    const key = `k-${o.orderId}`;
    // Holds the consumer's next transaction (its inbox insert) so the order stays unconsumed, while the
    // test keeps the member showing life as a consumer working through a backlog does between batches:
    // only the group's positions can tell this wait's "not yet" from "unknown".
    const blocker = await db.pool.connect();
    const heartbeats = setInterval(() => sut.service.ctx.membership.alive(), 100);
    let behind: Awaited<ReturnType<typeof pay>>;
    try {
      await blocker.query('BEGIN');
      await blocker.query(`LOCK TABLE "${sut.service.ctx.schema}".inbox IN ACCESS EXCLUSIVE MODE`);
      await up.placed(o, 0, { settle: false });
      behind = await pay(o, key);
    } finally {
      clearInterval(heartbeats);
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(behind).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
    expect(behind.headers['retry-after']).toBe('1');
    expect(await pay(o, key)).toMatchObject({ status: 201, body: { status: 'captured' } });
  });

  it('a known order of another buyer answers 404 at once, with the same Retry-After as an unknown one (nothing revealed)', async () => {
    const o = order();
    await up.placed(o);
    const started = Date.now();
    const other = await pay({ ...o, buyerId: 'someone-else' });
    expect(Date.now() - started).toBeLessThan(WAIT_MS);
    expect(other).toMatchObject({ status: 404, body: { code: 'ESCROW_ORDER_UNKNOWN' } });
    expect(other.headers['retry-after']).toBe('1');
  });

  describe('GET /escrows/{orderId} waiting for a change (If-None-Match + Prefer: wait)', () => {
    const view = (o: TestOrder, headers: Record<string, string> = {}) =>
      sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'buyer', sub: o.buyerId }, headers });
    const waiting = (o: TestOrder, version: number, seconds: number) => view(o, { 'if-none-match': `"${version}"`, prefer: `wait=${seconds}` });

    it('answers as soon as the escrow moves on (here: the release after OrderCompleted consumed), with the new version', async () => {
      const o = order();
      await up.placed(o);
      expect((await pay(o)).status).toBe(201);
      const v = (await view(o)).body.version as number;
      const started = Date.now();
      const answer = waiting(o, v, 20);
      await up.completed(o);
      const r = await answer;
      expect(r).toMatchObject({ status: 200, body: { released: { amount: o.total } } });
      expect(r.body.version).toBeGreaterThan(v);
      expect(r.headers['preference-applied']).toBe('wait=20');
      expect(Date.now() - started).toBeLessThan(15_000); // woken by the change, not by the bound
    });

    it('nothing new within the wait: 304 after it; a stranger is told 404 at once', async () => {
      const o = order();
      await up.placed(o);
      const v = (await view(o)).body.version as number;
      const started = Date.now();
      const r = await waiting(o, v, 1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect([r.status, r.headers['preference-applied']]).toEqual([304, 'wait=1']);
      const quick = Date.now();
      const stranger = await sut.request('GET', `/escrows/${o.orderId}`, {
        as: { role: 'buyer', sub: 'someone-else' },
        headers: { 'if-none-match': `"${v}"`, prefer: 'wait=20' },
      });
      expect(stranger.status).toBe(404);
      expect(Date.now() - quick).toBeLessThan(WAIT_MS);
    });
  });
});
