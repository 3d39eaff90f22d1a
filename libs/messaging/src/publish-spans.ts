import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { StoredEvent } from '@bp/eventstore';
import { contextFromHeaders, type TraceCarrier, traceCarrierOf } from '@bp/tracing';
import { EventAttributes, MessagingAttributes } from './span-attributes';

/**
 * The relay's producer span for one event: a child of the trace the event was appended in (its
 * metadata), or a new trace for an event appended outside any (a timer firing). Its context is what
 * the message carries as `ce_traceparent`, so the consumer's span hangs under this one.
 */
export const startPublishSpan = (tracer: Tracer, event: StoredEvent, topic: string, ceType: string): { span: Span; carrier: TraceCarrier | undefined } => {
  const span = tracer.startSpan(
    `publish ${topic}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MessagingAttributes.system]: 'kafka',
        [MessagingAttributes.destination]: topic,
        [MessagingAttributes.operationName]: 'publish',
        [MessagingAttributes.operationType]: 'send',
        [MessagingAttributes.messageId]: event.id,
        [EventAttributes.ceType]: ceType,
      },
    },
    contextFromHeaders(event.trace),
  );
  return { span, carrier: traceCarrierOf(trace.setSpan(ROOT_CONTEXT, span)) };
};

/** Ends a batch's publish spans once the broker acknowledged it (or refused it: `error`). */
export const endPublishSpans = (spans: readonly Span[], error?: unknown): void => {
  for (const span of spans) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'publish failed' });
    }
    span.end();
  }
};
