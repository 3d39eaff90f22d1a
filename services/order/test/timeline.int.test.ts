// GET /orders/{id}/timeline (API.md): "the order's events from every service, in order". Escrow and
// dispute events reach the order service only over Kafka; every public one about the order (also
// those the lifecycle ignores) is recorded in the order's timeline stream and merged with its own.
import { randomUUID } from 'node:crypto';
import { DisputeEscalated, PaymentFailed, systemActor } from '@bp/contracts';
import { createOrderApp } from '../src/app/order-app';
import { as, orderMoves, startOrderService, type World } from './service/harness';

const DAY = 86_400_000;
type Item = { service: string; type: string; eventId: string; version: number | null; occurredAt: string; causationId: string | null; data: unknown };

describe('order timeline from every service (HTTP + Kafka, simulated clock)', () => {
  let w: World;
  beforeAll(async () => {
    w = await startOrderService('order_timeline');
  }, 60_000);
  afterAll(async () => {
    await w?.stop();
  });

  it('escrow and dispute events appear in order, a redelivery once, the order version untouched; another buyer gets 404', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    // PaymentFailed and DisputeEscalated change nothing in the order lifecycle: in the timeline all the same.
    const failedId = await w.sut.publish(PaymentFailed, {
      orderId: o.orderId,
      paymentId: 'pay-declined',
      reason: 'card_declined',
      failedAt: w.sut.now().toISOString(),
    });
    const paymentId = await o.paid();
    await o.ship();
    await w.sut.advance('P7D');
    const disputeId = `d-${randomUUID()}`;
    await o.disputeOpened(disputeId);
    const versionBefore = (await o.view()).body.version;
    const now = w.sut.now().getTime();
    const escalation = {
      disputeId,
      orderId: o.orderId,
      escalatedBy: 'seller' as const,
      escalatedAt: new Date(now).toISOString(),
      evidenceDueAt: new Date(now + 5 * DAY).toISOString(),
      rulingDueAt: new Date(now + 15 * DAY).toISOString(),
      expedited: false,
    };
    const escalatedId = await w.sut.publish(DisputeEscalated, escalation);
    await w.sut.publish(DisputeEscalated, escalation, { id: escalatedId }); // redelivered (same ce_id)
    expect((await o.view()).body.version).toBe(versionBefore); // the order stream (If-Match) did not move

    const res = await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('buyer', o.buyer) });
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.map((i) => `${i.service} ${i.type}`)).toEqual([
      'order OrderPlaced',
      'order ShippingAddressRecorded',
      'escrow PaymentFailed',
      'escrow PaymentCaptured',
      'order OrderPaid',
      'order OrderShipped',
      'dispute DisputeOpened',
      'order ProtectionSuspended',
      'dispute DisputeEscalated',
    ]);
    expect(items.filter((i) => i.eventId === escalatedId)).toHaveLength(1);
    expect(items[1]!.data).toEqual({ redacted: true });
    expect(items[2]).toMatchObject({ eventId: failedId, version: null, data: { orderId: o.orderId, reason: 'card_declined' } });
    expect(items[4]).toMatchObject({ causationId: paymentId, version: 3 }); // OrderPaid caused by the PaymentCaptured shown before it
    expect(items[3]!.eventId).toBe(paymentId);
    const times = items.map((i) => Date.parse(i.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(JSON.stringify(items)).not.toContain('1 Main St'); // no personal data

    // Parties and agents read it; another buyer (and a stranger seller) get 404 as for the order.
    expect((await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('seller', o.seller) })).body.items).toHaveLength(items.length);
    expect((await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('agent', 'agent-1') })).status).toBe(200);
    const stranger = await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('buyer', `buyer-${randomUUID()}`) });
    expect([stranger.status, stranger.body.code]).toEqual([404, 'ORDER_NOT_FOUND']);
    expect((await w.sut.request('GET', `/orders/${o.orderId}/timeline`, { as: as('seller', 'seller-other') })).status).toBe(404);
  });

  it('recording the same upstream event id twice is a no-op even past the inbox', async () => {
    const o = orderMoves(w.sut);
    await o.place();
    const app = createOrderApp(w.sut.service.ctx);
    const now = w.sut.now().toISOString();
    const actor = systemActor('test');
    const eventId = randomUUID();
    const record = () =>
      app.observe(
        {
          type: 'RecordUpstreamEvent',
          data: {
            orderId: o.orderId,
            source: 'escrow',
            type: 'PaymentFailed',
            ceType: PaymentFailed.ceType!,
            eventId,
            occurredAt: now,
            correlationId: eventId,
            causationId: null,
            data: { orderId: o.orderId },
          },
          meta: { now, actor },
        },
        { metadata: { correlationId: eventId, causationId: eventId, actor, now } },
      );
    expect((await record()).events).toHaveLength(1);
    expect((await record()).events).toHaveLength(0);
    const { items } = await app.timeline(o.orderId);
    expect(items.filter((i) => i.eventId === eventId)).toHaveLength(1);
  });
});
