/**
 * One command's conversation with PostgreSQL (issue 18 item 2): every statement a service sends
 * while it serves one keyed command over HTTP, traced on node-postgres' client, with the round
 * trips (one per client.query, except a statement sent on a pipelined connection while an earlier
 * one is unanswered: it shares that round trip) and the commits
 * (COMMIT, or a write outside BEGIN…COMMIT: its own transaction). Three commands:
 * `POST /orders` (order), `POST /disputes` and `POST /disputes/{id}/messages` (dispute),
 * `POST /payments` (escrow: the sandbox provider answers `tok_ok` in process).
 *
 *   node --require ./tools/swc-register.js tests/bench/command-trace.bench.ts
 *
 * Only the request's own statements are counted: the relay's and scheduler's transactions (the
 * commit's NOTIFY wakes them) are recognised by their statements and left out. For each command a
 * first request warms the connection (prepared statements); the next, with a fresh key, is traced,
 * then the same key again (a replay). Env: DATABASE_URL (default the test server; scratch schemas,
 * dropped), KAFKA_BROKERS (else the dev broker runs as a child process). Prints the traces, then
 * `N passed, N failed` against ≤ 1 commit and ≤ 3 round trips per command (escrow's POST /payments
 * is held to 2 commits: it commits before asking the provider, E4).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { systemActor } from '@bp/contracts';
import { signDevToken } from '@bp/http';
import { loadConfig, startService, type RunningService, type ServiceModule } from '@bp/runtime';
import { addDuration, defaultPolicy, snapshotOf } from '@bp/timers';
import { Client, Pool } from 'pg';
import pino from 'pino';
import { createDisputeService, localBlobStore } from '../../services/dispute/src';
import { createHandlers } from '../../services/dispute/src/app/handlers';
import { disputeProjections } from '../../services/dispute/src/projections';
import { escrowService } from '../../services/escrow/src';
import { createEscrowApp } from '../../services/escrow/src/app/escrow-app';
import { orderService } from '../../services/order/src/service';
import { freePort, startDevBrokerProcess } from './support/dev-broker-process';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = randomBytes(24).toString('hex');
const tag = randomBytes(3).toString('hex');

interface Traced {
  client: number;
  text: string;
  /** Sent while an earlier statement on its connection was unanswered (pipelined): no round trip of its own. */
  pipelined: boolean;
}
let recording: Traced[] | undefined;
const clientIds = new WeakMap<object, number>();
const outstanding = new WeakMap<object, number>();
let clients = 0;
const query = Client.prototype.query as (...a: unknown[]) => unknown;
Client.prototype.query = function traced(this: Client, ...a: unknown[]) {
  const behind = outstanding.get(this) ?? 0;
  if (recording) {
    const q = a[0] as string | { text: string };
    if (!clientIds.has(this)) clientIds.set(this, ++clients);
    recording.push({
      client: clientIds.get(this)!,
      text: (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim(),
      pipelined: behind > 0 && this.pipeline,
    });
  }
  const r = query.apply(this, a);
  if (r instanceof Promise) {
    outstanding.set(this, behind + 1);
    void r.finally(() => outstanding.set(this, (outstanding.get(this) ?? 1) - 1)).catch(() => undefined);
  }
  return r;
} as typeof Client.prototype.query;

/** Statements of the relay and the scheduler (woken by the command's NOTIFY), not of the request. */
const BACKGROUND = /pg_try_advisory_xact_lock\(hashtext\(|checkpoints|SKIP LOCKED|^SELECT \(extract\(epoch FROM min\(next_at\)\)|LISTEN|\.clock\b/;

/** The request's statements: every transaction (per connection) that holds a background statement is dropped. */
const requestOnly = (all: Traced[]): Traced[] => {
  const open = new Map<number, Traced[]>();
  const out: Traced[] = [];
  for (const t of all) {
    const head = t.text.slice(0, 8).toUpperCase();
    const tx = open.get(t.client);
    if (head.startsWith('BEGIN')) open.set(t.client, [t]);
    else if (tx) {
      tx.push(t);
      if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK') || /;\s*COMMIT\s*$/i.test(t.text)) {
        open.delete(t.client);
        if (!tx.some((s) => BACKGROUND.test(s.text))) out.push(...tx);
      }
    } else if (!BACKGROUND.test(t.text)) out.push(t);
  }
  for (const tx of open.values()) if (tx.length > 1 && !tx.some((s) => BACKGROUND.test(s.text))) out.push(...tx);
  return out;
};

const isWrite = (text: string) => /^(INSERT|UPDATE|DELETE|WITH)\b/i.test(text) || /\bpg_notify\b/.test(text);

/** Round trips and commits of a trace (per client: BEGIN … COMMIT, or a write on its own). */
const summarize = (trace: Traced[]) => {
  const open = new Set<number>();
  let commits = 0;
  for (const t of trace) {
    for (const stmt of t.text.split(/;\s*/).filter(Boolean)) {
      const head = stmt.slice(0, 10).toUpperCase();
      if (head.startsWith('BEGIN')) open.add(t.client);
      else if (head.startsWith('COMMIT')) open.delete(t.client), commits++;
      else if (head.startsWith('ROLLBACK')) open.delete(t.client);
      else if (!open.has(t.client) && isWrite(stmt)) commits++;
    }
  }
  return { roundTrips: trace.filter((t) => !t.pipelined).length, commits };
};

/** What the traces need of an injected response. */
type Sent = Promise<{ statusCode: number; headers: Record<string, unknown> }>;

/** What the request did, statement by statement (see requestOnly). */
const traceOf = async (send: () => Sent) => {
  // Let what the previous request woke (relay, scheduler) finish first.
  await new Promise((r) => setTimeout(r, 500));
  recording = [];
  const res = await send();
  const trace = requestOnly(recording);
  recording = undefined;
  return { status: res.statusCode, replayed: res.headers['idempotent-replayed'] === 'true', trace, ...summarize(trace) };
};

interface Command {
  name: string;
  /** Commits allowed (a provider call between two transactions forces a second one). */
  commits: number;
  /** Sends the command with an Idempotency-Key; `n` picks a fresh target (0 warms up, 1 is traced). */
  send: (n: number, key: string) => Sent;
}

interface Running {
  service: RunningService;
  commands: Command[];
  cleanup?: () => Promise<void>;
}

const bearer = (sub: string, role: 'buyer' | 'seller') => `Bearer ${signDevToken({ sub, role, secret: SECRET })}`;

const start = async (name: 'order' | 'dispute' | 'escrow', module: ServiceModule, brokers: string[]): Promise<RunningService> => {
  const port = await freePort();
  const env = { DATABASE_URL, KAFKA_BROKERS: brokers.join(','), JWT_SECRET: SECRET, PORT: String(port), LOG_LEVEL: 'silent' as const };
  return startService(module, {
    config: loadConfig(name, env),
    logger: pino({ level: 'silent' }),
    schema: `bench_trace_${name}_${tag}`,
    groupId: `bench-trace-${name}-${tag}`,
    listen: false,
  });
};

const orderCommands = async (brokers: string[]): Promise<Running> => {
  const service = await start('order', orderService, brokers);
  const buyer = `trace-buyer-${tag}`;
  const send = (_n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: bearer(buyer, 'buyer'), 'idempotency-key': key },
      payload: {
        sellerId: `trace-seller-${tag}`,
        currency: 'USD',
        items: [{ sku: 'sku-1', title: 'A useful thing', quantity: 1, unitPrice: 1000 }],
        shippingAddress: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
      },
    });
  return { service, commands: [{ name: 'POST /orders', commits: 1, send }] };
};

const disputeCommands = async (brokers: string[]): Promise<Running> => {
  const blobDir = await mkdtemp(path.join(tmpdir(), 'trace-blobs-'));
  const service = await start('dispute', createDisputeService({ blobs: () => localBlobStore(blobDir) }), brokers);
  const { ctx } = service;
  // Orders shipped 7 days ago, written straight into the order-facts log (the consumer is not traced).
  const h = createHandlers({ store: ctx.store, schema: ctx.schema, projections: disputeProjections(ctx.schema) });
  const past = new Date(Date.now() - 7 * 86_400_000).toISOString();
  const metadata = { correlationId: 'trace', causationId: null, actor: systemActor('bench'), now: past };
  const paid = { amount: 10_000, currency: 'USD' };
  const orderOf = (n: number) => `trace-order-${tag}-${n}`;
  const buyerOf = (n: number) => `trace-buyer-${tag}-${n}`;
  for (const n of [0, 1]) {
    const base = { orderId: orderOf(n) };
    await h.orderFacts(
      {
        type: 'RecordOrderPlaced',
        data: {
          ...base,
          buyerId: buyerOf(n),
          sellerId: `trace-seller-${tag}`,
          total: paid,
          protectionDays: 60,
          policy: snapshotOf(defaultPolicy),
          placedAt: past,
        },
        meta: { now: past },
      },
      { metadata },
    );
    await h.orderFacts({ type: 'RecordOrderPaid', data: { ...base, amount: paid, paidAt: past }, meta: { now: past } }, { metadata });
    await h.orderFacts(
      { type: 'RecordOrderShipped', data: { ...base, shippedAt: past, protectionEndsAt: addDuration(past, 'P60D') }, meta: { now: past } },
      { metadata },
    );
  }
  const disputes = new Map<number, string>();
  const open = async (n: number, key: string) => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/disputes',
      headers: { authorization: bearer(buyerOf(n), 'buyer'), 'idempotency-key': key },
      payload: {
        orderId: orderOf(n),
        goodsReceived: false,
        reason: 'NOT_RECEIVED',
        solution: { type: 'REFUND_ONLY', refund: paid },
        description: 'never arrived',
        evidenceIds: [],
      },
    });
    if (res.statusCode === 201) disputes.set(n, res.json<{ disputeId: string }>().disputeId);
    return res;
  };
  const message = (n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: `/disputes/${disputes.get(n)}/messages`,
      headers: { authorization: bearer(buyerOf(n), 'buyer'), 'idempotency-key': key },
      payload: { text: 'Any news?', evidenceIds: [] },
    });
  return {
    service,
    commands: [
      { name: 'POST /disputes', commits: 1, send: open },
      { name: 'POST /disputes/{id}/messages', commits: 1, send: message },
    ],
    cleanup: () => rm(blobDir, { recursive: true, force: true }),
  };
};

