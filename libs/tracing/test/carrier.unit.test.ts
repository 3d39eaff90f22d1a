import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { contextFromHeaders, traceCarrierOf } from '@bp/tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const traceparent = `00-${TRACE}-${SPAN}-01`;

describe('W3C trace context carriers', () => {
  it('reads a traceparent (and tracestate) as the remote parent, and writes the same text back', () => {
    const ctx = contextFromHeaders({ traceparent, tracestate: 'vendor=a1' });
    expect(trace.getSpanContext(ctx)).toMatchObject({ traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(traceCarrierOf(ctx)).toEqual({ traceparent, tracestate: 'vendor=a1' });
  });

  it('reads HTTP request headers as they arrive (lower-case names, repeated tracestate joined)', () => {
    const ctx = contextFromHeaders({ traceparent, tracestate: ['a=1', 'b=2'], 'content-type': 'application/json' });
    expect(traceCarrierOf(ctx)).toEqual({ traceparent, tracestate: 'a=1,b=2' });
  });

  it('leaves out tracestate when there is none', () => {
    expect(traceCarrierOf(contextFromHeaders({ traceparent }))).toEqual({ traceparent });
  });

  it.each([
    ['absent', undefined],
    ['empty', { traceparent: '' }],
    ['malformed', { traceparent: '00-xyz-abc-01' }],
    ['the all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` }],
  ])('traceparent %s: no parent, a new trace starts and nothing fails', (_, headers) => {
    const ctx = contextFromHeaders(headers);
    expect(ctx).toBe(ROOT_CONTEXT);
    expect(traceCarrierOf(ctx)).toBeUndefined();
  });

  it('nothing to carry where no span is active (tracing off)', () => {
    expect(traceCarrierOf()).toBeUndefined();
  });
});
