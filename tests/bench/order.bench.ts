/**
 * Order service command throughput over HTTP: the real service (startService: HTTP kit, relay,
 * consumer group, scheduler) on a port, driven by autocannon.
 *
 *   node --require ./tools/swc-register.js tests/bench/order.bench.ts
 *
 * Phases: place N orders; escrow captures them (N PaymentCaptured on escrow.v1, consumed: not an HTTP
 * figure, printed as events/s); ship half; then a MIXED phase running at once: place N/2 new orders,
 * ship the other half, confirm the first half. Prints commands/s and p50/p99 latency per phase and
 * per command kind. Each order has its own buyer and seller (the write rate limit is per caller).
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a scratch schema is created and
 * dropped), KAFKA_BROKERS (else the dev broker runs as a child process), BENCH_ORDERS (default 2000),
 * BENCH_CONNECTIONS (default 16), BENCH_IDEMPOTENCY_KEYS=1 (every POST carries a fresh Idempotency-Key,
 * as the storefronts send it: the key's claim and answer are then part of each command).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { PaymentCaptured, Topics } from '@bp/contracts';
import { signDevToken } from '@bp/http';
import { toKafkaMessage } from '@bp/messaging';
import { loadConfig, startService } from '@bp/runtime';
import autocannon from 'autocannon';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { orderService } from '../../services/order/src/service';
import { freePort, startDevBrokerProcess } from './support/dev-broker-process';
import { placeOrderBody } from './support/service-alone';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.BENCH_ORDERS ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const KEYED = process.env.BENCH_IDEMPOTENCY_KEYS === '1';
const SECRET = randomBytes(24).toString('hex');
const tag = randomBytes(3).toString('hex');
const schema = `bench_order_${tag}`;

/** The dev broker in its own process, so its CPU is not on the service's event loop. */
const startBroker = () => startDevBrokerProcess();

interface Call {
  path: string;
  token: string;
  body: unknown;
}

