import { context, SpanKind, trace } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { recordSpansInMemory, setupTracing, spanLogLine, traceCarrierOf, traceLogFields } from '@bp/tracing';

const silent = { info: () => {} };

describe('tracing setup', () => {
  it('is off unless configured: no tracer, no context, nothing in log lines', async () => {
    const off = setupTracing({ service: 'order', exporter: 'none', logger: silent });
    expect(off.tracer).toBeUndefined();
    expect(traceLogFields()).toEqual({});
    await off.shutdown();
  });

  describe('with the in-memory recorder (tests)', () => {
    // In a hook, not at collection time: the test above needs the recorder not to exist yet.
    let recorder: ReturnType<typeof recordSpansInMemory>;
    beforeAll(() => void (recorder = recordSpansInMemory()));
    afterEach(() => recorder.reset());

    it('gives each service its own service.name, and the active span crosses awaits', async () => {
      const order = setupTracing({ service: 'order', exporter: 'none', logger: silent });
      const escrow = setupTracing({ service: 'escrow', exporter: 'none', logger: silent });
      const parent = order.tracer!.startSpan('POST /orders', { kind: SpanKind.SERVER });
      const seen = await context.with(trace.setSpan(context.active(), parent), async () => {
        await new Promise((r) => setTimeout(r, 1));
        const child = escrow.tracer!.startSpan('process orders.v1', { kind: SpanKind.CONSUMER });
        child.end();
        return { carrier: traceCarrierOf(), log: traceLogFields() };
      });
      parent.end();

      const ctx = parent.spanContext();
      expect(seen.carrier?.traceparent).toBe(`00-${ctx.traceId}-${ctx.spanId}-01`);
      expect(seen.log).toEqual({ trace_id: ctx.traceId, span_id: ctx.spanId });
      const spans = recorder.getFinishedSpans();
      expect(spans.map((s) => [s.name, s.resource.attributes[ATTR_SERVICE_NAME], s.spanContext().traceId, s.parentSpanContext?.spanId])).toEqual([
        ['process orders.v1', 'escrow', ctx.traceId, ctx.spanId],
        ['POST /orders', 'order', ctx.traceId, undefined],
      ]);
      // One service stopping leaves the shared recorder working for the others.
      await order.shutdown();
      escrow.tracer!.startSpan('after').end();
      expect(recorder.getFinishedSpans()).toHaveLength(3);
      await escrow.shutdown();
    });

    it('console: one JSON line per span with its ids, timing and attributes', async () => {
      const lines: object[] = [];
      const t = setupTracing({ service: 'order', exporter: 'console', logger: { info: (o) => lines.push(o) } });
      const span = t.tracer!.startSpan('publish orders.v1', { kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': 'orders.v1' } });
      span.end();
      await t.shutdown(); // flushes the batch
      expect(lines).toEqual([spanLogLine(recorder.getFinishedSpans()[0]!)]);
      expect(lines[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
        span: { name: 'publish orders.v1', kind: 'PRODUCER', attributes: { 'messaging.destination.name': 'orders.v1' } },
      });
    });
  });
});
