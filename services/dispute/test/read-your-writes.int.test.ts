import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OrderDelivered } from '@bp/contracts';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';
import { createDisputeService } from '../src';
import { localBlobStore } from '../src/infra/local-blob-store';
import { openBody } from './support/disputes';
import { as, shippedOrder, type Order } from './support/harness';

// S3: a storefront may open a dispute right after the order service answered (order placed, shipped,
// delivery reported), before this service consumed those facts: the opening waits for them.
describe('dispute: read-your-writes for order facts still on their way (S3)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  let blobDir: string;
  const UNKNOWN_MS = 10_000;
  const STALE_MS = 3_000;

  beforeAll(async () => {
    db = await testDatabase('dispute_ryw');
    kafka = await testKafka();
    blobDir = await mkdtemp(path.join(tmpdir(), 'dispute-ryw-'));
    const policy = { ...defaultPolicy, api: { ...defaultPolicy.api, readYourWritesWait: `PT${UNKNOWN_MS / 1000}S`, staleFactsWait: `PT${STALE_MS / 1000}S` } };
    sut = await startServiceForTest(createDisputeService({ blobs: () => localBlobStore(blobDir) }), { db, kafka, policy });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
    await rm(blobDir, { recursive: true, force: true });
  });

  let n = 0;
  const fresh = (): Order => ({ orderId: `ryw-${++n}-${Date.now()}`, buyerId: `buyer-ryw-${n}`, sellerId: `seller-ryw-${n}` });
  const delivered = (o: Order) => sut.publish(OrderDelivered, { orderId: o.orderId, deliveredAt: sut.now().toISOString(), reportedBy: 'seller' });
  const open = (o: Order, key?: string) =>
    sut.request('POST', '/disputes', { ...as('buyer', o.buyerId), body: openBody(o.orderId), ...(key ? { headers: { 'idempotency-key': key } } : {}) });

  it('S3: POST /disputes sent before the order was placed, paid, shipped and delivered (as this service learns it) waits and opens', async () => {
    const o = fresh();
    const opening = open(o);
    await shippedOrder(sut, o);
    await delivered(o);
    expect(await opening).toMatchObject({ status: 201, body: { orderId: o.orderId, status: 'awaiting_seller' } });
  });

  it('S3: right after the delivery report (O10): the opening waits for OrderDelivered instead of DISPUTE_TOO_EARLY', async () => {
    const o = await shippedOrder(sut, fresh());
    const opening = open(o);
    await delivered(o);
    expect((await opening).status).toBe(201);
  });

  it('S3: a genuine DISPUTE_TOO_EARLY comes after the bounded wait, with Retry-After, and is not kept: the same key opens once delivery is reported', async () => {
    const o = await shippedOrder(sut, fresh());
    const started = Date.now();
    const early = await open(o, `k-${o.orderId}`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(STALE_MS - 50);
    expect(early).toMatchObject({ status: 409, body: { code: 'DISPUTE_TOO_EARLY' } });
    expect(early.headers['retry-after']).toBe('1');
    await delivered(o);
    const retried = await open(o, `k-${o.orderId}`);
    expect([retried.status, retried.headers['idempotent-replayed']]).toEqual([201, undefined]);
  });

  it('S3: while the orders consumer is not a member (rejoining after a restart) a refusal a fact could lift is 503 SERVICE_UNAVAILABLE with Retry-After, not kept: the same key opens once it is back', async () => {
    const o = await shippedOrder(sut, fresh());
    const key = `k-rejoin-${o.orderId}`;
    sut.service.ctx.membership.left(); // what a restart leaves until the dead member's session expired
    try {
      const rejoining = await open(o, key);
      expect(rejoining).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
      expect(rejoining.headers['retry-after']).toBe('1');
    } finally {
      sut.service.ctx.membership.joined();
    }
    await delivered(o);
    expect((await open(o, key)).status).toBe(201);
  });

  it('refusals no order fact can lift are answered at once (not the buyer: 404, no wait)', async () => {
    const o = await shippedOrder(sut, fresh());
    const started = Date.now();
    const other = await open({ ...o, buyerId: 'someone-else' });
    expect(other.status).toBe(404);
    expect(Date.now() - started).toBeLessThan(STALE_MS);
  });
});
