/**
 * Dispute openings over HTTP: disputes opened/s and latency percentiles, measured with autocannon
 * against the dispute service listening on a port (Fastify, auth, idempotency, rate limit, one
 * transaction per opening: order facts + buyer level read, dispute events, order-facts reservation,
 * projections, timers; the relay publishes to Kafka meanwhile).
 *
 *   node --require ./tools/swc-register.js tests/bench/dispute.bench.ts
 *
 * Env: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a scratch schema is created
 * and dropped), KAFKA_BROKERS (else the dev broker runs in this process), BENCH_DISPUTES (default
 * 3000 shipped orders, one opening each), BENCH_CONNECTIONS (default 16).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemActor } from '@bp/contracts';
import { signDevToken } from '@bp/http';
import { silentLogger, start as startBroker } from '@bp/kafka-devbroker';
import { loadConfig, startService } from '@bp/runtime';
import { addDuration, defaultPolicy, snapshotOf } from '@bp/timers';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import pino from 'pino';
import { createDisputeService, localBlobStore } from '../../services/dispute/src';
import { createHandlers } from '../../services/dispute/src/app/handlers';
import { disputeProjections } from '../../services/dispute/src/projections';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.BENCH_DISPUTES ?? 3000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECRET = 'bench-secret-'.padEnd(40, 'x');
const TARGET_PER_S = 200;
const TARGET_P99_MS = 250;

const main = async () => {
  const tag = randomBytes(3).toString('hex');
  const schema = `bench_dispute_${tag}`;
  const broker = process.env.KAFKA_BROKERS ? null : await startBroker({ port: 0, logger: silentLogger });
  const brokers = process.env.KAFKA_BROKERS ?? broker!.brokers;
  const blobDir = await mkdtemp(path.join(tmpdir(), 'bench-blobs-'));
  const env = { DATABASE_URL, KAFKA_BROKERS: brokers, JWT_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'silent', DB_POOL_MAX: '20' };
  const service = await startService(createDisputeService({ blobs: () => localBlobStore(blobDir) }), {
    config: loadConfig('dispute', env),
    logger: pino({ level: 'silent' }),
    schema,
    groupId: `bench-${tag}`,
  });
  const admin = new Pool({ connectionString: DATABASE_URL, max: 4 });
  try {
    // Orders shipped 7 days ago (D1 allows a dispute), written straight into the order-facts log:
    // the consumer path is not what is measured here.
    const { ctx } = service;
    const h = createHandlers({ store: ctx.store, schema, projections: disputeProjections(schema) });
    const past = new Date(Date.now() - 7 * 86_400_000).toISOString();
    const meta = { correlationId: 'bench', causationId: null, actor: systemActor('bench'), now: past };
    const paid = { amount: 10_000, currency: 'USD' };
    const policy = snapshotOf(defaultPolicy);
    const fill = async (i: number) => {
      const orderId = `bench-order-${i}`;
      const base = { orderId };
      await h.orderFacts(
        {
          type: 'RecordOrderPlaced',
          data: { ...base, buyerId: `bench-buyer-${i}`, sellerId: `bench-seller-${i % 50}`, total: paid, protectionDays: 60, policy, placedAt: past },
          meta: { now: past },
        },
        { metadata: meta },
      );
      await h.orderFacts({ type: 'RecordOrderPaid', data: { ...base, amount: paid, paidAt: past }, meta: { now: past } }, { metadata: meta });
      await h.orderFacts(
        { type: 'RecordOrderShipped', data: { ...base, shippedAt: past, protectionEndsAt: addDuration(past, 'P60D') }, meta: { now: past } },
        { metadata: meta },
      );
    };
    for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => fill(i + k)));

    // One buyer per order: the write rate limit is per caller, as it would be in production.
    const tokens = Array.from({ length: N }, (_, i) => signDevToken({ sub: `bench-buyer-${i}`, role: 'buyer', secret: SECRET }));
    let next = 0;
    let refused = 0;
    const result = await autocannon({
      url: service.url,
      connections: CONNECTIONS,
      amount: N,
      requests: [
        {
          method: 'POST',
          path: '/disputes',
          setupRequest: (req) => {
            const i = next++;
            return {
              ...req,
              headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[i % N]}` },
              body: JSON.stringify({
                orderId: `bench-order-${i % N}`,
                goodsReceived: false,
                reason: 'NOT_RECEIVED',
                solution: { type: 'REFUND_ONLY', refund: paid },
                description: 'never arrived',
                evidenceIds: [],
              }),
            };
          },
          onResponse: (status: number) => {
            if (status !== 201) refused++;
          },
        },
      ],
    });
    const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${schema}".dispute_summaries WHERE status = 'awaiting_seller'`);
    const perS = rows[0]!.n / result.duration;
    const p99 = result.latency.p99;
    console.log(`dispute openings over HTTP: ${N} requests, ${CONNECTIONS} connections, ${result.duration.toFixed(1)} s`);
    console.log(`  opened: ${rows[0]!.n} (non-201: ${refused}, errors: ${result.errors}, timeouts: ${result.timeouts})`);
    console.log(
      `  throughput: ${perS.toFixed(0)} disputes/s; latency p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, p99 ${p99} ms, max ${result.latency.max} ms`,
    );
    const checks = [
      { name: `every request opened a dispute`, ok: rows[0]!.n === N && refused === 0 },
      { name: `≥ ${TARGET_PER_S} disputes/s`, ok: perS >= TARGET_PER_S },
      { name: `p99 ≤ ${TARGET_P99_MS} ms`, ok: p99 <= TARGET_P99_MS },
    ];
    for (const c of checks) console.log(`  ${c.ok ? 'PASS' : 'FAIL'} ${c.name}`);
    console.log(`${checks.filter((c) => c.ok).length} passed, ${checks.filter((c) => !c.ok).length} failed`);
  } finally {
    await service.stop();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await broker?.stop();
    await rm(blobDir, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
