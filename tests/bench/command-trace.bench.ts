/**
 * One command's conversation with PostgreSQL (issue 18 item 2): every statement the order service
 * sends while it serves one `POST /orders` with an Idempotency-Key, traced on node-postgres' client,
 * with the round trips (one per client.query: node-postgres sends the next only after the answer)
 * and the commits (COMMIT, or a write outside BEGIN…COMMIT: its own transaction).
 *
 *   node --require ./tools/swc-register.js tests/bench/command-trace.bench.ts
 *
 * Only the request's own statements are counted: the relay's and scheduler's transactions (the
 * commit's NOTIFY wakes them) are recognised by their statements and left out. The first POST warms the connection
 * (prepared statements); the second, a fresh key, is traced; the third repeats that key (a replay).
 * Env: DATABASE_URL (default the test server; a scratch schema, dropped), KAFKA_BROKERS (else the
 * dev broker runs as a child process). Prints both traces, then `N passed, N failed` against ≤ 1
 * commit and ≤ 3 round trips for the command.
 */
import { randomBytes } from 'node:crypto';
import { signDevToken } from '@bp/http';
import { loadConfig, startService } from '@bp/runtime';
import { Client, Pool } from 'pg';
import pino from 'pino';
import { orderService } from '../../services/order/src/service';
import { freePort, startDevBrokerProcess } from './support/dev-broker-process';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECRET = randomBytes(24).toString('hex');
const tag = randomBytes(3).toString('hex');
const schema = `bench_trace_${tag}`;

interface Traced {
  client: number;
  text: string;
}
let recording: Traced[] | undefined;
const clientIds = new WeakMap<object, number>();
let clients = 0;
const query = Client.prototype.query as (...a: unknown[]) => unknown;
Client.prototype.query = function traced(this: Client, ...a: unknown[]) {
  if (recording) {
    const q = a[0] as string | { text: string };
    if (!clientIds.has(this)) clientIds.set(this, ++clients);
    recording.push({ client: clientIds.get(this)!, text: (typeof q === 'string' ? q : q.text).replace(/\s+/g, ' ').trim() });
  }
  return query.apply(this, a);
} as typeof Client.prototype.query;

/** Statements of the relay and the scheduler (woken by the command's NOTIFY), not of the request. */
const BACKGROUND = /pg_try_advisory_xact_lock|checkpoints|SKIP LOCKED|^SELECT \(extract\(epoch FROM min\(next_at\)\)|LISTEN|\.clock\b/;

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
      else if (head.startsWith('COMMIT')) (open.delete(t.client), commits++);
      else if (head.startsWith('ROLLBACK')) open.delete(t.client);
      else if (!open.has(t.client) && isWrite(stmt)) commits++;
    }
  }
  return { roundTrips: trace.length, commits };
};

const main = async () => {
  const broker = await startDevBrokerProcess();
  const port = await freePort();
  const env = { DATABASE_URL, KAFKA_BROKERS: broker.brokers.join(','), JWT_SECRET: SECRET, PORT: String(port), LOG_LEVEL: 'silent' as const };
  const service = await startService(orderService, { config: loadConfig('order', env), logger: pino({ level: 'silent' }), schema, groupId: `bench-trace-${tag}`, listen: false });
  const buyer = `trace-buyer-${tag}`;
  const post = (key: string) =>
    service.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: `Bearer ${signDevToken({ sub: buyer, role: 'buyer', secret: SECRET })}`, 'idempotency-key': key },
      payload: {
        sellerId: `trace-seller-${tag}`,
        currency: 'USD',
        items: [{ sku: 'sku-1', title: 'A useful thing', quantity: 1, unitPrice: 1000 }],
        shippingAddress: { name: 'Bench Buyer', line1: '1 Main St', city: 'Springfield', country: 'US' },
      },
    });
  const traceOf = async (key: string) => {
    // Let what the previous request woke (relay, scheduler) finish first.
    await new Promise((r) => setTimeout(r, 500));
    recording = [];
    const res = await post(key);
    const trace = requestOnly(recording);
    recording = undefined;
    return { status: res.statusCode, replayed: res.headers['idempotent-replayed'] === 'true', trace, ...summarize(trace) };
  };
  let ok = true;
  try {
    await post(`warm-${tag}`);
    const fresh = await traceOf(`key-${tag}`);
    const again = await traceOf(`key-${tag}`);
    for (const [name, t] of [['POST /orders, fresh Idempotency-Key', fresh], ['same key again (replay)', again]] as const) {
      console.log(`${name}: ${t.status}${t.replayed ? ' replayed' : ''}, ${t.roundTrips} round trips, ${t.commits} commit(s)`);
      t.trace.forEach((s, i) => console.log(`  ${String(i + 1).padStart(2)}. [conn ${s.client}] ${s.text.slice(0, 150)}`));
    }
    const met = fresh.status === 201 && fresh.commits <= 1 && fresh.roundTrips <= 3 && again.replayed;
    console.log(`one commit per command (≤ 1 commit, ≤ 3 round trips): ${fresh.commits} commit(s), ${fresh.roundTrips} round trips — ${met ? 'met' : 'NOT met'}`);
    ok = met;
  } finally {
    await service.stop();
    const admin = new Pool({ connectionString: DATABASE_URL, max: 1 });
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await broker.stop();
  }
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
