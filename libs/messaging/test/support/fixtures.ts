import { randomBytes, randomUUID } from 'node:crypto';
import { type EventEnvelope, EventRegistry, type TopicName, defineEvent, systemActor } from '@bp/contracts';
import { createEventStore, type EventStore } from '@bp/eventstore';
import { Kafka, logLevel } from 'kafkajs';
import type { Pool } from 'pg';
import pino from 'pino';
import { z } from 'zod';

export const silentLogger = pino({ level: 'silent' });

/**
 * Test events on topics unique to the calling test file, so test files sharing one broker never
 * see each other's messages. v2 of OrderThing has an upcaster: consumers must upcast v1.
 */
export const testEvents = () => {
  const tag = randomBytes(3).toString('hex');
  const orders = `t-orders-${tag}` as TopicName;
  const buyers = `t-buyers-${tag}` as TopicName;
  const OrderThing = defineEvent({
    type: 'OrderThing',
    version: 2,
    schema: z.object({ orderId: z.string(), seq: z.number().int(), note: z.string() }),
    upcasters: [(d: { orderId: string; seq: number }) => ({ ...d, note: 'upcast from v1' })],
    topic: orders,
    ceType: 'test.order.thing.v1',
    key: (d) => d.orderId,
  });
  const BuyerThing = defineEvent({
    type: 'BuyerThing',
    version: 1,
    schema: z.object({ buyerId: z.string(), orderId: z.string() }),
    topic: buyers,
    ceType: 'test.buyer.thing.v1',
    key: (d) => d.buyerId,
  });
  /** Private: stays in the log, never published. */
  const PrivateThing = defineEvent({ type: 'PrivateThing', version: 1, schema: z.object({ orderId: z.string() }) });
  const registry = new EventRegistry([OrderThing, BuyerThing, PrivateThing]);
  return { tag, topics: { orders, buyers }, OrderThing, BuyerThing, PrivateThing, registry, groupId: `t-group-${tag}` };
};

export const envelope = <T>(type: string, data: T, over: Partial<EventEnvelope> = {}): EventEnvelope<T> => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  streamId: 'order-1',
  streamVersion: 1,
  occurredAt: '2030-01-02T03:04:05.678Z',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: systemActor('test'),
  ...over,
  data,
});

export const meta = (now = '2030-01-02T03:04:05.678Z') => ({
  now,
  correlationId: randomUUID(),
  causationId: null,
  actor: systemActor('test'),
});

export const testKafkaClient = (brokers: string[], clientId = 'messaging-test') =>
  new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING, retry: { initialRetryTime: 50, retries: 8 } });

/** Consumer settings that keep tests fast on a 2-core machine. */
export const fastConsumer = { sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 6000, maxWaitTimeInMs: 100 };

export const migratedStore = async (pool: Pool, schema: string, registry?: EventRegistry): Promise<EventStore> => {
  const store = createEventStore({ pool, schema, ...(registry ? { registry } : {}) });
  await store.migrate();
  return store;
};

/** Polls `check` until it returns true, or fails with `what` after the deadline. */
export const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000, explain?: () => unknown): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${explain ? `: ${JSON.stringify(explain())}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};
