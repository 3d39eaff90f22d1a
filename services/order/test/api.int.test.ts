// The public contract of the order service over HTTP (API.md "Conventions" + "Order service"):
// authorization, lists, idempotency, If-Match, strict bodies; and at-least-once consumption.
import { randomUUID } from 'node:crypto';
import { RefundCompleted } from '@bp/contracts';
import { rebuildProjection } from '@bp/eventstore';
import { ordersListProjection } from '../src/projections';
import { as, orderMoves, startOrderService, TOTAL, type World } from './service/harness';

describe('order service API', () => {
  let w: World;
  beforeAll(async () => {
    w = await startOrderService('order_api');
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  it('authorization: another buyer or seller gets 404, a wrong role 403, an agent reads', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    expect((await o.view(as('buyer', 'someone-else'))).status).toBe(404);
    expect((await o.view(as('seller', 'other-seller'))).body.code).toBe('ORDER_NOT_FOUND');
    expect((await o.view(as('partner', 'p-1'))).status).toBe(403);
    const agent = await o.view(as('agent', 'agent-1'));
    expect(agent.status).toBe(200);
    expect(agent.body.allowedActions).toEqual(['report_delivery']); // O10: the only order action an agent has
    expect((await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('buyer', 'someone-else') })).status).toBe(404);
    // writes: not a party -> 404 (decider), wrong role -> 403 (route)
    expect((await o.post('/confirm-receipt', as('buyer', 'someone-else'))).status).toBe(404);
    expect((await o.post('/confirm-receipt', as('agent', 'agent-1'))).status).toBe(403);
    expect((await o.post('/shipments', as('buyer', o.buyer), { carrier: 'X', trackingNumber: 'Y' })).status).toBe(403);
    const byPartner = await o.post('/delivery', as('partner', 'carrier-1')); // O10: a carrier webhook
    expect(byPartner.body).toMatchObject({ status: 'delivered', shippingAddress: null }); // no personal data to a partner
    expect((await o.post('/delivery', as('agent', 'agent-1'))).body).toMatchObject({ status: 'delivered' }); // O10
    // buyer level: that buyer or an agent
    expect((await w.sut.request('GET', `/buyers/${o.buyer}/level`, { as: as('buyer', 'someone-else') })).status).toBe(404);
    expect((await w.sut.request('GET', `/buyers/${o.buyer}/level`, { as: as('agent', 'agent-1') })).body).toMatchObject({ level: 'A0', completedSpendUsd: 0 });
  });

  it('lists own orders newest first with cursor pagination and a status filter', async () => {
    const buyer = `buyer-${randomUUID()}`;
    const seller = `seller-${randomUUID()}`;
    const orders = Array.from({ length: 5 }, () => orderMoves(w.sut, buyer, seller));
    for (const o of orders) await o.place();
    await orders[0]!.paid();
    await orders[1]!.paid();

    const list = (query: string, who = as('buyer', buyer)) => w.sut.request('GET', `/orders?${query}`, { as: who });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { orderId: string }[]; nextCursor: string | null } } = await list(
        `limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.orderId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(5);
    expect(seen.sort()).toEqual(orders.map((o) => o.orderId).sort());

    const paid = await list('as=buyer&status=awaiting_shipment');
    expect(paid.body.items.map((i: { orderId: string }) => i.orderId).sort()).toEqual([orders[0]!.orderId, orders[1]!.orderId].sort());
    expect(paid.body.items[0]).toMatchObject({ buyerId: buyer, sellerId: seller, status: 'awaiting_shipment', total: TOTAL });
    expect((await list('as=seller', as('seller', seller))).body.items).toHaveLength(5);
    expect((await list('as=seller')).status).toBe(403);
    expect((await list('limit=101')).status).toBe(400);
    expect((await list('cursor=not-ours')).body.code).toBe('INVALID_CURSOR');
    expect((await list('', as('buyer', 'nobody'))).body).toEqual({ items: [], nextCursor: null });
  });

  it('POST /orders with an Idempotency-Key replays the first answer and places one order', async () => {
    const o = orderMoves(w.sut);
    const key = { 'idempotency-key': randomUUID() };
    const first = await o.place({}, key);
    const again = await o.place({}, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.orderId).toBe(first.body.orderId);
    const changed = await o.place({ protectionDays: 30 }, key);
    expect(changed.status).toBe(422);
    expect((await w.sut.request('GET', '/orders', { as: as('buyer', o.buyer) })).body.items).toHaveLength(1);
  });

  it('If-Match: a stale version is 412 and changes nothing; the current one is accepted', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await o.paid();
    const { version } = (await o.view(as('seller', o.seller))).body;
    const stale = await o.post('/shipments', as('seller', o.seller), { carrier: 'DHL', trackingNumber: 'T' }, { 'if-match': `"${version - 1}"` });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    expect((await o.view()).body.status).toBe('awaiting_shipment');
    const ok = await o.post('/shipments', as('seller', o.seller), { carrier: 'DHL', trackingNumber: 'T' }, { 'if-match': `"${version}"` });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(`"${version + 1}"`);
  });

  it('unknown fields and bad input are 400 and change nothing', async () => {
    const o = orderMoves(w.sut);
    const res = await o.place({ discount: 100 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ in: 'body', path: '/discount', message: 'unknown field' })]);
    expect((await o.place({ protectionDays: 5 })).body.code).toBe('PROTECTION_DAYS_OUT_OF_RANGE');
    // "agents" names the support agents' shared mailbox, never a seller (notices would go there).
    const reserved = await o.place({ sellerId: 'agents' });
    expect([reserved.status, reserved.body.errors]).toEqual([
      400,
      [expect.objectContaining({ in: 'body', path: '/sellerId', message: 'this id is reserved' })],
    ]);
    expect((await w.sut.request('GET', '/orders', { as: as('buyer', o.buyer) })).body.items).toHaveLength(0);
    await o.place();
    await o.paid();
    expect((await o.post('/shipments', as('seller', o.seller), { carrier: 'DHL', trackingNumber: 'T', eta: 'soon' })).status).toBe(400);
    expect((await o.post('/extensions', as('buyer', o.buyer), { days: 'ten' })).status).toBe(400);
  });

  it('a redelivered PaymentCaptured (same ce_id) has no second effect', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    const id = randomUUID();
    await o.paid({ id });
    const before = (await o.view()).body.version;
    await o.paid({ id });
    expect((await o.view()).body.version).toBe(before);
    await o.awaitPublished('OrderPaid');
    expect(o.published('OrderPaid')).toHaveLength(1);
  });

  it('escrow refunds: only refunds of the order total count, a full one closes the order REFUNDED', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await o.paid();
    const refund = (refundId: string, amount: number, reason: 'PAYMENT_RETURNED' | 'ORDER_CLOSED') =>
      w.sut.publish(RefundCompleted, {
        orderId: o.orderId,
        refundId,
        amount: { amount, currency: 'USD' },
        reason,
        providerRef: `r-${refundId}`,
        completedAt: w.sut.now().toISOString(),
      });
    await refund('r-1', 5000, 'PAYMENT_RETURNED'); // a second capture given back: not the order's money
    expect((await o.view()).body).toMatchObject({ status: 'awaiting_shipment', refunded: { amount: 0, currency: 'USD' } });
    await refund('r-2', 5000, 'ORDER_CLOSED');
    expect((await o.view()).body).toMatchObject({ status: 'closed', closedReason: 'REFUNDED', refunded: TOTAL });
  });

  it('a stale fact is a no-op, not a dead letter: PaymentCaptured for a closed order', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await o.post('/cancel', as('buyer', o.buyer));
    const before = (await o.view()).body.version;
    await o.paid({ id: randomUUID() });
    expect((await o.view()).body).toMatchObject({ status: 'closed', version: before });
  });

  it('the orders list rebuilt from the log equals the one kept inline (event by event, batched, batched with spills)', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    const disputeId = `d-${randomUUID()}`;
    await o.disputeOpened(disputeId); // dispute_open true, then false
    await o.disputeWithdrawn(disputeId);
    await o.post('/confirm-receipt', as('buyer', o.buyer));
    const { schema, store } = w.sut.service.ctx;
    const dump = async () => (await store.pool.query(`SELECT * FROM "${schema}".orders_list ORDER BY order_id`)).rows;
    const before = await dump();
    expect(before.length).toBeGreaterThan(5);
    for (const opts of [{ perEvent: true }, {}, { batchSize: 3, maxRows: 2 }]) {
      await rebuildProjection(store, ordersListProjection(schema), opts);
      expect(await dump()).toEqual(before);
    }
  });
});
