import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { recordSpansInMemory, setupTracing, traceCarrierOf } from '@bp/tracing';
import type { ServiceApp } from '../src';
import { bearer, captureLogger, testApp } from './helpers';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('HTTP server spans', () => {
  const log = captureLogger();
  const recorder = recordSpansInMemory();
  const tracing = setupTracing({ service: 'order', exporter: 'none', logger: { info: () => {} } });
  let app: ServiceApp;

  beforeAll(async () => {
    app = await testApp({ tracer: tracing.tracer!, logger: log.logger });
    app.post('/orders/:orderId/shipments', { config: { roles: ['seller'] } }, async (req) => {
      await new Promise((r) => setTimeout(r, 1)); // the span stays active across awaits
      req.log.info('shipping');
      return { active: trace.getSpan(context.active())?.spanContext().spanId, carrier: traceCarrierOf() };
    });
    app.post('/explode', { config: { roles: ['seller'] } }, async () => {
      throw new Error('kaboom');
    });
    await app.ready();
  });
  afterEach(() => recorder.reset());
  afterAll(async () => {
    await app.close();
    await tracing.shutdown();
  });

  it("continues the caller's traceparent; the handler runs in the span, which names the route template, not the ids", async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/orders/o-1/shipments?x=1',
      headers: { ...bearer('seller'), traceparent: `00-${TRACE}-${CLIENT_SPAN}-01`, 'x-correlation-id': 'c-1' },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
    const [span] = recorder.getFinishedSpans();
    expect([span!.kind, span!.name, span!.spanContext().traceId, span!.parentSpanContext?.spanId]).toEqual([
      SpanKind.SERVER,
      'POST /orders/:orderId/shipments',
      TRACE,
      CLIENT_SPAN,
    ]);
    expect(span!.attributes).toEqual({
      'http.request.method': 'POST',
      'url.path': '/orders/o-1/shipments',
      'http.route': '/orders/:orderId/shipments',
      'bp.correlation_id': 'c-1',
      'http.response.status_code': 200,
    });
    // What the command's events will carry in their metadata: this span, in the caller's trace.
    expect(res.json()).toEqual({ active: span!.spanContext().spanId, carrier: { traceparent: `00-${TRACE}-${span!.spanContext().spanId}-01` } });
    const line = log.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'shipping');
    expect(line).toMatchObject({ trace_id: TRACE, span_id: span!.spanContext().spanId });
  });

  it('without a traceparent a request starts a trace of its own', async () => {
    await app.inject({ method: 'POST', url: '/orders/o-1/shipments', headers: bearer('seller'), payload: {} });
    const [span] = recorder.getFinishedSpans();
    expect(span!.parentSpanContext).toBeUndefined();
    expect(span!.spanContext().traceId).not.toBe(TRACE);
  });

  it("a 5xx is an error span; a refusal (4xx) is the caller's and not", async () => {
    await app.inject({ method: 'POST', url: '/explode', headers: bearer('seller'), payload: {} });
    await app.inject({ method: 'POST', url: '/explode', payload: {} });
    expect(recorder.getFinishedSpans().map((s) => [s.attributes['http.response.status_code'], s.status.code])).toEqual([
      [500, SpanStatusCode.ERROR],
      [401, SpanStatusCode.UNSET],
    ]);
  });

  it('probes, scrapes and API documents are not traced', async () => {
    for (const url of ['/health/live', '/health/ready', '/metrics', '/docs/json']) await app.inject({ url });
    expect(recorder.getFinishedSpans()).toEqual([]);
  });

  it('tracing off (no tracer): no span and no trace ids in the log', async () => {
    const off = captureLogger();
    const plain = await testApp({ logger: off.logger });
    plain.post('/x', { config: { roles: ['seller'] } }, async (req) => {
      req.log.info('plain');
      return { carrier: traceCarrierOf() ?? null };
    });
    const res = await plain.inject({ method: 'POST', url: '/x', headers: { ...bearer('seller'), traceparent: `00-${TRACE}-${CLIENT_SPAN}-01` }, payload: {} });
    await plain.close();
    expect(res.json()).toEqual({ carrier: null });
    expect(recorder.getFinishedSpans()).toEqual([]);
    expect(off.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'plain')).not.toHaveProperty('trace_id');
  });
});
