// Timers racing manual actions (issue 11 "Faults"; reliability.md T8): the buyer confirms receipt
// at the exact moment auto-confirm fires (the clock is moved to the protection end while the
// confirmations are in flight), and the seller accepts a dispute proposal as the 5-day deadline
// fires, and the seller confirms the return's receipt as the 30-day automatic refund fires (R3).
// Each race has exactly one outcome: one OrderCompleted / one DisputeSettled per aggregate, in the
// log and on the topic (and, for the return, one refund in the escrow ledger); a losing request
// answers 409, never 500, never a second outcome.
import { randomUUID } from 'node:crypto';
import { OrderPaid, OrderPlaced, OrderShipped, PaymentCaptured, ProtectionEndAcknowledged } from '@bp/contracts';
import { createEscrowService, createSandboxProvider, type SandboxProvider } from '@bp/escrow-service';
import { createDisputeService, localBlobStore } from '@bp/dispute-service';
import { orderService } from '@bp/order-service';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { addDuration, defaultPolicy, snapshotOf } from '@bp/timers';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { recordResult } from '../security/support/results';

const ROUNDS = 4;
const PER_ROUND = 8;
const usd = (amount: number) => ({ amount, currency: 'USD' });
const body = (sellerId: string) => ({
  sellerId,
  currency: 'USD',
  items: [{ sku: 's', title: 'Lamp', quantity: 1, unitPrice: 1000 }],
  shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
  protectionDays: 15,
});

