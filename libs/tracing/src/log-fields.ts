import { context as contexts, isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * `trace_id` and `span_id` of the span active where a line is logged (a pino `mixin`), so log lines
 * and spans join; nothing when no span is active or tracing is off. A fresh object each call: pino
 * merges the line's own fields into it.
 */
export const traceLogFields = (): { trace_id?: string; span_id?: string } => {
  const sc = trace.getSpanContext(contexts.active());
  return sc && isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
};
