import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** The one call the exporter makes: a pino logger fits. */
export interface SpanLogger {
  info(obj: object, msg: string): void;
}

/** One JSON line per span: what a log pipeline needs to rebuild the trace. */
export const spanLogLine = (s: ReadableSpan) => ({
  trace_id: s.spanContext().traceId,
  span_id: s.spanContext().spanId,
  ...(s.parentSpanContext ? { parent_span_id: s.parentSpanContext.spanId } : {}),
  span: {
    name: s.name,
    kind: SpanKind[s.kind],
    start: new Date(hrTimeToMilliseconds(s.startTime)).toISOString(),
    durationMs: Math.round(hrTimeToMilliseconds(s.duration) * 1000) / 1000,
    ...(s.status.code === SpanStatusCode.ERROR ? { error: s.status.message ?? true } : {}),
    attributes: s.attributes,
    ...(s.links.length > 0 ? { links: s.links.map((l) => ({ trace_id: l.context.traceId, span_id: l.context.spanId })) } : {}),
  },
});

/**
 * `OTEL_TRACES_EXPORTER=console`: finished spans as JSON lines on the service's own log (stdout),
 * beside its other lines, instead of the SDK's multi-line console dump. Only attributes this code
 * sets are written, and none holds personal data.
 */
export const logSpanExporter = (logger: SpanLogger): SpanExporter => ({
  export: (spans, done) => {
    for (const s of spans) logger.info(spanLogLine(s), 'span');
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: async () => {},
});