/** Staggers a start by a few event-loop turns so the actions land before, at and after the firing. */
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('timers racing manual actions', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let blobDir: string;
  let order: ServiceUnderTest;
  let dispute: ServiceUnderTest;
  let escrow: ServiceUnderTest;
  let sandbox!: SandboxProvider;

  beforeAll(async () => {
    db = await testDatabase('rel_races');
    kafka = await testKafka();
    blobDir = await mkdtemp(path.join(tmpdir(), 'rel-races-'));
    order = await startServiceForTest(orderService, { db, kafka });
    dispute = await startServiceForTest(createDisputeService({ blobs: () => localBlobStore(blobDir) }), { db, kafka });
    // E3/E4: the escrow holds the money of the return races and refunds it through the sandbox.
    escrow = await startServiceForTest(createEscrowService({ provider: (deps) => (sandbox = createSandboxProvider(deps)), refundPollIntervalMs: 50 }), {
      db,
      kafka,
    });
  }, 60_000);
  afterAll(async () => {
    await escrow?.stop();
    await dispute?.stop();
    await order?.stop();
    await kafka?.stop();
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
    for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
    await db?.close();
    await rm(blobDir, { recursive: true, force: true });
  }, 60_000);

  const countInLog = async (s: ServiceUnderTest, type: string, streamLike: string) => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${s.service.ctx.schema}".events WHERE type = $1 AND stream_id LIKE $2`,
      [type, streamLike],
    );
    return rows[0]!.n;
  };

  it(`confirm-receipt at the moment auto-confirm fires (${ROUNDS * PER_ROUND} races): exactly one OrderCompleted each`, async () => {
    const outcomes: Record<string, number> = {};
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const buyer = `buyer-r${round}`;
      const seller = `seller-r${round}`;
      const ids: string[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const res = await order.request('POST', '/orders', { as: { role: 'buyer', sub: buyer }, body: body(seller) });
        expect(res.status).toBe(201);
        const orderId = res.body.orderId as string;
        await order.publish(PaymentCaptured, {
          orderId,
          paymentId: `pay-${orderId}`,
          providerRef: `r-${orderId}`,
          amount: usd(1000),
          capturedAt: order.now().toISOString(),
        });
        expect(
          (
            await order.request('POST', `/orders/${orderId}/shipments`, {
              as: { role: 'seller', sub: seller },
              body: { carrier: 'DHL', trackingNumber: `T-${i}` },
            })
          ).status,
        ).toBe(200);
        ids.push(orderId);
      }
      // O6/O7: the protection ends exactly 15 days after shipment; move there while the buyer confirms.
      const confirms = ids.map(async (orderId, i) => {
        await turns(i * 3);
        const res = await order.request('POST', `/orders/${orderId}/confirm-receipt`, { as: { role: 'buyer', sub: buyer }, body: {} });
        statuses.push(res.status);
      });
      await Promise.all([order.advance('P15D'), ...confirms]);
      await order.settle();
      // S3: where the timer won, the order asked the dispute service (ProtectionEnded); answer as it would (no dispute).
      for (const e of order.published().filter((x) => x.type === 'ProtectionEnded' && ids.includes((x.data as { orderId: string }).orderId))) {
        const { orderId, round } = e.data as { orderId: string; round: number };
        await order.publish(ProtectionEndAcknowledged, { orderId, round, openDisputeId: null, acknowledgedAt: order.now().toISOString() });
      }
      await order.settle();
      for (const orderId of ids) {
        expect({ orderId, completed: await countInLog(order, 'OrderCompleted', `%${orderId}%`) }).toEqual({ orderId, completed: 1 });
        const view = await order.request('GET', `/orders/${orderId}`, { as: { role: 'buyer', sub: buyer } });
        expect(view.body.status).toBe('completed');
        const published = await order.awaitPublished((e) => e.type === 'OrderCompleted' && (e.data as { orderId: string }).orderId === orderId);
        const reason = (published.data as { reason: string }).reason;
        outcomes[reason] = (outcomes[reason] ?? 0) + 1;
      }
    }
    const total = ROUNDS * PER_ROUND;
    const onTopic = order.published().filter((e) => e.type === 'OrderCompleted');
    expect(new Set(onTopic.map((e) => (e.data as { orderId: string }).orderId)).size).toBe(total);
    expect(new Set(onTopic.map((e) => e.id)).size).toBe(total);
    // A command that deadlocks with the scheduler is rerun; if it keeps losing, 409 (never 500).
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(Object.keys(outcomes).every((r) => r === 'CONFIRMED' || r === 'AUTO_CONFIRMED')).toBe(true);
    recordResult(
      `timer-race confirm-vs-autoconfirm races=${total} double_completion=0 outcomes=${JSON.stringify(outcomes)} http=${JSON.stringify(statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
    );
  }, 90_000);

  it(`seller accepts as the 5-day response deadline fires (${ROUNDS * PER_ROUND} races): exactly one DisputeSettled each`, async () => {
    const outcomes: Record<string, number> = {};
    const statuses: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const disputes: { disputeId: string; orderId: string; seller: string }[] = [];
      const now = dispute.now().toISOString();
      const placed: { orderId: string; buyerId: string; sellerId: string }[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const parties = { orderId: `race-${randomUUID()}`, buyerId: `b-${round}-${i}`, sellerId: `s-${round}-${i}` };
        await dispute.publish(OrderPlaced, {
          ...parties,
          currency: 'USD',
          items: [{ sku: 's', title: 'Lamp', quantity: 1, unitPrice: usd(10_000) }],
          total: usd(10_000),
          protectionDays: 60,
          handlingDays: 7,
          placedAt: now,
          paymentDueAt: addDuration(now, 'PT24H'),
          policy: snapshotOf(defaultPolicy),
        });
        await dispute.publish(OrderPaid, {
          ...parties,
          paymentId: `pay-${parties.orderId}`,
          amount: usd(10_000),
          paidAt: now,
          shipBy: addDuration(now, 'P7D'),
        });
        await dispute.publish(OrderShipped, {
          ...parties,
          carrier: 'DHL',
          trackingNumber: `T${i}`,
          shippedAt: now,
          protectionEndsAt: addDuration(now, 'P60D'),
        });
        placed.push(parties);
      }
      await dispute.advance('P6D'); // D1
      for (const p of placed) {
        const res = await dispute.request('POST', '/disputes', {
          as: { role: 'buyer', sub: p.buyerId },
          body: {
            orderId: p.orderId,
            goodsReceived: false,
            reason: 'NOT_RECEIVED',
            solution: { type: 'REFUND_ONLY', refund: usd(10_000) },
            description: 'never arrived',
            evidenceIds: [],
          },
        });
        expect(res.status).toBe(201);
        disputes.push({ disputeId: res.body.disputeId, orderId: p.orderId, seller: p.sellerId });
      }
      // D4: the seller has 5 days; on expiry the buyer's proposal stands. Accept exactly then.
      const accepts = disputes.map(async (d, i) => {
        await turns(i * 3);
        const res = await dispute.request('POST', `/disputes/${d.disputeId}/accept`, { as: { role: 'seller', sub: d.seller }, body: {} });
        statuses.push(res.status);
      });
      await Promise.all([dispute.advance('P5D'), ...accepts]);
      await dispute.settle();
      for (const d of disputes) {
        const settled = await dispute.awaitPublished((e) => e.type === 'DisputeSettled' && (e.data as { disputeId: string }).disputeId === d.disputeId);
        const by = (settled.data as { settledBy: string }).settledBy;
        outcomes[by] = (outcomes[by] ?? 0) + 1;
      }
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${dispute.service.ctx.schema}".events WHERE type = 'DisputeSettled' AND data->>'disputeId' = ANY($1)`,
        [disputes.map((d) => d.disputeId)],
      );
      expect(rows[0]!.n).toBe(disputes.length);
    }
    const total = ROUNDS * PER_ROUND;
    const onTopic = dispute.published().filter((e) => e.type === 'DisputeSettled');
    expect(onTopic).toHaveLength(total);
    // A command that deadlocks with the scheduler is rerun; if it keeps losing, 409 (never 500).
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(Object.keys(outcomes).every((r) => r === 'AGREEMENT' || r === 'SELLER_SILENCE')).toBe(true);
    recordResult(
      `timer-race accept-vs-deadline races=${total} double_settlement=0 outcomes=${JSON.stringify(outcomes)} http=${JSON.stringify(statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
    );
  }, 90_000);
  it(`seller confirms the return receipt as the 30-day refund fires (${ROUNDS * PER_ROUND} races): exactly one DisputeSettled and one refund each`, async () => {
    const outcomes: Record<string, number> = {};
    const statuses: number[] = [];
    const ops = { role: 'ops' as const, sub: 'ops-races' };
    for (let round = 0; round < ROUNDS; round++) {
      const disputes: { disputeId: string; orderId: string; buyer: string; seller: string }[] = [];
      const now = dispute.now().toISOString();
      const placed: { orderId: string; buyerId: string; sellerId: string }[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        const parties = { orderId: `ret-${randomUUID()}`, buyerId: `rb-${round}-${i}`, sellerId: `rs-${round}-${i}` };
        await dispute.publish(OrderPlaced, {
          ...parties,
          currency: 'USD',
          items: [{ sku: 's', title: 'Lamp', quantity: 1, unitPrice: usd(10_000) }],
          total: usd(10_000),
          protectionDays: 60,
          handlingDays: 7,
          placedAt: now,
          paymentDueAt: addDuration(now, 'PT24H'),
          policy: snapshotOf(defaultPolicy),
        });
        // O3/E4: the money is captured into escrow, so the refund has something to move.
        await escrow.settle();
        const paid = await escrow.request('POST', '/payments', {
          as: { role: 'buyer', sub: parties.buyerId },
          body: { orderId: parties.orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
        });
        expect(paid.body.status).toBe('captured');
        await dispute.publish(OrderPaid, { ...parties, paymentId: paid.body.paymentId, amount: usd(10_000), paidAt: now, shipBy: addDuration(now, 'P7D') });
        await dispute.publish(OrderShipped, {
          ...parties,
          carrier: 'DHL',
          trackingNumber: `T${i}`,
          shippedAt: now,
          protectionEndsAt: addDuration(now, 'P60D'),
        });
        placed.push(parties);
      }
      await dispute.advance('P6D'); // D1
      for (const p of placed) {
        const res = await dispute.request('POST', '/disputes', {
          as: { role: 'buyer', sub: p.buyerId },
          body: {
            orderId: p.orderId,
            goodsReceived: true,
            reason: 'NOT_AS_DESCRIBED',
            solution: { type: 'RETURN_AND_REFUND', refund: usd(10_000) },
            description: 'not as described',
            evidenceIds: [],
          },
        });
        expect(res.status).toBe(201);
        const d = { disputeId: res.body.disputeId as string, orderId: p.orderId, buyer: p.buyerId, seller: p.sellerId };
        // D4 -> R1: the seller agrees to the return; the buyer ships it, which starts R3's 30 days.
        expect((await dispute.request('POST', `/disputes/${d.disputeId}/accept`, { as: { role: 'seller', sub: d.seller }, body: {} })).body.status).toBe(
          'awaiting_return_shipment',
        );
        const shipped = await dispute.request('POST', `/disputes/${d.disputeId}/return-shipment`, {
          as: { role: 'buyer', sub: d.buyer },
          body: { carrier: 'USPS', trackingNumber: `RET-${round}-${disputes.length}` },
        });
        expect(shipped.body.status).toBe('return_in_transit');
        disputes.push(d);
      }
      // R3: 30 days after the return shipped the refund is automatic. Confirm the receipt exactly then.
      const receipts = disputes.map(async (d, i) => {
        await turns(i * 3);
        const res = await dispute.request('POST', `/disputes/${d.disputeId}/return-receipt`, {
          as: { role: 'seller', sub: d.seller },
          body: { condition: 'RECEIVED_OK' },
        });
        statuses.push(res.status);
      });
      await Promise.all([dispute.advance('P30D'), ...receipts]);
      await dispute.settle();
      for (const d of disputes) {
        const settled = await dispute.awaitPublished((e) => e.type === 'DisputeSettled' && (e.data as { disputeId: string }).disputeId === d.disputeId);
        const by = (settled.data as { settledBy: string }).settledBy;
        outcomes[by] = (outcomes[by] ?? 0) + 1;
      }
      const { rows } = await db.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${dispute.service.ctx.schema}".events WHERE type = 'DisputeSettled' AND data->>'disputeId' = ANY($1)`,
        [disputes.map((d) => d.disputeId)],
      );
      expect(rows[0]!.n).toBe(disputes.length);
      // E3/E4: the escrow refunds each order once, in its ledger and at the provider.
      for (const d of disputes)
        await escrow.awaitPublished((e) => e.type === 'RefundCompleted' && (e.data as { orderId: string }).orderId === d.orderId, 30_000);
      await escrow.settle();
      for (const d of disputes) {
        const view = (await escrow.request('GET', `/escrows/${d.orderId}`, { as: ops })).body;
        const refunds = view.entries.filter((e: { reason: string }) => e.reason === 'refund');
        expect({ orderId: d.orderId, refunded: view.refunded.amount, refundEntries: refunds.length, refunds: view.refunds.length }).toEqual({
          orderId: d.orderId,
          refunded: 10_000,
          refundEntries: 1,
          refunds: 1,
        });
        expect(sandbox.refundCalls(view.refunds[0].refundId)).toBe(1);
      }
    }
    const total = ROUNDS * PER_ROUND;
    const onTopic = dispute.published().filter((e) => e.type === 'DisputeSettled' && (e.data as { orderId: string }).orderId.startsWith('ret-'));
    expect(onTopic).toHaveLength(total);
    const refundsOnTopic = escrow
      .published('escrow.v1')
      .filter((e) => e.type === 'RefundCompleted' && (e.data as { orderId: string }).orderId.startsWith('ret-'));
    expect(refundsOnTopic).toHaveLength(total);
    const verify = await escrow.request('GET', '/ledger/verify', { as: ops });
    expect(verify.body.violations).toEqual([]); // E2
    // A command that deadlocks with the scheduler is rerun; if it keeps losing, 409 (never 500).
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(Object.keys(outcomes).every((r) => r === 'RETURN_RECEIVED' || r === 'RETURN_UNANSWERED')).toBe(true);
    recordResult(
      `timer-race return-receipt-vs-refund races=${total} double_settlement=0 double_refund=0 outcomes=${JSON.stringify(outcomes)} http=${JSON.stringify(statuses.reduce<Record<number, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {}))}`,
    );
  }, 180_000);
});
