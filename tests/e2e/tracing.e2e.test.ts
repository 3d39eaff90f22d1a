import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { ServiceName } from '@bp/runtime';
import { recordSpansInMemory } from '@bp/tracing';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { useSystem } from './support/system';

// Issue 19 item 6: ONE trace spans a place-pay-ship-confirm lifecycle across the four services. The
// storefront traces its checkout journey and sends the same W3C traceparent (its journey span) on
// each of its four calls, so every call continues its trace (docs/tracing.md); each Kafka hop
// continues the trace of the command whose event it carries (ce_traceparent), and the next
// service's command runs under it. Spans are recorded in memory: tracing is on for every service
// started after recordSpansInMemory(), so it is called before useSystem's beforeAll.
const recorder = recordSpansInMemory();

describe('distributed tracing (issue 19 item 6)', () => {
  const sys = useSystem();

  const serviceOf = (s: ReadableSpan) => String(s.resource.attributes[ATTR_SERVICE_NAME]);
  const describeSpan = (s: ReadableSpan) => `${serviceOf(s)} ${SpanKind[s.kind]} ${s.name}`;

  /** The storefront's call: its own HTTP, with its journey's traceparent (not the e2e support client). */
  const storefront = (traceparent: string) => async (service: ServiceName, role: 'buyer' | 'seller', sub: string, path: string, body: unknown) => {
    const res = await fetch(`${sys.urls[service]}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${sys.as(role, sub).token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID(), traceparent },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };

  it('place, pay, ship, confirm: the storefront trace runs through order, escrow, dispute and notification, over every Kafka hop', async () => {
    const traceId = randomBytes(16).toString('hex');
    const journeySpan = randomBytes(8).toString('hex');
    const call = storefront(`00-${traceId}-${journeySpan}-01`);
    const tag = randomUUID().slice(0, 8);
    const buyer = `buyer-${tag}`;
    const seller = `seller-${tag}`;

    const { orderId } = (await call('order', 'buyer', buyer, '/orders', {
      sellerId: seller,
      currency: 'USD',
      items: [{ sku: 'SKU-1', title: 'Teapot', quantity: 1, unitPrice: 5000 }],
      shippingAddress: { name: 'Ada Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
    })) as { orderId: string };
    await call('escrow', 'buyer', buyer, '/payments', { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } }); // O3
    await sys.settle(); // the order learns of the capture over Kafka before the seller may ship
    await call('order', 'seller', seller, `/orders/${orderId}/shipments`, { carrier: 'UPS', trackingNumber: '1Z999' }); // O5
    await call('order', 'buyer', buyer, `/orders/${orderId}/confirm-receipt`, {}); // O6
    await sys.settle(); // every event published and consumed: their spans have ended

    const all = recorder.getFinishedSpans();
    const spans = all.filter((s) => s.spanContext().traceId === traceId);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));

    // Every service took part in the one trace.
    expect([...new Set(spans.map(serviceOf))].sort()).toEqual(['dispute', 'escrow', 'notification', 'order']);

    // The four storefront calls continue the journey span.
    expect(spans.filter((s) => s.kind === SpanKind.SERVER).map((s) => [describeSpan(s), s.parentSpanContext?.spanId])).toEqual([
      ['order SERVER POST /orders', journeySpan],
      ['escrow SERVER POST /payments', journeySpan],
      ['order SERVER POST /orders/:orderId/shipments', journeySpan],
      ['order SERVER POST /orders/:orderId/confirm-receipt', journeySpan],
    ]);

    // Every Kafka hop continues it: each consumer span's parent is a publish span of this trace,
    // and each publish span's parent is a span of this trace (the request or the consumer whose
    // command appended the event). Nothing the four calls caused went into another trace.
    const consumers = spans.filter((s) => s.kind === SpanKind.CONSUMER);
    expect(consumers.length).toBeGreaterThanOrEqual(10);
    for (const c of consumers) expect([describeSpan(c), byId.get(c.parentSpanContext!.spanId)?.kind]).toEqual([describeSpan(c), SpanKind.PRODUCER]);
    for (const p of spans.filter((s) => s.kind === SpanKind.PRODUCER))
      expect([describeSpan(p), byId.has(p.parentSpanContext!.spanId)]).toEqual([describeSpan(p), true]);
    expect(all.filter((s) => s.kind !== SpanKind.SERVER && s.spanContext().traceId !== traceId).map(describeSpan)).toEqual([]);

    // Two hops end to end: confirm (order) → OrderCompleted → escrow releases (E3) → FundsReleased → notification.
    const notified = consumers.find(
      (s) => serviceOf(s) === 'notification' && s.attributes['cloudevents.event_type'] === 'marketplace.escrow.funds-released.v1',
    );
    const chain: string[] = [];
    for (let s = notified; s; s = s.parentSpanContext && byId.get(s.parentSpanContext.spanId)) chain.push(describeSpan(s));
    expect(chain).toEqual([
      'notification CONSUMER process escrow.v1',
      'escrow PRODUCER publish escrow.v1',
      'escrow CONSUMER process orders.v1',
      'order PRODUCER publish orders.v1',
      'order SERVER POST /orders/:orderId/confirm-receipt',
    ]);

    // The events themselves carry the trace on (their metadata), in every service that logged one about the order.
    const carried: Record<string, string[]> = {};
    for (const [service, schema] of Object.entries(sys.schemas)) {
      const { rows } = await sys.db.pool.query<{ tp: string | null }>(
        `SELECT metadata->>'traceparent' AS tp FROM ${schema}.events WHERE data->>'orderId' = $1`,
        [orderId],
      );
      carried[service] = [...new Set(rows.map((r) => r.tp?.split('-')[1] ?? 'none'))];
    }
    expect(carried).toEqual({ order: [traceId], escrow: [traceId], dispute: [traceId], notification: [traceId] });
  }, 120_000);
});
