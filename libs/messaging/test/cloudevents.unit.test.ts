import { CeHeaders, InvalidMessageError, parseKafkaMessage, toKafkaMessage } from '@bp/messaging';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { envelope, testEvents } from './support/fixtures';

const { registry, OrderThing, BuyerThing, PrivateThing, topics } = testEvents();

/** What a consumer receives for a produced message: headers come back as Buffers. */
const received = (m: { key?: unknown; value: unknown; headers?: IHeaders }, offset = '7'): KafkaMessage =>
  ({
    key: m.key == null ? null : Buffer.from(String(m.key)),
    value: m.value == null ? null : Buffer.from(String(m.value)),
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
    offset,
    timestamp: '0',
    attributes: 0,
  }) as unknown as KafkaMessage;

describe('CloudEvents binary mode mapping (API.md "Kafka topics")', () => {
  const e = envelope('OrderThing', { orderId: 'order-42', seq: 1, note: 'n' }, { schemaVersion: 2 });

  it('maps an envelope to topic, key, JSON body and exactly the ce_* headers', () => {
    const { topic, message } = toKafkaMessage(e, OrderThing, 'order');
    expect(topic).toBe(topics.orders);
    expect(message.key).toBe('order-42');
    expect(JSON.parse(String(message.value))).toEqual(e.data);
    expect(message.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: e.id,
      ce_type: 'test.order.thing.v1',
      ce_source: '/services/order',
      ce_time: '2030-01-02T03:04:05.678Z',
      ce_subject: 'order-42',
      ce_schemaversion: '2',
      'content-type': 'application/json',
      correlation_id: 'corr-1',
      causation_id: 'cause-1',
    });
  });

  it('keys buyers-topic events by buyer id (key = subject)', () => {
    const { topic, message } = toKafkaMessage(envelope('BuyerThing', { buyerId: 'buyer-7', orderId: 'o-1' }), BuyerThing, 'order');
    expect(topic).toBe(topics.buyers);
    expect(message.key).toBe('buyer-7');
    expect(message.headers?.ce_subject).toBe('buyer-7');
  });

  it('omits causation_id when there is none (no empty-string ids)', () => {
    const { message } = toKafkaMessage({ ...e, causationId: null }, OrderThing, 'order');
    expect(message.headers).not.toHaveProperty('causation_id');
    const parsed = parseKafkaMessage(registry, topics.orders, 0, received(message));
    expect(parsed.kind === 'event' && parsed.event.causationId).toBeNull();
  });

  it('refuses to map a private event', () => {
    expect(() => toKafkaMessage(envelope('PrivateThing', { orderId: 'o' }), PrivateThing, 'order')).toThrow(/not a public event/);
  });

  it('round-trips: parse gives the domain type, typed data and every attribute', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order');
    expect(parseKafkaMessage(registry, topics.orders, 3, received(message, '12'))).toEqual({
      kind: 'event',
      event: {
        id: e.id,
        ceType: 'test.order.thing.v1',
        type: 'OrderThing',
        data: { orderId: 'order-42', seq: 1, note: 'n' },
        subject: 'order-42',
        time: '2030-01-02T03:04:05.678Z',
        source: '/services/order',
        correlationId: 'corr-1',
        causationId: 'cause-1',
        topic: topics.orders,
        partition: 3,
        offset: '12',
      },
    });
  });

  it('upcasts an old schema version through the registry', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order');
    const old = received({ ...message, value: JSON.stringify({ orderId: 'order-42', seq: 1 }), headers: { ...message.headers, ce_schemaversion: '1' } });
    const parsed = parseKafkaMessage(registry, topics.orders, 0, old);
    expect(parsed.kind === 'event' && parsed.event.data).toEqual({ orderId: 'order-42', seq: 1, note: 'upcast from v1' });
  });

  it('reports an unknown ce_type as unknown (skipped, not dead-lettered)', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order');
    const other = received({ ...message, headers: { ...message.headers, ce_type: 'someone.else.v1' } });
    expect(parseKafkaMessage(registry, topics.orders, 0, other)).toEqual({ kind: 'unknown', ceType: 'someone.else.v1' });
  });

  describe('rejects what can never be processed', () => {
    const { message } = toKafkaMessage(e, OrderThing, 'order');
    const cases: [string, Parameters<typeof received>[0], RegExp][] = [
      ['no ce_type', { ...message, headers: { ...message.headers, ce_type: undefined } as IHeaders }, /missing ce_type/],
      ['body not JSON', { ...message, value: '{oops' }, /not JSON/],
      ['data invalid', { ...message, value: JSON.stringify({ orderId: 1 }) }, /invalid OrderThing v2/],
      ['empty body', { ...message, value: null }, /empty body/],
      ['id not a uuid', { ...message, headers: { ...message.headers, ce_id: 'nope' } }, /not a uuid/],
      ['wrong specversion', { ...message, headers: { ...message.headers, ce_specversion: '0.3' } }, /ce_specversion/],
      ['future schema version', { ...message, headers: { ...message.headers, ce_schemaversion: '3' } }, /unsupported version 3/],
      ['bad schema version', { ...message, headers: { ...message.headers, ce_schemaversion: 'x' } }, /ce_schemaversion/],
      ['not JSON content', { ...message, headers: { ...message.headers, 'content-type': 'text/plain' } }, /content-type/],
    ];
    it.each(cases)('%s', (_name, m, error) => {
      const headers = Object.fromEntries(Object.entries(m.headers ?? {}).filter(([, v]) => v !== undefined));
      const fn = () => parseKafkaMessage(registry, topics.orders, 0, received({ ...m, headers }));
      expect(fn).toThrow(InvalidMessageError);
      expect(fn).toThrow(error);
    });
  });

  it('header names are the public ones', () => {
    expect(Object.values(CeHeaders).sort()).toEqual([
      'causation_id',
      'ce_id',
      'ce_schemaversion',
      'ce_source',
      'ce_specversion',
      'ce_subject',
      'ce_time',
      'ce_traceparent',
      'ce_tracestate',
      'ce_type',
      'content-type',
      'correlation_id',
    ]);
  });
});
