// Duplicate delivery and partition shuffling (issue 11 "Faults"; reliability.md T4): the same
// scenario runs twice against the order service, once clean and once with the consumer runner's
// chaos mode: every message processed twice (`duplicate`), independent partitions' batches
// interleaved in a seeded random order (`shuffle`; a partition's own order is kept, the only order
// Kafka promises), plus a broker that redelivers (every upstream event published twice with the
// same ce_id). The consumed topics have several partitions and each phase's events are produced in
// one request, so several partitions' batches are in flight at once. The final state (every
// order's log and view, normalised for generated ids) must have the same checksum.
//
// The chaos run starts the module without its consumer and runs the module's own handlers under a
// createConsumerRunner with chaos on the service's pool and schema, exactly as startService would,
// so that the runner's per-delivery reports (onOutcome) can be observed.
import { createHash } from 'node:crypto';
import {
  DisputeOpened,
  DisputeWithdrawn,
  type EventDefinition,
  type EventEnvelope,
  PaymentCaptured,
  publicRegistry,
  RefundCompleted,
  systemActor,
} from '@bp/contracts';
import { createConsumerRunner, type ConsumerRunner, kafkajsClient, type OutcomeReport, toKafkaMessage } from '@bp/messaging';
import { orderService } from '@bp/order-service';
import { consumerLag, type ServiceModule } from '@bp/runtime';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import { recordResult } from '../security/support/results';
import { waitFor } from '../security/support/stack';

const ORDERS = 16;
/** Partitions of each consumed topic: orders (the key) spread over them. */
const PARTITIONS = 4;
const SEED = Number(process.env.CHAOS_SEED ?? 20_240_611);
const usd = (amount: number) => ({ amount, currency: 'USD' });
const placeBody = {
  sellerId: 'seller-x',
  currency: 'USD',
  items: [{ sku: 's', title: 'Lamp', quantity: 2, unitPrice: 2500 }],
  shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
};
const buyer = { role: 'buyer' as const, sub: 'buyer-x' };
const seller = { role: 'seller' as const, sub: 'seller-x' };

interface Upstream {
  def: EventDefinition;
  data: unknown;
  id: string;
}

interface Run {
  sut: ServiceUnderTest;
  /**
   * Puts upstream events on their topics in one produce request (each twice, same ce_id, in the
   * chaos run: the broker redelivers), so several partitions hold work at once; waits until consumed.
   */
  publishAll(events: Upstream[]): Promise<void>;
  outcomes: OutcomeReport[];
  stop(): Promise<void>;
}

/** Polls `probe` until it gives a value (bounded). */
const until = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('topics not ready in time');
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Creates the consumed topics with PARTITIONS partitions before anything auto-creates them with one. */
const createPartitionedTopics = async (brokers: string[], topics: string[]) => {
  const admin = new Kafka({ clientId: 'chaos-setup', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    // No kafkajs waitForLeaders: right after a creation Apache Kafka (KRaft) may answer metadata with
    // UNKNOWN_TOPIC_OR_PARTITION, which it does not retry. The topics may exist already (the test
    // Kafka creates the contract's topics with one partition): they are widened.
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })) });
    const partitioned = async () => {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics }).catch(() => ({ topics: [] as { name: string; partitions: { leader: number }[] }[] }));
      return meta.length === topics.length ? meta : undefined;
    };
    let meta = await until(partitioned);
    const short = meta.filter((t) => t.partitions.length < PARTITIONS).map((t) => ({ topic: t.name, count: PARTITIONS }));
    if (short.length > 0) await admin.createPartitions({ topicPartitions: short });
    meta = await until(async () => {
      const m = await partitioned();
      return m?.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0)) ? m : undefined;
    });
  } finally {
    await admin.disconnect();
  }
};

/** The upstream producer's wire form of an event (CloudEvents binary mode), as the harness builds it. */
const wire = (e: Upstream, at: string): { topic: string; message: Message } => {
  const envelope: EventEnvelope = {
    id: e.id,
    type: e.def.type,
    schemaVersion: e.def.version,
    streamId: `test-${e.def.type}`,
    streamVersion: 1,
    occurredAt: at,
    correlationId: e.id,
    causationId: null,
    actor: systemActor('test'),
    data: e.def.schema.parse(e.data),
  };
  return toKafkaMessage(envelope, e.def, 'test');
};

