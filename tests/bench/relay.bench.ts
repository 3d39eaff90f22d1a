/**
 * Outbox relay throughput: events/s from the Postgres log to Kafka topics (gap-safe readAll page →
 * one sendBatch with acks=-1 → checkpoint, repeated until the log is drained).
 *
 *   node --require ./tools/swc-register.js tests/bench/relay.bench.ts
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a scratch schema is created
 * and dropped), KAFKA_BROKERS (else the dev broker is started as a child process, so broker and
 * relay do not share an event loop; BENCH_BROKER=mock uses librdkafka's mock cluster via kcat),
 * BENCH_EVENTS (default 50000 public events, plus 25% private ones the relay must skip),
 * BENCH_BATCH (default 1000), BENCH_TRACING=console (tracing on, docs/tracing.md: the events are
 * appended in a span, so each carries a traceparent, and the relay publishes each in a producer span
 * exported as a JSON line to /dev/null). Prints the figure, then `N passed, N failed` against
 * ≥ 10,000 events/s.
 */
import { randomBytes } from 'node:crypto';
import { EventRegistry, type TopicName, defineEvent } from '@bp/contracts';
import { createEventStore } from '@bp/eventstore';
import { createRelay, kafkaFromEnv } from '@bp/messaging';
import { setupTracing } from '@bp/tracing';
import { context, trace } from '@opentelemetry/api';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import pino from 'pino';
import { z } from 'zod';
import { startMockCluster } from '../../libs/messaging/test/support/mock-cluster';
import { startDevBrokerProcess } from './support/dev-broker-process';
import { benchMeta, placedEvent } from './support/sample-events';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);
const TARGET = 10_000;
const PER_APPEND = 50; // events per appendToStream while filling (filling is not measured)

const tag = randomBytes(3).toString('hex');
const topic = `bench-orders-${tag}` as TopicName;
const Money = z.object({ amount: z.number().int(), currency: z.string() });
const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  schema: z.object({
    orderId: z.string(),
    buyerId: z.string(),
    sellerId: z.string(),
    total: Money,
    items: z.array(z.object({ sku: z.string(), title: z.string(), quantity: z.number().int(), unitPrice: Money })),
    placedAt: z.string(),
  }),
  topic,
  ceType: 'marketplace.order.placed.v1',
  key: (d) => d.orderId,
});
const Private = defineEvent({ type: 'ShippingAddressRecorded', version: 1, schema: z.object({ orderId: z.string(), line: z.string() }) });
const registry = new EventRegistry([OrderPlaced, Private]);

const meta = benchMeta;
const placed = placedEvent;

const startBroker = async () => {
  if (process.env.KAFKA_BROKERS) return { name: 'KAFKA_BROKERS', brokers: process.env.KAFKA_BROKERS.split(','), stop: async () => {} };
  if (process.env.BENCH_BROKER === 'mock') return { name: 'librdkafka mock cluster (kcat)', ...(await startMockCluster()) };
  return startDevBrokerProcess();
};

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const main = async () => {
  const schema = `bench_relay_${tag}`;
  const pool = new Pool({ connectionString: DATABASE_URL, max: 8 });
  await pool.query(`CREATE SCHEMA ${schema}`);
  const broker = await startBroker();
  const logger = pino({ level: 'silent' });
  // The client a service gets (kafkaFromEnv: TCP_NODELAY, logs into pino).
  const kafka = kafkaFromEnv({ clientId: 'bench-relay', logger, env: { KAFKA_BROKERS: broker.brokers.join(',') } });
  try {
    // The store validates on append and upcasts + validates on read, as a service's store does.
    const store = createEventStore({ pool, schema, registry });
    await store.migrate();
    const tracing = setupTracing({
      service: 'order',
      exporter: process.env.BENCH_TRACING === 'console' ? 'console' : 'none',
      logger: pino({ level: 'info' }, pino.destination('/dev/null')),
    });
    const relay = createRelay({ store, registry, kafka, service: 'order', batchSize: BATCH, logger, ...(tracing.tracer ? { tracer: tracing.tracer } : {}) });
    // Tracing on: the appends run in a span, as a request's command would, so every event carries a traceparent.
    const request = tracing.tracer?.startSpan('POST /orders');
    const inRequest = <T>(fn: () => Promise<T>) => (request ? context.with(trace.setSpan(context.active(), request), fn) : fn());

    // Warm-up (connections, topic auto-creation, plans), not measured.
    await store.appendToStream(pool, 'warm', 0, [placed(-1)], meta);
    while ((await relay.drain()) < 1);

    // Fill: EVENTS public events, one private per 4 public, in appends of PER_APPEND per stream.
    let next = 0;
    const streams = Math.ceil(EVENTS / PER_APPEND);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let s = next++; s < streams; s = next++) {
          const events: { type: string; data: unknown }[] = [];
          for (let k = 0; k < PER_APPEND && s * PER_APPEND + k < EVENTS; k++) {
            const i = s * PER_APPEND + k;
            events.push(placed(i));
            if (i % 4 === 0) events.push({ type: 'ShippingAddressRecorded', data: { orderId: `order-${i}`, line: 'somewhere' } });
          }
          await inRequest(() => store.appendToStream(pool, `order-${s}`, 0, events, meta));
        }
      }),
    );

    // Steady state: autovacuum analyzes a growing log. Without statistics the planner scans the
    // whole remaining log for every filtered readAll page (bitmap scan + top-N sort), ~4x slower.
    await pool.query(`ANALYZE ${schema}.events`);

    const started = process.hrtime.bigint();
    let published = 0;
    // drain() stops at the visible horizon: loop in case another transaction on the server held it.
    while (published < EVENTS) published += await relay.drain();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = published / seconds;
    await relay.stop();
    request?.end();
    await tracing.shutdown();

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    // high, not high - low: librdkafka's mock caps each partition's retained log and moves low up.
    const onTopic = offsets.reduce((n, p) => n + Number(p.high), 0);

    console.log(
      `relay bench: ${EVENTS} public + ${Math.ceil(EVENTS / 4)} private events, batch ${BATCH}, broker: ${broker.name}, tracing: ${tracing.tracer ? 'on (console exporter)' : 'off'}`,
    );
    console.log(`published ${published} in ${seconds.toFixed(2)} s; on topic: ${onTopic} (incl. 1 warm-up)`);
    const ok = rate >= TARGET && onTopic === EVENTS + 1;
    console.log(`relay log→topic events/s: ${fmt(rate)} (target ≥ ${fmt(TARGET)})${ok ? '  ok' : '  BELOW TARGET or count mismatch'}`);
    console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {});
    await pool.end();
    await broker.stop();
  }
};

main().catch((e: unknown) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