const escrowCommands = async (brokers: string[]): Promise<Running> => {
  const service = await start('escrow', escrowService, brokers);
  const app = createEscrowApp(service.ctx);
  const now = new Date().toISOString();
  const orderOf = (n: number) => `trace-order-${tag}-${n}`;
  const buyer = `trace-buyer-${tag}`;
  for (const n of [0, 1]) {
    const data = {
      eventId: `trace-placed-${tag}-${n}`,
      orderId: orderOf(n),
      buyerId: buyer,
      sellerId: `trace-seller-${tag}`,
      total: { amount: 10_000, currency: 'USD' },
      policy: { commissionBps: 250, refundRetryBase: 'PT30S', refundRetryMax: 'PT6H' },
    };
    await app.execute(
      { type: 'RecordOrderPlaced', data, meta: { now, actor: systemActor('bench') } },
      { metadata: { correlationId: 'trace', causationId: null, actor: systemActor('bench'), now } },
    );
  }
  const pay = (n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { authorization: bearer(buyer, 'buyer'), 'idempotency-key': key },
      payload: { orderId: orderOf(n), paymentMethod: { type: 'sandbox', token: 'tok_ok' } },
    });
  return { service, commands: [{ name: 'POST /payments (provider call between its two transactions)', commits: 2, send: pay }] };
};

