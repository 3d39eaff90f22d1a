import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PaymentCaptured, systemActor } from '@bp/contracts';
import { kafkaFromEnv, type MessageProducer, toKafkaMessage } from '@bp/messaging';
import { orderService } from '@bp/order-service';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import type { PoolClient } from 'pg';
import pino from 'pino';
import { exposedNames, parseSamples, promqlMetricNames, total } from './support/prometheus';

// Issue 19 item 6: what an operator watches of the asynchronous half of a service is in /metrics
// and moves when the thing it measures does. The order service stands in for all four (the
// runtime registers the same metrics in each).

const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('service metrics (issue 19)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let sut: ServiceUnderTest;
  let producer: MessageProducer;
  const buyer = { role: 'buyer' as const, sub: 'buyer-metrics' };
  const order = (sku = 'sku-1') => ({
    sellerId: 'seller-metrics',
    currency: 'USD',
    items: [{ sku, title: 'Socks', quantity: 1, unitPrice: 1500 }],
    shippingAddress: { name: 'Ann Buyer', line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' },
  });
  const scrapeText = async () => {
    const res = await sut.service.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const scrape = async () => parseSamples(await scrapeText());
  const place = async (headers: Record<string, string> = {}, body = order()) => sut.request('POST', '/orders', { as: buyer, body, headers });
  /** A PaymentCaptured as escrow would publish it, sent straight to the topic (no settle round). */
  const send = async (data: Record<string, unknown>) => {
    const envelope = {
      id: crypto.randomUUID(),
      type: PaymentCaptured.type,
      schemaVersion: PaymentCaptured.version,
      streamId: 'escrow-test',
      streamVersion: 1,
      occurredAt: sut.now().toISOString(),
      correlationId: 'c',
      causationId: null,
      actor: systemActor('test'),
      data,
    };
    const { topic, message } = toKafkaMessage(envelope, PaymentCaptured, 'escrow');
    await producer.send({ topic, acks: -1, messages: [message] });
  };
  // startServiceForTest names the schema `<suffix>_order` and the group `<suffix>-order`.
  const groupId = () => sut.service.ctx.schema.replace(/_order$/, '-order');

  beforeAll(async () => {
    db = await testDatabase('metrics');
    kafka = await testKafka();
    sut = await startServiceForTest(orderService, { db, kafka });
    producer = kafkaFromEnv({ clientId: 'metrics-test', logger: pino({ level: 'silent' }), env: { KAFKA_BROKERS: kafka.brokers.join(',') } }).producer();
    await producer.connect();
  }, 120_000);
  afterAll(async () => {
    await producer?.disconnect();
    await sut?.stop();
    await kafka?.stop();
    await db?.close();
  });

  it('relay lag: events held back from Kafka show as unpublished, with the age of the oldest, and drop to 0 once published', async () => {
    const { schema } = sut.service.ctx;
    // Holding the relay's advisory lock keeps it from publishing, as a stuck relay would.
    const holder: PoolClient = await db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', ['bp.messaging.relay', `${schema}.relay`]);
      expect((await place()).status).toBe(201);
      await new Promise((r) => setTimeout(r, 20)); // the age must be measurably above 0
      const held = await scrape();
      expect(total(held, 'bp_relay_unpublished_events')).toBeGreaterThanOrEqual(1);
      expect(total(held, 'bp_relay_oldest_unpublished_age_seconds')).toBeGreaterThan(0);
    } finally {
      await holder.query('SELECT pg_advisory_unlock_all()');
      holder.release();
    }
    await waitFor(async () => {
      const s = await scrape();
      return total(s, 'bp_relay_unpublished_events') === 0 && total(s, 'bp_relay_oldest_unpublished_age_seconds') === 0 ? true : undefined;
    }, 'the relay to catch up');
  });

  it('idempotency: a replayed answer and a reused key are counted', async () => {
    const before = await scrape();
    const key = { 'idempotency-key': 'metrics-key-1' };
    expect((await place(key)).status).toBe(201);
    const again = await place(key);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await place(key, order('sku-other'))).status).toBe(422);
    const after = await scrape();
    expect(total(after, 'bp_idempotency_replays_total') - total(before, 'bp_idempotency_replays_total')).toBe(1);
    const reused = { code: 'IDEMPOTENCY_KEY_REUSED' };
    expect(total(after, 'bp_idempotency_conflicts_total', reused) - total(before, 'bp_idempotency_conflicts_total', reused)).toBe(1);
  });

  it('dead letters: an undecodable message is counted by group and kind', async () => {
    await send({ orderId: 'o-poison' }); // not a PaymentCaptured by its schema (no payment, no amount)
    await waitFor(
      async () => (total(await scrape(), 'bp_consumer_dead_letters_total', { group: groupId(), kind: 'undecodable' }) === 1 ? true : undefined),
      'the dead letter to be counted',
    );
  });

  it('consumer lag per partition: a message the group has not applied yet shows on its partition, then drains to 0', async () => {
    const lagOf = async () => total(await scrape(), 'bp_consumer_lag_messages', { topic: PaymentCaptured.topic!, group: groupId() });
    await waitFor(async () => ((await lagOf()) === 0 ? true : undefined), 'the group to be at the end of the topic');
    const placed = await place();
    // The consumer applies every message in a transaction that records it in the inbox: lock the
    // inbox and the message stays unapplied (its offset uncommitted) for as long as we hold it.
    const locker: PoolClient = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${sut.service.ctx.schema}".inbox IN SHARE MODE`);
      const orderId = placed.body.orderId as string;
      await send({ orderId, paymentId: `pay-${orderId}`, providerRef: 'ref', amount: { amount: 1500, currency: 'USD' }, capturedAt: sut.now().toISOString() });
      await waitFor(async () => ((await lagOf()) === 1 ? true : undefined), 'the lag to show the unapplied message');
      const perPartition = (await scrape()).filter((s) => s.name === 'bp_consumer_lag_messages' && s.labels.group === groupId());
      expect(perPartition.every((s) => /^\d+$/.test(s.labels.partition!))).toBe(true);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    await waitFor(async () => ((await lagOf()) === 0 ? true : undefined), 'the lag to drain');
  });

  it('deadline lateness: a deadline fired after a clock jump past it is observed with how late it fired', async () => {
    const before = await scrape();
    expect((await place()).status).toBe(201); // O2: unpaid, it closes after the payment window
    await sut.advance('P2D');
    const after = await scrape();
    const grew = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    expect(grew('bp_deadline_lateness_seconds_count')).toBeGreaterThanOrEqual(1);
    // P2D past a PT24H window: the payment deadline fired about a day late on the simulated clock.
    const lateByHours = grew('bp_deadline_lateness_seconds_count') - grew('bp_deadline_lateness_seconds_bucket', { le: '21600' });
    expect(lateByHours).toBeGreaterThanOrEqual(1);
  });

  it('the Grafana dashboard queries only metrics a service exposes', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../deploy/grafana/buyer-protection.json'), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    // the rough PromQL reading keeps metric names only, not functions, labels, ranges or variables
    expect(promqlMetricNames('histogram_quantile(0.99, sum by (le, service) (rate(x_bucket{service=~"$service"}[5m]))) / y_total')).toEqual([
      'x_bucket',
      'y_total',
    ]);
    const exposed = exposedNames(await scrapeText());
    const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => promqlMetricNames(t.expr).map((name) => ({ panel: p.title, name }))));
    expect(queried.length).toBeGreaterThan(5);
    expect(queried.filter((q) => !exposed.has(q.name))).toEqual([]);
    for (const name of [
      'bp_relay_unpublished_events',
      'bp_consumer_lag_messages',
      'bp_consumer_dead_letters_total',
      'bp_deadline_lateness_seconds_bucket',
      'bp_idempotency_replays_total',
    ]) {
      expect(queried.map((q) => q.name)).toContain(name);
    }
  });
});
