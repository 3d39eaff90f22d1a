import { randomUUID } from 'node:crypto';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { createEscrowService } from '../src';
import { createSandboxProvider, DEV_WEBHOOK_SECRET, SIGNATURE_HEADER, signWebhook, type SandboxProvider } from '../src/providers';
import { rebuildProjection } from '@bp/eventstore';
import { escrowProjections, verifyLedger } from '../src/projections';
import { eventually, upstream, type TestOrder } from './int/fixtures';

// The escrow service over Kafka and Postgres, with the order and dispute services played by
// publishing their events, and the sandbox provider injected so its calls can be counted and failed.
describe('escrow service', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  let sandbox!: SandboxProvider;
  let up: ReturnType<typeof upstream>;
  const ops = { role: 'ops' as const, sub: 'ops-1' };

  beforeAll(async () => {
    db = await testDatabase('escrow');
    kafka = await testKafka();
    const module = createEscrowService({ provider: (deps) => (sandbox = createSandboxProvider(deps)), refundPollIntervalMs: 50 });
    sut = await startServiceForTest(module, { db, kafka });
    up = upstream(sut);
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  let n = 0;
  const order = (total = 10_000, sellerId = `seller-${++n}`): TestOrder => ({ orderId: `ord-${randomUUID()}`, buyerId: `buyer-${++n}`, sellerId, total });
  const buyerOf = (o: TestOrder) => ({ role: 'buyer' as const, sub: o.buyerId });
  const pay = (o: TestOrder, token: string) =>
    sut.request('POST', '/payments', { as: buyerOf(o), body: { orderId: o.orderId, paymentMethod: { type: 'sandbox', token } } });
  const view = async (o: TestOrder) => (await sut.request('GET', `/escrows/${o.orderId}`, { as: ops })).body;
  const publishedFor = (o: TestOrder, type: string) =>
    sut.published('escrow.v1').filter((e) => e.type === type && (e.data as { orderId: string }).orderId === o.orderId);
  const awaitEvent = (o: TestOrder, type: string) => sut.awaitPublished((e) => e.type === type && (e.data as { orderId: string }).orderId === o.orderId);
  const paidOrder = async (total = 10_000, commissionBps = 0, sellerId?: string) => {
    const o = order(total, sellerId);
    await up.placed(o, commissionBps);
    expect((await pay(o, 'tok_ok')).body.status).toBe('captured');
    return o;
  };

  describe('payments', () => {
    it('E4/O3: tok_ok captures and holds the total; PaymentCaptured is published', async () => {
      const o = order();
      await up.placed(o);
      const res = await pay(o, 'tok_ok');
      expect(res).toMatchObject({ status: 201, body: { orderId: o.orderId, status: 'captured', amount: { amount: 10_000, currency: 'USD' } } });
      const captured = await awaitEvent(o, 'PaymentCaptured');
      expect(captured.data).toMatchObject({ paymentId: res.body.paymentId, amount: { amount: 10_000 } });
      const v = await sut.request('GET', `/escrows/${o.orderId}`, { as: buyerOf(o) });
      expect(v.body).toMatchObject({ status: 'paid', captured: { amount: 10_000 }, held: { amount: 10_000 }, released: { amount: 0 } });
      expect(v.headers.etag).toBe(`"${v.body.version}"`);
    });

    it("only the order's buyer may pay (others 404); views: parties, agent, ops see it, others 404, wrong role 403", async () => {
      const o = order();
      await up.placed(o);
      const stranger = { role: 'buyer' as const, sub: 'someone-else' };
      const other = await sut.request('POST', '/payments', { as: stranger, body: { orderId: o.orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } } });
      expect(other).toMatchObject({ status: 404, body: { code: 'ESCROW_ORDER_UNKNOWN' } });
      const unknown = await sut.request('POST', '/payments', {
        as: buyerOf(o),
        body: { orderId: 'no-such-order', paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
      });
      expect(unknown.status).toBe(404);
      expect((await sut.request('GET', `/escrows/${o.orderId}`, { as: stranger })).status).toBe(404);
      expect((await sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'seller', sub: 'not-the-seller' } })).status).toBe(404);
      expect((await sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'seller', sub: o.sellerId } })).status).toBe(200);
      expect((await sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'agent', sub: 'agent-1' } })).status).toBe(200);
      expect((await sut.request('GET', `/escrows/${o.orderId}`, { as: { role: 'partner', sub: 'p-1' } })).status).toBe(403);
      expect((await sut.request('GET', '/ledger/verify', { as: buyerOf(o) })).status).toBe(403);
    });

    it('E4: a declined card leaves the order unpaid (PaymentFailed); the buyer may pay again', async () => {
      const o = order();
      await up.placed(o);
      const res = await pay(o, 'tok_declined');
      expect(res).toMatchObject({ status: 201, body: { status: 'failed', reason: 'card_declined' } });
      expect((await awaitEvent(o, 'PaymentFailed')).data).toMatchObject({ paymentId: res.body.paymentId, reason: 'card_declined' });
      const v = await sut.request('GET', `/escrows/${o.orderId}`, { as: buyerOf(o) });
      expect(v.body).toMatchObject({ status: 'awaiting_payment', captured: { amount: 0 }, held: { amount: 0 }, allowedActions: ['pay'] });
      // the order service marks an order paid only on PaymentCaptured: none was published
      expect(publishedFor(o, 'PaymentCaptured')).toHaveLength(0);
      expect((await pay(o, 'tok_ok')).body.status).toBe('captured');
    });

    it('E4: a slow capture arrives by signed webhook: bad signature 401 and nothing changes, good one once, replay a no-op', async () => {
      const o = order();
      await up.placed(o);
      const res = await pay(o, 'tok_slow');
      expect(res).toMatchObject({ status: 201, body: { status: 'pending' } });
      const paymentId = res.body.paymentId as string;
      const body = JSON.stringify({
        id: `evt-${paymentId}`,
        type: 'payment.captured',
        data: { orderId: o.orderId, paymentId, providerRef: `sbx_cap_${paymentId}`, amount: 10_000, currency: 'USD', capturedAt: sut.now().toISOString() },
      });
      const post = (signature: string) =>
        sut.request('POST', '/providers/sandbox/webhooks', { body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature } });

      const forged = await post(signWebhook('not-the-secret', body, sut.now()));
      expect(forged).toMatchObject({ status: 401, body: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
      expect(forged.headers['content-type']).toContain('application/problem+json');
      const stale = await post(signWebhook(DEV_WEBHOOK_SECRET, body, new Date(sut.now().getTime() - 3_600_000)));
      expect(stale.status).toBe(401);
      expect((await post('garbage')).status).toBe(401);
      expect(await view(o)).toMatchObject({ status: 'awaiting_payment', held: { amount: 0 }, payments: [{ paymentId, status: 'requested' }] });

      const good = await post(signWebhook(DEV_WEBHOOK_SECRET, body, sut.now()));
      expect(good).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
      const replay = await post(signWebhook(DEV_WEBHOOK_SECRET, body, sut.now()));
      expect(replay).toMatchObject({ status: 200, body: { duplicate: true } });
      await sut.settle();
      await awaitEvent(o, 'PaymentCaptured');
      const v = await view(o);
      expect(v).toMatchObject({ status: 'paid', held: { amount: 10_000 } });
      expect(v.entries.filter((e: { reason: string }) => e.reason === 'capture')).toHaveLength(1);
      expect(publishedFor(o, 'PaymentCaptured')).toHaveLength(1);
    });

    it('E4: a capture for an unknown order is refused (non-2xx, the provider retries); for a paid or cancelled order it is returned, never held twice', async () => {
      const captureHook = (orderId: string, providerRef: string) => {
        const body = JSON.stringify({
          id: `evt-${providerRef}`,
          type: 'payment.captured',
          data: { orderId, paymentId: `pay-${providerRef}`, providerRef, amount: 10_000, currency: 'USD', capturedAt: sut.now().toISOString() },
        });
        return sut.request('POST', '/providers/sandbox/webhooks', {
          body,
          headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(DEV_WEBHOOK_SECRET, body, sut.now()) },
        });
      };
      const unknown = `ord-${randomUUID()}`;
      expect(await captureHook(unknown, `ref-${randomUUID()}`)).toMatchObject({ status: 404, body: { code: 'ESCROW_ORDER_UNKNOWN' } });
      expect((await sut.request('GET', `/escrows/${unknown}`, { as: ops })).status).toBe(404);

      const paid = await paidOrder();
      expect(await captureHook(paid.orderId, `ref-${randomUUID()}`)).toMatchObject({ status: 200, body: { duplicate: false } });
      expect((await awaitEvent(paid, 'PaymentReturned')).data).toMatchObject({ reason: 'ALREADY_PAID', amount: { amount: 10_000 } });
      await eventually(async () => ((await view(paid)).refunds[0]?.status === 'completed' ? true : undefined), 'the returned payment to be refunded');
      const v = await view(paid);
      expect(v).toMatchObject({ status: 'paid', held: { amount: 10_000 }, captured: { amount: 20_000 }, refunded: { amount: 10_000 } });
      expect(v.refunds).toEqual([expect.objectContaining({ reason: 'PAYMENT_RETURNED', status: 'completed', amount: { amount: 10_000, currency: 'USD' } })]);
      expect(v.entries.filter((e: { reason: string }) => e.reason === 'capture')).toHaveLength(1);

      const cancelled = order();
      await up.placed(cancelled);
      await up.cancelled(cancelled);
      await eventually(async () => ((await view(cancelled))?.status === 'cancelled' ? true : undefined), 'the cancellation');
      expect(await captureHook(cancelled.orderId, `ref-${randomUUID()}`)).toMatchObject({ status: 200 });
      expect((await awaitEvent(cancelled, 'PaymentReturned')).data).toMatchObject({ reason: 'ORDER_CLOSED' });
      expect(await view(cancelled)).toMatchObject({ status: 'cancelled', held: { amount: 0 }, refunded: { amount: 10_000 } });
      expect(publishedFor(cancelled, 'PaymentCaptured')).toHaveLength(0);
    });

    it('dev: the sandbox delivers a tok_slow webhook by itself after a delay on the simulated clock', async () => {
      const o = order();
      await up.placed(o);
      expect((await pay(o, 'tok_slow')).body.status).toBe('pending');
      await sut.advance('PT5S');
      await awaitEvent(o, 'PaymentCaptured');
      expect(await view(o)).toMatchObject({ status: 'paid', held: { amount: 10_000 } });
    });
  });

  describe('release and refund', () => {
    it('E3: completion releases once, whether the event is redelivered (same ce_id ×3) or duplicated (new ce_id)', async () => {
      const o = await paidOrder(10_000, 250);
      const ceId = randomUUID();
      for (let i = 0; i < 3; i++) await up.completed(o, 'CONFIRMED', ceId);
      await up.completed(o, 'CONFIRMED');
      await awaitEvent(o, 'FundsReleased');
      await sut.settle();
      expect(publishedFor(o, 'FundsReleased')).toHaveLength(1);
      expect(publishedFor(o, 'FundsReleased')[0]!.data).toMatchObject({
        amount: { amount: 10_000 },
        commission: { amount: 250 },
        netPayable: { amount: 9_750 },
      });
      const v = await view(o);
      expect(v).toMatchObject({ status: 'completed', held: { amount: 0 }, released: { amount: 9_750 }, commission: { amount: 250 } });
      expect(v.entries.filter((e: { reason: string }) => e.reason === 'release')).toHaveLength(1);
    });

    it('O4: cancellation refunds in full: RefundRequested then RefundCompleted, the provider called once', async () => {
      const o = await paidOrder();
      await up.cancelled(o);
      const requested = await awaitEvent(o, 'RefundRequested');
      const completed = await awaitEvent(o, 'RefundCompleted');
      const refundId = (requested.data as { refundId: string }).refundId;
      expect(completed.data).toMatchObject({ refundId, amount: { amount: 10_000 }, reason: 'ORDER_CANCELLED' });
      expect(sandbox.refundCalls(refundId)).toBe(1);
      expect(await view(o)).toMatchObject({
        status: 'cancelled',
        held: { amount: 0 },
        refunded: { amount: 10_000 },
        refunds: [{ refundId, status: 'completed', attempts: 1 }],
      });
    });

    it('E4: a refund the provider fails twice is retried with backoff on the simulated clock and completes once', async () => {
      const o = await paidOrder();
      sandbox.failNextRefunds(2);
      await up.cancelled(o);
      const refund = async (attempts: number) =>
        eventually(async () => {
          const r = (await view(o)).refunds[0];
          return r?.status === 'retry_scheduled' && r.attempts === attempts ? r : undefined;
        }, `attempt ${attempts} to fail`);
      const first = await refund(1);
      // policy snapshot: refundRetryBase PT30S, doubling
      expect(Date.parse(first.nextAttemptAt) - sut.now().getTime()).toBe(30_000);
      expect((await view(o)).deadlines).toEqual([expect.objectContaining({ kind: `refund_retry:${first.refundId}`, dueAt: first.nextAttemptAt })]);
      await sut.advance('PT29S');
      expect(sandbox.refundCalls(first.refundId)).toBe(1);
      await sut.advance('PT1S');
      const second = await refund(2);
      expect(Date.parse(second.nextAttemptAt) - sut.now().getTime()).toBe(60_000);
      await sut.advance('PT1M');
      await awaitEvent(o, 'RefundCompleted');
      await sut.settle();
      expect(sandbox.refundCalls(first.refundId)).toBe(3);
      expect(sandbox.refundsPaid().get(first.refundId)).toBe(10_000);
      expect(publishedFor(o, 'RefundCompleted')).toHaveLength(1);
      expect(publishedFor(o, 'RefundRequested')).toHaveLength(1);
      expect(await view(o)).toMatchObject({ refunds: [{ status: 'completed', attempts: 3 }], deadlines: [], refunded: { amount: 10_000 } });
    });
  });

  describe('disputes', () => {
    it('R5/E3: a settlement refunds R and releases the rest (minus commission); the completion that follows moves nothing', async () => {
      const o = await paidOrder(10_000, 1000);
      await up.settled(o, 'd-split', 3_000);
      await up.completed(o, 'DISPUTE_SETTLED');
      await awaitEvent(o, 'RefundCompleted');
      await sut.settle();
      expect(publishedFor(o, 'FundsReleased').map((e) => e.data)).toEqual([
        expect.objectContaining({ amount: { amount: 7_000, currency: 'USD' }, commission: { amount: 700, currency: 'USD' }, trigger: 'DISPUTE_SETTLED' }),
      ]);
      expect(await view(o)).toMatchObject({
        status: 'completed',
        held: { amount: 0 },
        refunded: { amount: 3_000 },
        released: { amount: 6_300 },
        commission: { amount: 700 },
      });
    });

    it('OrderCompleted(DISPUTE_SETTLED) before its DisputeSettled is parked, then applied once the settlement arrives', async () => {
      const o = await paidOrder();
      await up.completed(o, 'DISPUTE_SETTLED');
      expect(await view(o)).toMatchObject({ status: 'paid', held: { amount: 10_000 } });
      await up.settled(o, 'd-late', 4_000);
      await awaitEvent(o, 'FundsReleased');
      expect(await view(o)).toMatchObject({ status: 'completed', held: { amount: 0 }, refunded: { amount: 4_000 }, released: { amount: 6_000 } });
    });

    it('E5/R8: an appeal overturned after release drives the seller balance negative; the next release nets it', async () => {
      const sellerId = `seller-appeal-${randomUUID()}`;
      const seller = { role: 'seller' as const, sub: sellerId };
      const balance = async () => (await sut.request('GET', `/sellers/${sellerId}/balance`, { as: seller })).body;
      const o = await paidOrder(10_000, 1000, sellerId);
      await up.settled(o, 'd-appeal', 0);
      await up.completed(o, 'DISPUTE_SETTLED');
      expect(await balance()).toEqual({ sellerId, balances: [{ amount: 9_000, currency: 'USD' }] });

      await up.appealOverturned(o, 'd-appeal', 0, 10_000);
      await awaitEvent(o, 'SellerDebited');
      expect((await awaitEvent(o, 'RefundCompleted')).data).toMatchObject({ amount: { amount: 10_000 }, reason: 'APPEAL_OVERTURNED' });
      // the commission already taken is kept: 9,000 released - 10,000 clawed back
      expect(await balance()).toEqual({ sellerId, balances: [{ amount: -1_000, currency: 'USD' }] });

      const next = await paidOrder(5_000, 1000, sellerId);
      await up.completed(next);
      await awaitEvent(next, 'FundsReleased');
      expect(await balance()).toEqual({ sellerId, balances: [{ amount: 3_500, currency: 'USD' }] });
      expect((await sut.request('GET', `/sellers/${sellerId}/balance`, { as: { role: 'seller', sub: 'another-seller' } })).status).toBe(404);
      expect((await sut.request('GET', `/sellers/${sellerId}/balance`, { as: ops })).status).toBe(200);
    });
    it('E5/R6: an overturn after a written-off fast refund claws the seller back for the platform; the buyer is not refunded twice', async () => {
      const sellerId = `seller-fast-appeal-${randomUUID()}`;
      const o = await paidOrder(10_000, 0, sellerId);
      await up.fastRefund(o, 'd-fast', 10_000);
      await eventually(async () => ((await view(o)).exposure.amount === 10_000 ? true : undefined), 'the fast refund advanced');
      await up.settled(o, 'd-fast', 0);
      await eventually(async () => ((await view(o)).writtenOff.amount === 10_000 ? true : undefined), 'the ruling of 0 wrote the advance off');
      await up.appealOverturned(o, 'd-fast', 0, 10_000);
      expect((await awaitEvent(o, 'SellerDebited')).data).toMatchObject({ amount: { amount: 10_000 }, reason: 'APPEAL_CLAWBACK' });
      expect(await view(o)).toMatchObject({ refunded: { amount: 10_000 }, released: { amount: 0 }, writtenOff: { amount: 0 }, held: { amount: 0 } });
      expect(publishedFor(o, 'RefundRequested').map((e) => (e.data as { reason: string }).reason)).toEqual(['FAST_REFUND']);
      expect((await sut.request('GET', `/sellers/${sellerId}/balance`, { as: ops })).body.balances).toEqual([{ amount: 0, currency: 'USD' }]);
    });
  });

  describe('ledger verification (E2)', () => {
    it('reports no violation over every order above, and one after a broken posting in a scratch copy', async () => {
      const report = await sut.request('GET', '/ledger/verify', { as: ops });
      expect(report.status).toBe(200);
      expect(report.body.violations).toEqual([]);
      expect(report.body.ordersChecked).toBeGreaterThanOrEqual(12);

      const { schema } = sut.service.ctx;
      const scratch = `${schema}_scratch`;
      const { rows } = await db.pool.query<{ order_id: string; seller_id: string; seq: string }>(
        `SELECT order_id, seller_id, max(seq)::text AS seq FROM "${schema}".ledger_entries l
         WHERE EXISTS (SELECT 1 FROM "${schema}".escrows e WHERE e.order_id = l.order_id AND e.status = 'completed')
         GROUP BY order_id, seller_id LIMIT 1`,
      );
      const victim = rows[0]!;
      await db.pool.query(`
        CREATE SCHEMA "${scratch}";
        CREATE TABLE "${scratch}".ledger_entries (LIKE "${schema}".ledger_entries INCLUDING ALL);
        CREATE TABLE "${scratch}".escrows (LIKE "${schema}".escrows INCLUDING ALL);
        INSERT INTO "${scratch}".ledger_entries SELECT * FROM "${schema}".ledger_entries;
        INSERT INTO "${scratch}".escrows SELECT * FROM "${schema}".escrows;`);
      try {
        // money appears in the hold of a completed order from nowhere
        await db.pool.query(
          `INSERT INTO "${scratch}".ledger_entries (entry_id, order_id, seller_id, seq, debit, credit, amount, currency, reason, at)
           VALUES ('forged:0', $1, $2, $3::bigint + 1, 'buyer_payment', 'order_hold', 500, 'USD', 'capture', now())`,
          [victim.order_id, victim.seller_id, victim.seq],
        );
        const broken = await verifyLedger(db.pool, scratch);
        expect(broken.violations).toEqual([expect.objectContaining({ orderId: victim.order_id, rule: 'E2', code: 'SETTLED_BUT_HELD' })]);
        expect((await verifyLedger(db.pool, schema)).violations).toEqual([]);
      } finally {
        await db.pool.query(`DROP SCHEMA "${scratch}" CASCADE`);
      }
    });

    it('every read model is rebuilt from the log exactly as the command handler wrote it', async () => {
      const { schema, store } = sut.service.ctx;
      const dump = async () => ({
        escrows: (
          await db.pool.query(`SELECT order_id, buyer_id, seller_id, status, settled, releases, version, state FROM "${schema}".escrows ORDER BY order_id`)
        ).rows,
        ledger: (await db.pool.query(`SELECT * FROM "${schema}".ledger_entries ORDER BY entry_id`)).rows,
        refunds: (await db.pool.query(`SELECT * FROM "${schema}".refund_queue ORDER BY refund_id`)).rows,
      });
      await sut.settle();
      const before = await dump();
      // Event by event, batched, and batched with tiny pages spilling rows to the table and back.
      for (const opts of [{ perEvent: true }, {}, { batchSize: 3, maxRows: 2 }]) {
        for (const p of escrowProjections(schema)) await rebuildProjection(store, p, opts);
        expect(await dump()).toEqual(before);
      }
    });
  });
});