const main = async () => {
  const broker = await startDevBrokerProcess();
  let passed = 0;
  let failed = 0;
  try {
    for (const setup of [orderCommands, disputeCommands, escrowCommands]) {
      const running = await setup(broker.brokers);
      try {
        for (const c of running.commands) {
          await c.send(0, `warm-${tag}-${c.name}`);
          const key = `key-${tag}-${c.name}`;
          const fresh = await traceOf(() => c.send(1, key));
          const again = await traceOf(() => c.send(1, key));
          for (const [name, t] of [
            [`${c.name}, fresh Idempotency-Key`, fresh],
            ['same key again (replay)', again],
          ] as const) {
            console.log(`${name}: ${t.status}${t.replayed ? ' replayed' : ''}, ${t.roundTrips} round trips, ${t.commits} commit(s)`);
            t.trace.forEach((s, i) =>
              console.log(`  ${String(i + 1).padStart(2)}. [conn ${s.client}]${s.pipelined ? ' (pipelined: same round trip)' : ''} ${s.text.slice(0, 150)}`),
            );
          }
          const met = fresh.status < 300 && fresh.commits <= c.commits && fresh.roundTrips <= 3 && again.replayed;
          console.log(
            `${c.name}: one commit per command (≤ ${c.commits} commit(s), ≤ 3 round trips): ${fresh.commits} commit(s), ${fresh.roundTrips} round trips — ${met ? 'met' : 'NOT met'}\n`,
          );
          if (met) passed++;
          else failed++;
        }
      } finally {
        await running.service.stop();
        const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
        await admin.query(`DROP SCHEMA IF EXISTS "${running.service.ctx.schema}" CASCADE`).catch(() => {});
        await admin.end();
        await running.cleanup?.();
      }
    }
  } finally {
    await broker.stop();
  }
  console.log(`${passed} passed, ${failed} failed`);
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