interface Figure {
  name: string;
  requests: number;
  non2xx: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** autocannon over a fixed list of calls, one each, `connections` at a time. */
const drive = (url: string, name: string, calls: Call[], connections = CONNECTIONS): Promise<Figure> => {
  let next = 0;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: Math.min(connections, calls.length),
        amount: calls.length,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => {
              const c = calls[next++ % calls.length]!;
              const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${c.token}` };
              if (KEYED) headers['idempotency-key'] = randomUUID();
              return { ...req, path: c.path, body: JSON.stringify(c.body), headers };
            },
          },
        ],
      },
      (err, r) => {
        if (err) return reject(err);
        resolve({ name, requests: r.requests.total, non2xx: r.non2xx, seconds: (Date.now() - started) / 1000, p50: r.latency.p50, p99: r.latency.p99 });
      },
    );
  });
};

const row = (f: Figure) =>
  `${f.name.padEnd(28)} ${String(f.requests).padStart(6)} req ${(f.requests / f.seconds).toFixed(0).padStart(6)} cmd/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms${f.non2xx ? `   non-2xx ${f.non2xx}` : ''}`;

const main = async () => {
  const broker = await startBroker();
  const port = await freePort();
  const env = { DATABASE_URL, KAFKA_BROKERS: broker.brokers.join(','), JWT_SECRET: SECRET, PORT: String(port), LOG_LEVEL: 'silent' as const };
  const service = await startService(orderService, {
    config: loadConfig('order', env),
    logger: pino({ level: 'silent' }),
    schema,
    groupId: `bench-order-${tag}`,
  });
  const producer = new Kafka({ clientId: 'bench-escrow', brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const { pool } = service.ctx;
  const order = (i: number) => ({ buyer: `bench-buyer-${tag}-${i}`, seller: `bench-seller-${tag}-${i}` });
  const token = (role: 'buyer' | 'seller', sub: string) => signDevToken({ sub, role, secret: SECRET });
  const placeCall = (i: number): Call => ({
    path: '/orders',
    token: token('buyer', order(i).buyer),
    body: placeOrderBody(i, order(i).seller),
  });
  const ids = async (status: string): Promise<{ order_id: string; buyer_id: string; seller_id: string }[]> =>
    (await pool.query(`SELECT order_id, buyer_id, seller_id FROM "${schema}".orders_list WHERE status = $1 ORDER BY buyer_id`, [status])).rows;

  try {
    console.log(
      `order bench: ${N} orders, ${CONNECTIONS} connections${KEYED ? ', an Idempotency-Key on every POST' : ''}, broker: ${broker.name}, service in-process (autocannon shares its event loop)`,
    );
    const figures: Figure[] = [];
    figures.push(
      await drive(
        service.url,
        'place (POST /orders)',
        Array.from({ length: N }, (_, i) => placeCall(i)),
      ),
    );

    // escrow captures every order: PaymentCaptured on escrow.v1, consumed by the service's group.
    const placed = await ids('awaiting_payment');
    const payStarted = Date.now();
    for (let i = 0; i < placed.length; i += 500) {
      const messages = placed.slice(i, i + 500).map((o) => {
        const id = randomUUID();
        const data = {
          orderId: o.order_id,
          paymentId: `pay-${o.order_id}`,
          providerRef: `ref-${o.order_id}`,
          amount: { amount: 0, currency: 'USD' },
          capturedAt: new Date().toISOString(),
        };
        return data;
      });
      // amounts must match the order totals: read them back from the list.
      const totals = new Map<string, number>(
        (await pool.query(`SELECT order_id, total_amount FROM "${schema}".orders_list WHERE order_id = ANY($1)`, [messages.map((m) => m.orderId)])).rows.map(
          (r) => [r.order_id, Number(r.total_amount)],
        ),
      );
      await producer.send({
        topic: Topics.escrow,
        acks: -1,
        messages: messages.map((data) => {
          const event = { ...data, amount: { amount: totals.get(data.orderId)!, currency: 'USD' } };
          const envelope = {
            id: randomUUID(),
            type: 'PaymentCaptured',
            schemaVersion: 1,
            streamId: `escrow-${data.orderId}`,
            streamVersion: 1,
            occurredAt: data.capturedAt,
            correlationId: randomUUID(),
            causationId: null,
            actor: { role: 'system' as const, id: 'bench' },
            data: event,
          };
          return toKafkaMessage(envelope, PaymentCaptured, 'escrow').message;
        }),
      });
    }
    for (;;) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".orders_list WHERE status = 'awaiting_shipment'`);
      if (rows[0].n >= placed.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const paySeconds = (Date.now() - payStarted) / 1000;

    const paid = await ids('awaiting_shipment');
    const half = Math.floor(paid.length / 2);
    const ship = (o: { order_id: string; seller_id: string }): Call => ({
      path: `/orders/${o.order_id}/shipments`,
      token: token('seller', o.seller_id),
      body: { carrier: 'DHL', trackingNumber: `T-${o.order_id}` },
    });
    figures.push(await drive(service.url, 'ship (POST …/shipments)', paid.slice(0, half).map(ship)));

    const shipped = await ids('shipped');
    const mixedStarted = Date.now();
    const perKind = Math.max(1, Math.round(CONNECTIONS / 3));
    const mixed = await Promise.all([
      drive(
        service.url,
        'mixed: place',
        Array.from({ length: half }, (_, i) => placeCall(N + i)),
        perKind,
      ),
      drive(service.url, 'mixed: ship', paid.slice(half).map(ship), perKind),
      drive(
        service.url,
        'mixed: confirm',
        shipped.map((o) => ({ path: `/orders/${o.order_id}/confirm-receipt`, token: token('buyer', o.buyer_id), body: {} })),
        perKind,
      ),
    ]);
    const mixedSeconds = (Date.now() - mixedStarted) / 1000;
    figures.push(...mixed);

    for (const f of figures) console.log(row(f));
    const total = mixed.reduce((s, f) => s + f.requests, 0);
    console.log(
      `mixed total                  ${String(total).padStart(6)} req ${(total / mixedSeconds).toFixed(0).padStart(6)} cmd/s (place + ship + confirm at once)`,
    );
    console.log(
      `PaymentCaptured consumed     ${String(placed.length).padStart(6)} evt ${(placed.length / paySeconds).toFixed(0).padStart(6)} evt/s (escrow.v1 -> ConfirmPayment, inbox + command in one tx)`,
    );
    const failures = figures.reduce((s, f) => s + f.non2xx, 0);
    if (failures > 0) process.exitCode = 1;
  } finally {
    await producer.disconnect().catch(() => {});
    await service.stop();
    const { Pool } = await import('pg');
    const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await broker.stop();
  }
};

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
