import { context as contexts, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { contextFromHeaders } from '@bp/tracing';
import { traceCarrierOfHeaders } from './cloudevents';
import type { MessageHeaders } from './port';
import { EventAttributes, MessagingAttributes } from './span-attributes';

export interface ProcessedMessage {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  headers: MessageHeaders | undefined;
  eventId?: string;
  ceType?: string;
}

/** What the runner did with the message: `abandoned` when stopping or rebalancing cut it short. */
export type ProcessResult = { outcome: string; error?: string } | 'abandoned';

/**
 * Runs `fn` (inbox + handler, or the dead letter) inside the consumer's span for one message. The
 * span continues the message's `ce_traceparent` (the publisher's span is its parent), and stays
 * active while the handler runs, so the events its command appends carry the same trace on.
 */
export const inProcessSpan = async <T extends ProcessResult>(tracer: Tracer, m: ProcessedMessage, fn: () => Promise<T>): Promise<T> => {
  const parent = contextFromHeaders(traceCarrierOfHeaders(m.headers));
  const span = tracer.startSpan(
    `process ${m.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        [MessagingAttributes.system]: 'kafka',
        [MessagingAttributes.destination]: m.topic,
        [MessagingAttributes.partition]: String(m.partition),
        [MessagingAttributes.kafkaOffset]: Number(m.offset),
        [MessagingAttributes.consumerGroup]: m.groupId,
        [MessagingAttributes.operationName]: 'process',
        [MessagingAttributes.operationType]: 'process',
        ...(m.eventId ? { [MessagingAttributes.messageId]: m.eventId } : {}),
        ...(m.ceType ? { [EventAttributes.ceType]: m.ceType } : {}),
      },
    },
    parent,
  );
  try {
    const result = await contexts.with(trace.setSpan(parent, span), fn);
    span.setAttribute(EventAttributes.outcome, result === 'abandoned' ? result : result.outcome);
    if (result !== 'abandoned' && result.outcome === 'dead-lettered') span.setStatus({ code: SpanStatusCode.ERROR, message: result.error ?? 'dead-lettered' });
    return result;
  } catch (e) {
    span.recordException(e instanceof Error ? e : String(e));
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'processing failed; the batch is delivered again' });
    throw e;
  } finally {
    span.end();
  }
};
