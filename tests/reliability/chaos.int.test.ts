// Duplicate delivery (issue 11 "Faults"; reliability.md T4): the same scenario runs twice against
// the order service, once clean and once with the consumer runner's chaos mode (every message
// processed twice) plus a broker that redelivers (every upstream event published twice with the
// same ce_id). The final state (every order's log and view, normalised for generated ids) must
// have the same checksum.
//
// libs/runtime's startService does not pass `chaos` to createConsumerRunner (StartOptions has no
// such field), so the chaos run starts the module without its consumer and runs the module's own
// handlers under a createConsumerRunner with `chaos: { duplicate: true }` on the service's pool and
// schema, exactly as startService would.
import { createHash } from 'node:crypto';
import { DisputeOpened, DisputeWithdrawn, type EventDefinition, PaymentCaptured, publicRegistry, RefundCompleted } from '@bp/contracts';
import { createConsumerRunner, type ConsumerRunner, type OutcomeReport } from '@bp/messaging';
import { orderService } from '@bp/order-service';
import { consumerLag, type ServiceModule } from '@bp/runtime';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { Kafka, logLevel } from 'kafkajs';
import { recordResult } from '../security/support/results';
import { waitFor } from '../security/support/stack';

const ORDERS = 12;
const usd = (amount: number) => ({ amount, currency: 'USD' });
const placeBody = { sellerId: 'seller-x', currency: 'USD', items: [{ sku: 's', title: 'Lamp', quantity: 2, unitPrice: 2500 }], shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' } };
const buyer = { role: 'buyer' as const, sub: 'buyer-x' };
const seller = { role: 'seller' as const, sub: 'seller-x' };

interface Run {
  sut: ServiceUnderTest;
  /** Puts an upstream event on its topic (twice, same ce_id, in the chaos run) and waits until consumed. */
  publish<D>(def: EventDefinition, data: D, id: string): Promise<void>;
  outcomes: OutcomeReport[];
  stop(): Promise<void>;
}

const startRun = async (chaos: boolean): Promise<Run> => {
  const db: TestDatabase = await testDatabase(chaos ? 'rel_chaos' : 'rel_clean');
  const kafka: TestKafka = await testKafka();
  const outcomes: OutcomeReport[] = [];
  let runner: ConsumerRunner | undefined;
  let admin: ReturnType<Kafka['admin']> | undefined;
  const { consumes, ...withoutConsumer } = orderService;
  const sut = await startServiceForTest(chaos ? (withoutConsumer as ServiceModule) : orderService, { db, kafka });
  const groupId = `chaos-${db.schema}`;
  const topics = [...consumes!.topics];
  if (chaos) {
    const ctx = sut.service.ctx;
    const client = new Kafka({ clientId: 'chaos', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    admin = client.admin();
    await admin.connect();
    runner = createConsumerRunner({
      kafka: client,
      groupId,
      topics,
      registry: publicRegistry(),
      pool: ctx.pool,
      schema: ctx.schema,
      handlers: consumes!.handlers(ctx),
      logger: ctx.logger,
      chaos: { duplicate: true },
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      onOutcome: (r) => outcomes.push(r),
    });
    await runner.start();
  }
  return {
    sut,
    outcomes,
    async publish(def, data, id) {
      await sut.publish(def, data, { id });
      if (!chaos) return;
      await sut.publish(def, data, { id }); // the broker redelivers
      await waitFor(async () => ((await consumerLag(admin!, groupId, topics)) === 0 ? true : undefined), 'the chaos consumer to catch up');
      await sut.settle();
    },
    async stop() {
      await runner?.stop();
      await admin?.disconnect();
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
  for (const [i, orderId] of ids.entries()) {
    if (i % 6 === 5) continue; // left unpaid
    await run.publish(PaymentCaptured, { orderId, paymentId: `pay-${i}`, providerRef: `ref-${i}`, amount: usd(5000), capturedAt: sut.now().toISOString() }, `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    if (i % 6 === 4) {
      await run.publish(RefundCompleted, { orderId, refundId: `rf-${i}`, amount: usd(5000), reason: 'ORDER_CLOSED', providerRef: `rr-${i}`, completedAt: sut.now().toISOString() }, `00000000-0000-4000-8001-${String(i).padStart(12, '0')}`);
      continue;
    }
    expect((await sut.request('POST', `/orders/${orderId}/shipments`, { as: seller, body: { carrier: 'DHL', trackingNumber: `T-${i}` } })).status).toBe(200);
  }
  await sut.advance('P6D');
  for (const [i, orderId] of ids.entries()) {
    if (i % 3 !== 0) continue;
    const openedAt = sut.now().toISOString();
    const disputeId = `d-${i}`;
    await run.publish(DisputeOpened, { disputeId, orderId, buyerId: buyer.sub, sellerId: seller.sub, reason: 'NOT_RECEIVED', goodsReceived: false, proposal: { proposalId: `p-${i}`, by: 'buyer', type: 'REFUND_ONLY', refund: usd(5000) }, openedAt, sellerRespondBy: new Date(Date.parse(openedAt) + 5 * 86_400_000).toISOString() }, `00000000-0000-4000-8002-${String(i).padStart(12, '0')}`);
    if (i % 2 === 0) await run.publish(DisputeWithdrawn, { disputeId, orderId, withdrawnAt: sut.now().toISOString() }, `00000000-0000-4000-8003-${String(i).padStart(12, '0')}`);
  }
  for (const [i, orderId] of ids.entries()) if (i % 6 === 1) await sut.request('POST', `/orders/${orderId}/confirm-receipt`, { as: buyer, body: {} });
  await sut.advance('P60D'); // protection ends: auto-confirm where nothing holds it
  await sut.settle();

  // Normalised final state: generated ids become their index; times are the simulated clock's.
  const schema = sut.service.ctx.schema;
  const norm = (s: string) => ids.reduce((acc, id, i) => acc.split(id).join(`order#${i}`), s);
  const parts: string[] = [];
  for (const [i, orderId] of ids.entries()) {
    const { rows } = await sut.service.ctx.pool.query<{ v: number; type: string }>(`SELECT stream_version AS v, type FROM "${schema}".events WHERE stream_id LIKE $1 ORDER BY stream_version`, [`%${orderId}%`]);
    const view = (await sut.request('GET', `/orders/${orderId}`, { as: buyer })).body;
    const { createdAt: _c, updatedAt: _u, placedAt: _p, deadlines: _d, ...stable } = view;
    parts.push(norm(JSON.stringify({ i, log: rows.map((r) => `${r.v}:${r.type}`), status: stable.status, version: stable.version, disputeOpen: stable.disputeOpen, refunded: stable.refunded, closedReason: stable.closedReason, allowedActions: stable.allowedActions })));
  }
  const list = (await sut.request('GET', '/orders?limit=100', { as: buyer })).body.items.map((o: { orderId: string; status: string }) => `${ids.indexOf(o.orderId)}:${o.status}`).sort();
  parts.push(JSON.stringify(list));
  return createHash('sha256').update(parts.join('\n')).digest('hex');
};

describe('duplicate delivery (consumer chaos mode + broker redelivery)', () => {
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
    recordResult(`chaos deliveries=${outcomes.length} handled=${handled} duplicates_absorbed=${duplicates} checksum_equal=${cleanSum === chaosSum}`);
    // Chaos really happened: each message twice from the runner, each event twice on the topic.
    expect(handled).toBeGreaterThan(10);
    expect(duplicates).toBe(handled * 3);
    expect(outcomes.filter((o) => o.outcome === 'dead-lettered')).toEqual([]);
    expect(chaosSum).toBe(cleanSum);
  }, 120_000);
});
