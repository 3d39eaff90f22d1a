import { type EventStore } from '@bp/eventstore';
import {
  type ConsumerRunner,
  type Handlers,
  type OutcomeReport,
  type Relay,
  type RelayOptions,
  createConsumerRunner,
  createRelay,
  ensureTopics,
  kafkajsClient,
  on,
} from '@bp/messaging';
import { testDatabase, type TestDatabase } from '@bp/testing';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { fastConsumer, meta, migratedStore, silentLogger, testEvents, testKafkaClient, until } from './fixtures';

export interface Effect {
  event_id: string;
  order_id: string;
  seq: number;
}

/**
 * One scenario's world: a producing service (its log, a relay) and a consuming service (its inbox,
 * an `effects` table written by the handler, a consumer runner), on fresh schemas and topics.
 */
export const scenario = async (brokers: string[], o: { createsTopics?: boolean } = {}) => {
  const ev = testEvents();
  const producerDb: TestDatabase = await testDatabase('msg_p');
  const consumerDb: TestDatabase = await testDatabase('msg_c');
  const store: EventStore = await migratedStore(producerDb.pool, producerDb.schema, ev.registry);
  await migratedStore(consumerDb.pool, consumerDb.schema); // the inbox table
  const cs = consumerDb.schema;
  // No unique constraint on purpose: a duplicate effect must show up as a second row.
  await consumerDb.pool.query(`CREATE TABLE ${cs}.effects (id bigserial PRIMARY KEY, event_id uuid NOT NULL, order_id text NOT NULL, seq int NOT NULL)`);

  // The test's own kafkajs client (collect, raw sends) and the port on it (relay, consumer runner).
  const kafka: Kafka = testKafkaClient(brokers);
  const client = kafkajsClient(kafka);
  const relays: Relay[] = [];
  const runners: ConsumerRunner[] = [];
  const outcomes: OutcomeReport[] = [];
  const closers: (() => Promise<void>)[] = [];

  const insertEffect: Handlers = on(ev.OrderThing, async (tx, e) => {
    await tx.query(`INSERT INTO ${cs}.effects (event_id, order_id, seq) VALUES ($1, $2, $3)`, [e.id, e.data.orderId, e.data.seq]);
  });

  const relay = (over: Partial<RelayOptions> = {}) => {
    const r = createRelay({ store, registry: ev.registry, kafka: client, service: 'order', logger: silentLogger, batchSize: 100, pollIntervalMs: 50, ...over });
    relays.push(r);
    return r;
  };

  const consumer = async (over: Partial<Parameters<typeof createConsumerRunner>[0]> = {}) => {
    const r = createConsumerRunner({
      kafka: client,
      groupId: ev.groupId,
      topics: [ev.topics.orders],
      registry: ev.registry,
      pool: consumerDb.pool,
      schema: cs,
      handlers: insertEffect,
      logger: silentLogger,
      retry: { attempts: 4, backoffMs: 20 },
      consumer: fastConsumer,
      onOutcome: (r) => outcomes.push(r),
      provisionTopics: o.createsTopics !== false,
      ...over,
    });
    runners.push(r);
    await r.start();
    return r;
  };

  const append = (streamId: string, data: { orderId: string; seq: number }, db: Parameters<EventStore['appendToStream']>[0] = producerDb.pool, expected = 0) =>
    store.appendToStream(db, streamId, expected, [{ type: 'OrderThing', data: { ...data, note: 'n' } }], meta());

  const effects = async (): Promise<Effect[]> => (await consumerDb.pool.query<Effect>(`SELECT event_id, order_id, seq FROM ${cs}.effects ORDER BY id`)).rows;

  /** Drains until `n` events went out: other tests' open transactions may briefly hold back xmin. */
  const drainUntil = async (r: Relay, n: number) => {
    let total = 0;
    await until(`relay to publish ${n}`, async () => (total += await r.drain()) >= n);
    return total;
  };

  /** Everything on `topic` from the beginning, through a throwaway group. */
  const collect = async (topic: string) => {
    const seen: KafkaMessage[] = [];
    const c = kafka.consumer({ groupId: `${ev.groupId}-collect-${topic}`, ...fastConsumer });
    closers.push(() => c.disconnect());
    if (o.createsTopics !== false) await ensureTopics(client, [topic]);
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ eachMessage: async ({ message }) => void seen.push(message) });
    return seen;
  };

  const close = async () => {
    await Promise.all([...relays.map((r) => r.stop()), ...runners.map((r) => r.stop()), ...closers.map((c) => c())]);
    await Promise.all([producerDb.close(), consumerDb.close()]);
  };

  return { ev, kafka, store, producerDb, consumerDb, relay, consumer, append, effects, outcomes, drainUntil, collect, close };
};
export type Scenario = Awaited<ReturnType<typeof scenario>>;
