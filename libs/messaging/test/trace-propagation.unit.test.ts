import { context, SpanKind, trace } from '@opentelemetry/api';
import type { StoredEvent } from '@bp/eventstore';
import { CeHeaders, createConsumerRunner, on, parseKafkaMessage, startPublishSpan, toKafkaMessage } from '@bp/messaging';
import { recordSpansInMemory, setupTracing } from '@bp/tracing';
import type { Pool } from 'pg';
import { fakeKafka as fakeBroker, received } from './support/fake-kafka';
import { envelope, silentLogger, testEvents } from './support/fixtures';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PUBLISH_SPAN = '00f067aa0ba902b7';
const traceparent = `00-${TRACE}-${PUBLISH_SPAN}-01`;

const { registry, topics, OrderThing } = testEvents();
const recorder = recordSpansInMemory();
const tracing = setupTracing({ service: 'escrow', exporter: 'none', logger: { info: () => {} } });
const tracer = tracing.tracer!;
afterEach(() => recorder.reset());
afterAll(() => tracing.shutdown());

describe('trace context through Kafka message headers (CloudEvents distributed-tracing extension)', () => {
  const e = envelope('OrderThing', { orderId: 'order-42', seq: 1, note: 'n' }, { schemaVersion: 2 });

  it('toKafkaMessage writes ce_traceparent and ce_tracestate; parseKafkaMessage reads them back', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order', { traceparent, tracestate: 'vendor=1' });
    expect(message.headers).toMatchObject({ [CeHeaders.traceparent]: traceparent, [CeHeaders.tracestate]: 'vendor=1' });
    const parsed = parseKafkaMessage(registry, topics.orders, 0, received(message));
    expect(parsed.kind === 'event' && parsed.event.trace).toEqual({ traceparent, tracestate: 'vendor=1' });
  });

  it('no trace, no header: a message from a publisher that does not trace is as before', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order');
    expect(Object.keys(message.headers ?? {}).filter((h) => h.startsWith('ce_trace'))).toEqual([]);
    const parsed = parseKafkaMessage(registry, topics.orders, 0, received(message));
    expect(parsed.kind === 'event' && 'trace' in parsed.event).toBe(false);
  });

  it('the publish span is a child of the trace in the event metadata, and its context is what the header carries', () => {
    const stored = { ...e, position: { txId: '1', position: '1' }, trace: { traceparent } } as StoredEvent;
    const { span, carrier } = startPublishSpan(tracer, stored, topics.orders, OrderThing.ceType!);
    span.end();
    const [s] = recorder.getFinishedSpans();
    expect([s!.kind, s!.name, s!.spanContext().traceId, s!.parentSpanContext?.spanId]).toEqual([
      SpanKind.PRODUCER,
      `publish ${topics.orders}`,
      TRACE,
      PUBLISH_SPAN,
    ]);
    expect(carrier).toEqual({ traceparent: `00-${TRACE}-${s!.spanContext().spanId}-01` });
    expect(s!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topics.orders, 'messaging.message.id': e.id });
  });

  it('an event appended outside any trace (a timer firing) starts a new trace at its publishing', () => {
    const { span, carrier } = startPublishSpan(tracer, { ...e, position: { txId: '1', position: '1' } }, topics.orders, OrderThing.ceType!);
    span.end();
    expect(recorder.getFinishedSpans()[0]!.parentSpanContext).toBeUndefined();
    expect(carrier?.traceparent).toContain(span.spanContext().traceId);
  });
});

describe('the consumer runner continues the trace of each message', () => {
  const fakeKafka = () => fakeBroker(topics.orders);
  // The inbox insert answers "fresh" for every event id: each message is handled once.
  const query = async (sql: string, params?: unknown[][]) => ({
    command: sql.split(' ')[0],
    rows: sql.includes('inbox') ? params![0]!.map((id) => ({ event_id: id })) : [],
  });
  const pool = { connect: async () => ({ query, release: () => {} }) } as unknown as Pool;

  it('the handler runs in a consumer span whose parent is the ce_traceparent span; the span says what happened', async () => {
    const { kafka, deliver } = fakeKafka();
    const seen: (string | undefined)[] = [];
    const runner = createConsumerRunner({
      kafka,
      groupId: 'g',
      topics: [topics.orders],
      registry,
      pool,
      schema: 's',
      logger: silentLogger,
      provisionTopics: false,
      tracer,
      handlers: on(OrderThing, async () => void seen.push(trace.getSpan(context.active())?.spanContext().spanId)),
    });
    await runner.start();
    const e = envelope('OrderThing', { orderId: 'order-42', seq: 1, note: 'n' }, { schemaVersion: 2 });
    await deliver([received(toKafkaMessage(e, OrderThing, 'order', { traceparent }).message, '7')]);
    await runner.stop();

    const [s] = recorder.getFinishedSpans();
    expect([s!.kind, s!.name, s!.spanContext().traceId, s!.parentSpanContext?.spanId]).toEqual([
      SpanKind.CONSUMER,
      `process ${topics.orders}`,
      TRACE,
      PUBLISH_SPAN,
    ]);
    expect(seen).toEqual([s!.spanContext().spanId]);
    expect(s!.attributes).toMatchObject({
      'messaging.consumer.group.name': 'g',
      'messaging.kafka.offset': 7,
      'messaging.message.id': e.id,
      'bp.message.outcome': 'handled',
    });
  });

  it('a message without a trace gets a consumer span of its own trace; an unparseable one is dead-lettered in an error span', async () => {
    const { kafka, deliver } = fakeKafka();
    const runner = createConsumerRunner({
      kafka,
      groupId: 'g',
      topics: [topics.orders],
      registry,
      pool,
      schema: 's',
      logger: silentLogger,
      provisionTopics: false,
      tracer,
      handlers: on(OrderThing, async () => {}),
    });
    await runner.start();
    const plain = toKafkaMessage(envelope('OrderThing', { orderId: 'o', seq: 1, note: 'n' }, { schemaVersion: 2 }), OrderThing, 'order').message;
    const broken = {
      ...received(plain, '2'),
      value: Buffer.from('not json'),
      headers: { ...received(plain).headers, [CeHeaders.traceparent]: Buffer.from(traceparent) },
    };
    await deliver([received(plain, '1'), broken]);
    await runner.stop();

    const [own, dead] = recorder.getFinishedSpans();
    expect(own!.parentSpanContext).toBeUndefined();
    expect([dead!.spanContext().traceId, dead!.status.code, dead!.attributes['bp.message.outcome']]).toEqual([TRACE, 2, 'dead-lettered']);
  });
});
