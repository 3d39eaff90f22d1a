// Network faults between a service and its Postgres and Kafka (issue 11 "Faults": a TCP proxy that
// delays, drops and cuts): the order service runs with both connections through startTcpProxy.
// Under delay it keeps answering; cuts (Kafka and Postgres) and blackholes fail or stall some work but lose
// nothing: once the network heals, without any manual action, commands succeed again and every
// public event in the service's log is on the topic (compared by event id).
import { PaymentCaptured, Topics } from '@bp/contracts';
import { orderService } from '@bp/order-service';
import {
  createContractTopics,
  startServiceForTest,
  startTcpProxy,
  testDatabase,
  testKafka,
  type ServiceUnderTest,
  type TcpProxy,
  type TestDatabase,
  type TestKafka,
} from '@bp/testing';
import { Kafka, logLevel } from 'kafkajs';
import { recordResult } from '../security/support/results';
import { waitFor } from '../security/support/stack';

const body = {
  sellerId: 'seller-p',
  currency: 'USD',
  items: [{ sku: 's', title: 'Lamp', quantity: 1, unitPrice: 1000 }],
  shippingAddress: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'US' },
};
const buyer = { role: 'buyer' as const, sub: 'buyer-p' };

describe('order service behind a faulty network (TCP proxy to Postgres and Kafka)', () => {
  let db: TestDatabase;
  let broker: TestKafka;
  let pgProxy: TcpProxy;
  let kafkaProxy: TcpProxy;
  let sut: ServiceUnderTest;

  beforeAll(async () => {
    db = await testDatabase('rel_proxy');
    // The broker listens on 127.0.0.2 and advertises 127.0.0.1 on the same port, where the proxy
    // listens: every connection a client makes after the bootstrap (metadata, coordinator) also
    // goes through the proxy.
    broker = await testKafka({ host: '127.0.0.2', advertisedHost: '127.0.0.1' });
    const brokerPort = Number(broker.brokers[0]!.split(':')[1]);
    kafkaProxy = await startTcpProxy({ host: '127.0.0.2', port: brokerPort }, { listenPort: brokerPort });
    await createContractTopics([kafkaProxy.address]);
    const pgUrl = new URL(db.url);
    pgProxy = await startTcpProxy({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(pgProxy.port);
    sut = await startServiceForTest(orderService, {
      db,
      kafka: { brokers: [kafkaProxy.address], source: broker.source, stop: async () => {} },
      env: { DATABASE_URL: proxied.toString() },
    });
  }, 60_000);
  afterAll(async () => {
    await sut?.stop();
    await kafkaProxy?.close();
    await pgProxy?.close();
    await broker?.stop();
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
    for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
    await db?.close();
  }, 60_000);

  /** Places and pays an order, retrying while the network is broken (what a client would do). */
  const placeAndPay = async (): Promise<string> => {
    const orderId: string = await waitFor(
      async () => {
        const res = await sut.request('POST', '/orders', { as: buyer, body }).catch(() => undefined);
        return res?.status === 201 ? (res.body.orderId as string) : undefined;
      },
      'an order to be placed',
      30_000,
    );
    await sut.publish(PaymentCaptured, {
      orderId,
      paymentId: `pay-${orderId}`,
      providerRef: `r-${orderId}`,
      amount: { amount: 1000, currency: 'USD' },
      capturedAt: sut.now().toISOString(),
    });
    paid.push(orderId);
    return orderId;
  };
  const paid: string[] = [];

  it('keeps working through delays, recovers from Kafka and Postgres cuts and blackholes, places each order once, loses no event', async () => {
    const orders: string[] = [];
    const failedDuringFaults: number[] = [];
    orders.push(await placeAndPay());

    // Delay: 50 ms per chunk each way on both links; everything still works, only slower.
    pgProxy.set({ delayMs: { up: 50, down: 50 } });
    kafkaProxy.set({ delayMs: { up: 50, down: 50 } });
    for (let i = 0; i < 3; i++) orders.push(await placeAndPay());
    // Asymmetric: only answers from Postgres are slow (100 ms), requests to Kafka too.
    pgProxy.set({ delayMs: { down: 100 } });
    kafkaProxy.set({ delayMs: { up: 100 } });
    orders.push(await placeAndPay());
    pgProxy.set({});
    kafkaProxy.set({});
    expect(pgProxy.stats().bytes.down).toBeGreaterThan(0); // the service's Postgres traffic really goes through the proxy

    // Cuts: every open Kafka connection reset, three times, with traffic in between.
    for (let round = 0; round < 3; round++) {
      expect(kafkaProxy.cut()).toBeGreaterThan(0);
      const res = await sut.request('POST', '/orders', { as: buyer, body }).catch(() => ({ status: 599, body: undefined as any }));
      if (res.status === 201) orders.push(res.body.orderId);
      else failedDuringFaults.push(res.status);
      orders.push(await placeAndPay());
    }

    // Blackhole the broker: HTTP still accepts orders (the outbox holds their events).
    kafkaProxy.set({ drop: { up: true, down: true } });
    for (let i = 0; i < 3; i++) {
      const res = await sut.request('POST', '/orders', { as: buyer, body });
      expect(res.status).toBe(201);
      orders.push(res.body.orderId);
    }
    kafkaProxy.set({});
    kafkaProxy.cut(); // the stalled connections are dead weight: what a network partition ends with

    // Postgres cuts, three times, each with a placement in flight. The outcome of a cut commit is
    // unknown to the client, so it resends with the same Idempotency-Key (what a storefront does):
    // exactly one order per key, whatever the cut hit (checked by the OrderPlaced count below).
    for (let round = 0; round < 3; round++) {
      const key = `pg-cut-${round}-${Date.now()}`;
      const send = () =>
        sut.request('POST', '/orders', { as: buyer, body, headers: { 'Idempotency-Key': key } }).catch(() => ({ status: 599, body: undefined as any }));
      const first = send();
      expect(pgProxy.cut()).toBeGreaterThan(0);
      const res = await first;
      if (res.status !== 201) failedDuringFaults.push(res.status);
      const orderId: string = await waitFor(
        async () => {
          const again = await send();
          return again.status === 201 ? (again.body.orderId as string) : undefined;
        },
        `order ${key} to be placed once`,
        30_000,
      );
      if (res.status === 201) expect(orderId).toBe(res.body.orderId);
      orders.push(orderId);
    }
    // Postgres blackholed while a placement waits on it (with the relay, the consumer's inbox and
    // the scheduler stalled on their connections too), then healed and the stalled connections cut,
    // as a partition ends. The client resends with the same key until it gets its answer.
    pgProxy.set({ drop: { up: true, down: true } });
    const droppedBefore = pgProxy.stats().dropped.up;
    const stalledKey = `pg-blackhole-${Date.now()}`;
    const sendStalled = () =>
      sut.request('POST', '/orders', { as: buyer, body, headers: { 'Idempotency-Key': stalledKey } }).catch(() => ({ status: 599, body: undefined as any }));
    const stalled = sendStalled();
    await waitFor(async () => (pgProxy.stats().dropped.up > droppedBefore ? true : undefined), 'the service to try Postgres during the blackhole', 10_000);
    pgProxy.set({});
    pgProxy.cut();
    const stalledRes = await stalled;
    if (stalledRes.status !== 201) failedDuringFaults.push(stalledRes.status);
    orders.push(
      await waitFor(
        async () => {
          const again = await sendStalled();
          return again.status === 201 ? (again.body.orderId as string) : undefined;
        },
        'the stalled order to be placed once',
        30_000,
      ),
    );

    // Healed, no manual action: a new command succeeds end to end.
    orders.push(await placeAndPay());
    const last = orders[orders.length - 1]!;
    await waitFor(
      async () => ((await sut.request('GET', `/orders/${last}`, { as: buyer })).body?.status === 'awaiting_shipment' ? true : undefined),
      'the last order to be paid',
      30_000,
    );

    // Nothing lost: every public event in the log reaches the topic (read by a fresh consumer).
    const schema = sut.service.ctx.schema;
    const publicTypes = orderService.publishes.map((d) => d.type);
    const { rows } = await db.pool.query<{ id: string; type: string }>(`SELECT event_id::text AS id, type FROM "${schema}".events WHERE type = ANY($1)`, [
      publicTypes,
    ]);
    const inLog = new Set(rows.map((r) => r.id));
    const onTopic = new Map<string, number>();
    const kafka = new Kafka({ clientId: 'proxy-check', brokers: [kafkaProxy.address], logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `proxy-check-${schema}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.orders, Topics.buyers], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id) onTopic.set(id, (onTopic.get(id) ?? 0) + 1);
      },
    });
    try {
      await waitFor(() => ([...inLog].every((id) => onTopic.has(id)) ? true : undefined), 'every logged event on the topic', 30_000);
    } finally {
      await consumer.disconnect();
    }
    const lost = [...inLog].filter((id) => !onTopic.has(id));
    const duplicates = [...onTopic.values()].filter((n) => n > 1).length;
    recordResult(
      `proxy orders=${orders.length} events_in_log=${inLog.size} on_topic=${onTopic.size} lost=${lost.length} duplicates=${duplicates} failed_during_cuts=${failedDuringFaults.length}`,
    );
    expect(lost).toEqual([]);
    // Every order placed once, every payment applied once, through cuts and redeliveries.
    expect(rows.filter((r) => r.type === 'OrderPlaced')).toHaveLength(orders.length);
    expect(rows.filter((r) => r.type === 'OrderPaid')).toHaveLength(paid.length);
    expect(failedDuringFaults.every((s) => s >= 500)).toBe(true);
    // Every order placed is in the service's view, paid where a payment was published.
    for (const id of orders) {
      const view = await sut.request('GET', `/orders/${id}`, { as: buyer });
      expect({ id, status: view.body.status }).toEqual({ id, status: paid.includes(id) ? 'awaiting_shipment' : 'awaiting_payment' });
    }
  }, 120_000);
});
