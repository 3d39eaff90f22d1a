import { type Context, ROOT_CONTEXT, context as contexts, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context as text: what an event keeps in its metadata and a Kafka message carries as the
 * CloudEvents distributed-tracing extension (`ce_traceparent`, `ce_tracestate`).
 */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string;
}

/** Anything that holds W3C headers by lower-case name: HTTP request headers, a plain object. */
export type TraceHeaders = Readonly<Record<string, string | string[] | undefined>>;

// Used directly rather than through the global propagator: nothing needs registering, and no other
// format (B3, baggage) can leak in through a global someone else set.
const w3c = new W3CTraceContextPropagator();

/** The span context active in `ctx` as a carrier; undefined when there is none (tracing off). */
export const traceCarrierOf = (ctx: Context = contexts.active()): TraceCarrier | undefined => {
  const out: Record<string, string> = {};
  w3c.inject(ctx, out, defaultTextMapSetter);
  if (!out.traceparent) return undefined;
  return out.tracestate ? { traceparent: out.traceparent, tracestate: out.tracestate } : { traceparent: out.traceparent };
};

/**
 * `base` with the remote span context of `headers` as its parent; `base` itself when they hold no
 * valid traceparent (a malformed one starts a new trace rather than failing the request).
 */
export const contextFromHeaders = (headers: TraceHeaders | Partial<TraceCarrier> | null | undefined, base: Context = ROOT_CONTEXT): Context =>
  headers?.traceparent ? w3c.extract(base, headers, defaultTextMapGetter) : base;
