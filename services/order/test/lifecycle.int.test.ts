// The order service running (HTTP, Kafka in and out, scheduler) on the simulated clock: the
// lifecycle scenarios of DOMAIN.md, with upstream services played by publishing their events.
import { randomUUID } from 'node:crypto';
import { DisputeSettled, ResendShipped } from '@bp/contracts';
import { as, orderMoves, startOrderService, TOTAL, type World } from './service/harness';

const DAY = 86_400_000;

describe('order service lifecycle (HTTP + Kafka, simulated clock)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startOrderService('order_life');
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  it('O2 O3 O5 O7 O12: place, payment captured, ship, protection runs out -> auto-confirmed, buyer level changes', async () => {
    const o = orderMoves(w.sut);
    const placed = await o.place();
    expect(placed.status).toBe(201);
    expect(placed.headers.location).toBe(`/orders/${o.orderId}`);
    expect(placed.headers.etag).toBe('"2"'); // OrderPlaced + ShippingAddressRecorded
    expect(placed.body).toMatchObject({ status: 'awaiting_payment', total: TOTAL, version: 2, protectionDays: 60, allowedActions: ['cancel'] });
    expect(placed.body.deadlines).toEqual([expect.objectContaining({ kind: 'payment', actor: 'buyer', onExpiry: 'order_closed_unpaid' })]);
    await o.awaitPublished('OrderPlaced');

    await o.paid();
    const paid = await o.view();
    expect(paid.body).toMatchObject({ status: 'awaiting_shipment', paid: TOTAL });
    expect(paid.body.deadlines).toEqual([expect.objectContaining({ kind: 'shipment', actor: 'seller' })]);
    expect((await o.view(as('seller', o.seller))).body.allowedActions).toEqual(['cancel', 'ship']);

    const shipped = await o.ship();
    expect(shipped.status).toBe(200);
    const shippedAt = Date.parse(shipped.body.shipment.shippedAt);
    expect(Date.parse(shipped.body.protectionEndsAt)).toBe(shippedAt + 60 * DAY); // O5
    expect(shipped.body.deadlines).toEqual([expect.objectContaining({ kind: 'protection_end', dueAt: shipped.body.protectionEndsAt })]);

    await w.sut.advance('P60D');
    await o.protectionEndAcknowledged(); // S3: the dispute service answers; only then the money goes
    const completed = await o.awaitPublished('OrderCompleted');
    expect(completed.data).toMatchObject({ reason: 'AUTO_CONFIRMED', amount: TOTAL, buyerId: o.buyer }); // O7
    const level = await w.sut.awaitPublished((e) => e.type === 'BuyerLevelChanged' && (e.data as { buyerId: string }).buyerId === o.buyer);
    expect(level.topic).toBe('buyers.v1');
    expect(level.data).toMatchObject({ level: 'A1', previousLevel: 'A0', completedSpendUsdCents: 5000, orderId: o.orderId }); // O12
    const done = (await o.view()).body;
    expect(done).toMatchObject({ status: 'completed', completionReason: 'AUTO_CONFIRMED', allowedActions: ['post_review'] });
    expect(done.deadlines).toEqual([{ kind: 'review_window', dueAt: expect.any(String), actor: 'buyer', onExpiry: 'review_window_closed' }]); // O11
    expect((await w.sut.request('GET', `/buyers/${o.buyer}/level`, { as: as('buyer', o.buyer) })).body).toMatchObject({
      level: 'A1',
      completedSpendUsd: 50,
      points: 0,
    }); // O11: auto-confirm earns nothing
  });

  it('O11: confirming earns the buyer points once per order, on the level view and on buyers.v1', async () => {
    const buyer = `buyer-${randomUUID()}`;
    const first = orderMoves(w.sut, buyer);
    await first.shipped();
    expect((await first.confirm()).status).toBe(200);
    const earned = await w.sut.awaitPublished((e) => e.type === 'BuyerPointsEarned' && (e.data as { orderId: string }).orderId === first.orderId);
    expect(earned.topic).toBe('buyers.v1');
    expect(earned.ceType).toBe('marketplace.buyer.points-earned.v1');
    expect(earned.data).toEqual({ buyerId: buyer, orderId: first.orderId, points: 10, totalPoints: 10, earnedAt: expect.any(String) });
    expect((await first.confirm()).status).toBe(200); // repeated confirm: no second award
    const second = orderMoves(w.sut, buyer);
    await second.shipped();
    await second.confirm();
    const level = (await w.sut.request('GET', `/buyers/${buyer}/level`, { as: as('buyer', buyer) })).body;
    expect(level).toMatchObject({ buyerId: buyer, level: 'A2', completedSpendUsd: 100, points: 20 });
    await w.sut.awaitPublished((e) => e.type === 'BuyerPointsEarned' && (e.data as { orderId: string }).orderId === second.orderId);
    const awards = w.sut.published('buyers.v1').filter((e) => e.type === 'BuyerPointsEarned' && (e.data as { buyerId: string }).buyerId === buyer);
    expect(awards.map((e) => (e.data as { totalPoints: number }).totalPoints)).toEqual([10, 20]);
    expect(JSON.stringify(awards.map((e) => e.data))).not.toContain('1 Main St'); // no personal data
  });

  it('O6: confirm receipt completes the order; a second confirm is a harmless 200; a seller may not confirm', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    expect((await o.post('/confirm-receipt', as('seller', o.seller))).status).toBe(403);
    const first = await o.confirm();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'completed', completionReason: 'CONFIRMED' });
    const again = await o.confirm();
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(first.body.version); // nothing appended
    await o.awaitPublished('OrderCompleted');
    expect(o.published('OrderCompleted')).toHaveLength(1);
  });

  it('O6 O9: confirm with a dispute open is 409 DISPUTE_OPEN, and protection is suspended', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    await o.disputeOpened('d-open');
    const view = (await o.view()).body;
    expect(view).toMatchObject({ disputeOpen: true, disputeId: 'd-open', protectionSuspended: true, protectionEndsAt: null, deadlines: [] });
    const res = await o.confirm();
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body.code).toBe('DISPUTE_OPEN');
  });

  it('O8: an approved extension moves the auto-confirm later', async () => {
    const o = orderMoves(w.sut);
    const shipped = await o.shipped();
    const req = await o.post('/extensions', as('buyer', o.buyer), { days: 14, reason: 'customs' });
    expect(req.status).toBe(201);
    const { extensionId } = req.body;
    expect(typeof extensionId).toBe('string');
    const approved = await o.post(`/extensions/${extensionId}/approve`, as('seller', o.seller));
    expect(approved.status).toBe(200);
    expect(Date.parse(approved.body.protectionEndsAt)).toBe(Date.parse(shipped.protectionEndsAt) + 14 * DAY);
    await o.awaitPublished('ProtectionExtended');

    await w.sut.advance('P60D');
    expect((await o.view()).body.status).toBe('shipped');
    await w.sut.advance('P14D');
    await o.protectionEndAcknowledged();
    expect((await o.awaitPublished('OrderCompleted')).data).toMatchObject({ reason: 'AUTO_CONFIRMED' });
  });

  it("O9 D7 S3: a dispute withdrawn after protection ran out ends protection at once; the order completes on the dispute service's answer", async () => {
    const o = orderMoves(w.sut);
    const shipped = await o.shipped();
    // The dispute service accepted the dispute at the last instant of protection (D1).
    await o.disputeOpened('d-late', shipped.protectionEndsAt);
    await w.sut.advance('P70D');
    expect((await o.view()).body).toMatchObject({ status: 'shipped', disputeOpen: true }); // O9: no auto-confirm while open
    await o.disputeWithdrawn('d-late');
    await o.protectionEndAcknowledged();
    expect((await o.awaitPublished('OrderCompleted')).data).toMatchObject({ reason: 'AUTO_CONFIRMED' });
    expect((await o.view()).body).toMatchObject({ status: 'completed', completionReason: 'AUTO_CONFIRMED', disputeOpen: false });
    expect((await o.awaitPublished('ProtectionResumed')).data).toMatchObject({ cause: 'DISPUTE_WITHDRAWN', disputeId: 'd-late' });
    expect((await o.awaitPublished('OrderCompleted')).data).toMatchObject({ reason: 'AUTO_CONFIRMED' });
  });

  it('E3 O12: a partial dispute settlement completes the order; the spend counted is paid minus refund', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    await o.disputeOpened('d-split');
    await w.sut.publish(DisputeSettled, {
      disputeId: 'd-split',
      orderId: o.orderId,
      refund: { amount: 2000, currency: 'USD' },
      fastRefunded: { amount: 0, currency: 'USD' },
      releaseRemainder: true,
      settledBy: 'AGREEMENT',
      settledAt: w.sut.now().toISOString(),
    });
    expect((await o.awaitPublished('OrderCompleted')).data).toMatchObject({ reason: 'DISPUTE_SETTLED', disputeId: 'd-split' });
    expect((await w.sut.request('GET', `/buyers/${o.buyer}/level`, { as: as('buyer', o.buyer) })).body).toMatchObject({ level: 'A1', completedSpendUsd: 30 });
  });

  it('D9: a resend shipped resumes protection, extended by the agreed days', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    await w.sut.advance('P10D');
    await o.disputeOpened('d-resend');
    await w.sut.publish(ResendShipped, {
      disputeId: 'd-resend',
      orderId: o.orderId,
      carrier: 'DHL',
      trackingNumber: 'TRK-2',
      shippedAt: w.sut.now().toISOString(),
      extendBy: 30,
    });
    const view = (await o.view()).body;
    expect(view).toMatchObject({ disputeOpen: false, status: 'shipped' });
    expect(Date.parse(view.protectionEndsAt)).toBe(w.sut.now().getTime() + 50 * DAY + 30 * DAY);
  });

  it('O11: a review is published when the seller replies; one posted later is published after a month by the timer', async () => {
    const replied = orderMoves(w.sut);
    await replied.shipped();
    await replied.confirm();
    const posted = await replied.post('/review', as('buyer', replied.buyer), { rating: 4, text: 'fine' });
    expect(posted.body).toMatchObject({ review: { rating: 4, publishedAt: null }, allowedActions: [] });
    expect(posted.body.deadlines).toEqual([expect.objectContaining({ kind: 'review_publication', actor: 'system', onExpiry: 'review_published' })]);
    expect((await replied.post('/review/reply', as('seller', replied.seller), { text: 'thanks' })).body).toMatchObject({
      review: { reply: { text: 'thanks' } },
      deadlines: [],
    });
    expect((await replied.awaitPublished('ReviewPublished')).data).toMatchObject({ rating: 4 });

    const silent = orderMoves(w.sut);
    await silent.shipped();
    await silent.confirm();
    await silent.post('/review', as('buyer', silent.buyer), { rating: 2 });
    await w.sut.advance('P30D');
    expect((await silent.awaitPublished('ReviewPublished')).data).toMatchObject({ rating: 2 });
    expect((await silent.view()).body.review.publishedAt).not.toBeNull();
  });

  it('O11: the review window closes 30 days after completion: the deadline fires and a late review is 409 REVIEW_WINDOW_CLOSED', async () => {
    const o = orderMoves(w.sut);
    await o.shipped();
    await o.confirm();
    await w.sut.advance('P30D');
    expect((await o.view()).body).toMatchObject({ deadlines: [], allowedActions: [] });
    const late = await o.post('/review', as('buyer', o.buyer), { rating: 5 });
    expect([late.status, late.body.code]).toEqual([409, 'REVIEW_WINDOW_CLOSED']);
    const timeline = await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('buyer', o.buyer) });
    expect(timeline.body.items.map((i: { type: string }) => i.type).slice(-2)).toEqual(['OrderCompleted', 'ReviewWindowClosed']);
  });

  it('O2: an unpaid order closes by itself after the payment window', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    await w.sut.advance('P1D');
    expect((await o.awaitPublished('OrderClosed')).data).toMatchObject({ reason: 'UNPAID', refundDue: false });
    expect((await o.view()).body).toMatchObject({ status: 'closed', closedReason: 'UNPAID' });
  });

  it('O4: a seller who misses the handling days loses the order, with a full refund due', async () => {
    const o = orderMoves(w.sut);
    await o.place({ handlingDays: 3 });
    await o.paid();
    await w.sut.advance('P3D');
    expect((await o.awaitPublished('OrderClosed')).data).toMatchObject({ reason: 'NOT_SHIPPED', refundDue: true });
    expect((await o.ship()).body.code).toBe('ORDER_CLOSED');
  });

  it("timeline: the order's events in order, facts from other services caused by their event ids", async () => {
    const o = orderMoves(w.sut);
    await o.place();
    const paymentEventId = await o.paid();
    await o.ship();
    const res = await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('agent', 'agent-1') });
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { service: string; type: string }) => `${i.service} ${i.type}`)).toEqual([
      'order OrderPlaced',
      'order ShippingAddressRecorded',
      'escrow PaymentCaptured',
      'order OrderPaid',
      'order OrderShipped',
    ]);
    expect(res.body.items[1].data).toEqual({ redacted: true });
    expect(res.body.items[2]).toMatchObject({ eventId: paymentEventId, version: null });
    expect(res.body.items[3]).toMatchObject({ causationId: paymentEventId, actor: { role: 'system' } });
    expect(res.body.items[4].actor).toEqual({ role: 'seller', id: o.seller });
  });
});