const startRun = async (chaos: boolean): Promise<Run> => {
  const db: TestDatabase = await testDatabase(chaos ? 'rel_chaos' : 'rel_clean');
  const kafka: TestKafka = await testKafka();
  const outcomes: OutcomeReport[] = [];
  let runner: ConsumerRunner | undefined;
  const { consumes, ...withoutConsumer } = orderService;
  const topics = [...consumes!.topics];
  await createPartitionedTopics(kafka.brokers, topics);
  const sut = await startServiceForTest(chaos ? (withoutConsumer as ServiceModule) : orderService, { db, kafka });
  const groupId = `chaos-${db.schema}`;
  const client = new Kafka({ clientId: 'chaos', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const admin = client.admin();
  await admin.connect();
  const producer = client.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  if (chaos) {
    const ctx = sut.service.ctx;
    runner = createConsumerRunner({
      kafka: kafkajsClient(client),
      groupId,
      topics,
      registry: publicRegistry(),
      pool: ctx.pool,
      schema: ctx.schema,
      handlers: consumes!.handlers(ctx),
      logger: ctx.logger,
      chaos: { duplicate: true, shuffle: true, seed: SEED },
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      onOutcome: (r) => outcomes.push(r),
    });
    await runner.start();
  }
  return {
    sut,
    outcomes,
    async publishAll(events) {
      const at = sut.now().toISOString();
      const byTopic = new Map<string, Message[]>();
      for (const e of events) {
        const { topic, message } = wire(e, at);
        const list = byTopic.get(topic) ?? [];
        list.push(message);
        if (chaos) list.push(message); // the broker redelivers
        byTopic.set(topic, list);
      }
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      if (chaos) await waitFor(async () => ((await consumerLag(admin, groupId, topics)) === 0 ? true : undefined), 'the chaos consumer to catch up', 60_000);
      await sut.settle();
    },
    async stop() {
      await runner?.stop();
      await producer.disconnect();
      await admin.disconnect();
      await sut.stop();
      await kafka.stop();
      const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
      for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
      await db.close();
    },
  };
};

/** The scenario: orders paid, shipped, some disputed and withdrawn, some refunded, some completed. */
const scenario = async (run: Run): Promise<string> => {
  const { sut } = run;
  const ids: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const res = await sut.request('POST', '/orders', { as: buyer, body: placeBody });
    expect(res.status).toBe(201);
    ids.push(res.body.orderId);
  }
  // Phase 1, one produce request: payments (and, for some, the refund right behind on the same key).
  const payments: Upstream[] = [];
  for (const [i, orderId] of ids.entries()) {
    if (i % 6 === 5) continue; // left unpaid
    payments.push({
      def: PaymentCaptured,
      data: { orderId, paymentId: `pay-${i}`, providerRef: `ref-${i}`, amount: usd(5000), capturedAt: sut.now().toISOString() },
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    });
    if (i % 6 === 4)
      payments.push({
        def: RefundCompleted,
        data: { orderId, refundId: `rf-${i}`, amount: usd(5000), reason: 'ORDER_CLOSED', providerRef: `rr-${i}`, completedAt: sut.now().toISOString() },
        id: `00000000-0000-4000-8001-${String(i).padStart(12, '0')}`,
      });
  }
  await run.publishAll(payments);
  for (const [i, orderId] of ids.entries()) {
    if (i % 6 === 5 || i % 6 === 4) continue;
    expect((await sut.request('POST', `/orders/${orderId}/shipments`, { as: seller, body: { carrier: 'DHL', trackingNumber: `T-${i}` } })).status).toBe(200);
  }
  await sut.advance('P6D');
  // Phase 2, one produce request: disputes opened (D1) and, for some, withdrawn right behind (D7).
  const disputes: Upstream[] = [];
  for (const [i, orderId] of ids.entries()) {
    if (i % 3 !== 0) continue;
    const openedAt = sut.now().toISOString();
    const disputeId = `d-${i}`;
    disputes.push({
      def: DisputeOpened,
      data: {
        disputeId,
        orderId,
        buyerId: buyer.sub,
        sellerId: seller.sub,
        reason: 'NOT_RECEIVED',
        goodsReceived: false,
        proposal: { proposalId: `p-${i}`, by: 'buyer', type: 'REFUND_ONLY', refund: usd(5000) },
        openedAt,
        sellerRespondBy: new Date(Date.parse(openedAt) + 5 * 86_400_000).toISOString(),
      },
      id: `00000000-0000-4000-8002-${String(i).padStart(12, '0')}`,
    });
    if (i % 2 === 0)
      disputes.push({
        def: DisputeWithdrawn,
        data: { disputeId, orderId, withdrawnAt: sut.now().toISOString() },
        id: `00000000-0000-4000-8003-${String(i).padStart(12, '0')}`,
      });
  }
  await run.publishAll(disputes);
  for (const [i, orderId] of ids.entries()) if (i % 6 === 1) await sut.request('POST', `/orders/${orderId}/confirm-receipt`, { as: buyer, body: {} });
  await sut.advance('P60D'); // protection ends: auto-confirm where nothing holds it
  await sut.settle();

  // Normalised final state: generated ids become their index; times are the simulated clock's.
  const schema = sut.service.ctx.schema;
  const norm = (s: string) => ids.reduce((acc, id, i) => acc.split(id).join(`order#${i}`), s);
  const parts: string[] = [];
  for (const [i, orderId] of ids.entries()) {
    const { rows } = await sut.service.ctx.pool.query<{ v: number; type: string }>(
      `SELECT stream_version AS v, type FROM "${schema}".events WHERE stream_id = $1 ORDER BY stream_version`,
      [`order-${orderId}`],
    );
    // The order's timeline stream (issue 4) records each upstream event once, in arrival order: the
    // multiset of what it saw must not depend on duplicates or on the interleaving.
    const { rows: observed } = await sut.service.ctx.pool.query<{ t: string }>(`SELECT data->>'type' AS t FROM "${schema}".events WHERE stream_id = $1`, [
      `timeline-${orderId}`,
    ]);
    const view = (await sut.request('GET', `/orders/${orderId}`, { as: buyer })).body;
    const { createdAt: _c, updatedAt: _u, placedAt: _p, deadlines: _d, ...stable } = view;
    parts.push(
      norm(
        JSON.stringify({
          i,
          log: rows.map((r) => `${r.v}:${r.type}`),
          observed: observed.map((r) => r.t).sort(),
          status: stable.status,
          version: stable.version,
          disputeOpen: stable.disputeOpen,
          refunded: stable.refunded,
          closedReason: stable.closedReason,
          allowedActions: stable.allowedActions,
        }),
      ),
    );
  }
  const list = (await sut.request('GET', '/orders?limit=100', { as: buyer })).body.items
    .map((o: { orderId: string; status: string }) => `${ids.indexOf(o.orderId)}:${o.status}`)
    .sort();
  parts.push(JSON.stringify(list));
  return createHash('sha256').update(parts.join('\n')).digest('hex');
};

/**
 * How far processing strayed from arrival order: deliveries of a batch that arrived before the
 * newest batch already started (0 when batches run one after another). And what must not happen:
 * a batch going back in offsets, or a partition's earlier batch resuming after its next one began
 * (a redelivery after a rebalance is a new batch and allowed to restart lower).
 */
const shuffleOf = (outcomes: OutcomeReport[]) => {
  let newest = 0;
  let outOfArrivalOrder = 0;
  const lastOffset = new Map<number, bigint>();
  const batchOf = new Map<string, number>();
  const disorder: string[] = [];
  for (const o of outcomes) {
    const batch = o.batch!;
    if (batch < newest) outOfArrivalOrder++;
    newest = Math.max(newest, batch);
    if ((lastOffset.get(batch) ?? -1n) > BigInt(o.offset)) disorder.push(`batch ${batch} went back to offset ${o.offset}`);
    lastOffset.set(batch, BigInt(o.offset));
    const key = `${o.topic}/${o.partition}`;
    if ((batchOf.get(key) ?? 0) > batch) disorder.push(`${key}: batch ${batch} resumed after a later one`);
    batchOf.set(key, Math.max(batchOf.get(key) ?? 0, batch));
  }
  return { outOfArrivalOrder, disorder, partitions: batchOf.size };
};

describe('duplicate delivery and shuffled partitions (consumer chaos mode + broker redelivery)', () => {
  it('the chaos run ends in the same state checksum as the clean run', async () => {
    const clean = await startRun(false);
    let cleanSum: string;
    try {
      cleanSum = await scenario(clean);
    } finally {
      await clean.stop();
    }
    const chaos = await startRun(true);
    let chaosSum: string;
    let outcomes: OutcomeReport[];
    try {
      chaosSum = await scenario(chaos);
      outcomes = chaos.outcomes;
    } finally {
      await chaos.stop();
    }
    const handled = outcomes.filter((o) => o.outcome === 'handled').length;
    const duplicates = outcomes.filter((o) => o.outcome === 'duplicate').length;
    const shuffle = shuffleOf(outcomes);
    recordResult(
      `chaos seed=${SEED} deliveries=${outcomes.length} handled=${handled} duplicates_absorbed=${duplicates} partitions=${shuffle.partitions} out_of_arrival_order=${shuffle.outOfArrivalOrder} checksum_equal=${cleanSum === chaosSum}`,
    );
    // Chaos really happened: each message twice from the runner, each event twice on the topic...
    expect(handled).toBeGreaterThan(10);
    expect(duplicates).toBe(handled * 3);
    expect(outcomes.filter((o) => o.outcome === 'dead-lettered')).toEqual([]);
    // ...several partitions were in play, and batches were processed out of their arrival order
    // while every partition kept its own order.
    expect(shuffle.partitions).toBeGreaterThan(2);
    expect(shuffle.outOfArrivalOrder).toBeGreaterThan(0);
    expect(shuffle.disorder).toEqual([]);
    expect(chaosSum).toBe(cleanSum);
  }, 420_000);
});
