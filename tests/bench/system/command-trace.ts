import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signDevToken } from '@bp/http';
import type { RunningService, ServiceModule } from '@bp/runtime';
import { Client, Pool } from 'pg';
import { createDisputeService, localBlobStore } from '../../../services/dispute/src';
import { escrowService } from '../../../services/escrow/src';
import { orderService } from '../../../services/order/src/service';
import { startDevBrokerProcess } from '../support/dev-broker-process';
import { openDisputeBody, seedShippedOrders } from '../support/dispute-fixtures';
import { payBody, recordOrdersForPayment } from '../support/escrow-fixtures';
import { placeOrderBody, startServiceAlone } from '../support/service-alone';

/**
 * One command's conversation with PostgreSQL (issue 18 item 2): every statement a service sends
 * while it serves one keyed command, traced on node-postgres' client, with the round trips (one per
 * client.query, except a statement sent on a pipelined connection while an earlier one is
 * unanswered: it shares that round trip) and the commits (COMMIT, or a write outside BEGIN…COMMIT:
 * its own transaction). The services run in this process, requests injected (no socket).
 *
 * Only the request's own statements are counted: the relay's and scheduler's transactions (the
 * commit's NOTIFY wakes them) are recognised by their statements and left out. For each command a
 * first request warms the connection (prepared statements); the next, with a fresh key, is traced,
 * then the same key again (a replay).
 */
export interface Traced {
  client: number;
  text: string;
  /** Sent while an earlier statement on its connection was unanswered (pipelined): no round trip of its own. */
  pipelined: boolean;
}

export interface TraceOf {
  status: number;
  replayed: boolean;
  trace: Traced[];
  roundTrips: number;
  commits: number;
}

export interface CommandTrace {
  name: string;
  /** Commits allowed (escrow's POST /payments commits before asking the provider, E4). */
  commitsAllowed: number;
  fresh: TraceOf;
  again: TraceOf;
  met: boolean;
}

export const MAX_ROUND_TRIPS = 3;

let recording: Traced[] | undefined;
let installed = false;
/** Wraps Client.prototype.query once; it records only while `recording` is set. */
const install = () => {
  if (installed) return;
  installed = true;
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
};

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
const traceOf = async (send: () => Sent): Promise<TraceOf> => {
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
  commits: number;
  /** Sends the command with an Idempotency-Key; `n` picks a fresh target (0 warms up, 1 is traced). */
  send: (n: number, key: string) => Sent;
}

interface Setup {
  service: RunningService;
  commands: Command[];
  cleanup?: () => Promise<void>;
}

interface Env {
  databaseUrl: string;
  brokers: string[];
  secret: string;
  tag: string;
}

const startAlone = (name: 'order' | 'dispute' | 'escrow', module: ServiceModule, e: Env) =>
  startServiceAlone(name, module, { ...e, schema: `bench_trace_${name}_${e.tag}`, listen: false });
const bearer = (e: Env, sub: string, role: 'buyer' | 'seller') => `Bearer ${signDevToken({ sub, role, secret: e.secret })}`;
const fixtures = (e: Env) =>
  [0, 1].map((n) => ({ orderId: `trace-order-${e.tag}-${n}`, buyerId: `trace-buyer-${e.tag}-${n}`, sellerId: `trace-seller-${e.tag}` }));

const orderCommands = async (e: Env): Promise<Setup> => {
  const service = await startAlone('order', orderService, e);
  const send = (n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: bearer(e, `trace-buyer-${e.tag}`, 'buyer'), 'idempotency-key': key },
      payload: placeOrderBody(n, `trace-seller-${e.tag}`),
    });
  return { service, commands: [{ name: 'POST /orders', commits: 1, send }] };
};

const disputeCommands = async (e: Env): Promise<Setup> => {
  const blobDir = await mkdtemp(path.join(tmpdir(), 'trace-blobs-'));
  const service = await startAlone('dispute', createDisputeService({ blobs: () => localBlobStore(blobDir) }), e);
  const orders = fixtures(e);
  await seedShippedOrders(service, orders);
  const disputes = new Map<number, string>();
  const open = async (n: number, key: string) => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/disputes',
      headers: { authorization: bearer(e, orders[n]!.buyerId, 'buyer'), 'idempotency-key': key },
      payload: openDisputeBody(orders[n]!.orderId),
    });
    if (res.statusCode === 201) disputes.set(n, res.json<{ disputeId: string }>().disputeId);
    return res;
  };
  const message = (n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: `/disputes/${disputes.get(n)}/messages`,
      headers: { authorization: bearer(e, orders[n]!.buyerId, 'buyer'), 'idempotency-key': key },
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

const escrowCommands = async (e: Env): Promise<Setup> => {
  const service = await startAlone('escrow', escrowService, e);
  const orders = fixtures(e).map((o) => ({ ...o, buyerId: `trace-buyer-${e.tag}` }));
  await recordOrdersForPayment(service, orders);
  const pay = (n: number, key: string) =>
    service.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { authorization: bearer(e, orders[n]!.buyerId, 'buyer'), 'idempotency-key': key },
      payload: payBody(orders[n]!.orderId),
    });
  return { service, commands: [{ name: 'POST /payments', commits: 2, send: pay }] };
};

/** Traces each command against `databaseUrl` (scratch schemas, dropped), the dev broker in a child process. */
export const traceCommands = async (databaseUrl: string): Promise<CommandTrace[]> => {
  install();
  const broker = await startDevBrokerProcess();
  const e: Env = { databaseUrl, brokers: broker.brokers, secret: randomBytes(24).toString('hex'), tag: randomBytes(3).toString('hex') };
  const out: CommandTrace[] = [];
  try {
    for (const setup of [orderCommands, disputeCommands, escrowCommands]) {
      const running = await setup(e);
      try {
        for (const c of running.commands) {
          await c.send(0, `warm-${e.tag}-${c.name}`);
          const key = `key-${e.tag}-${c.name}`;
          const fresh = await traceOf(() => c.send(1, key));
          const again = await traceOf(() => c.send(1, key));
          const met = fresh.status < 300 && fresh.commits <= c.commits && fresh.roundTrips <= MAX_ROUND_TRIPS && again.replayed;
          out.push({ name: c.name, commitsAllowed: c.commits, fresh, again, met });
        }
      } finally {
        await running.service.stop();
        const admin = new Pool({ connectionString: databaseUrl, max: 1 });
        await admin.query(`DROP SCHEMA IF EXISTS "${running.service.ctx.schema}" CASCADE`).catch(() => {});
        await admin.end();
        await running.cleanup?.();
      }
    }
  } finally {
    await broker.stop();
  }
  return out;
};

/** One line per command: its commits and round trips against the target. */
export const traceVerdictLine = (c: CommandTrace) =>
  `${c.name}: ${c.fresh.commits} commit(s), ${c.fresh.roundTrips} round trips (≤ ${c.commitsAllowed} commit(s), ≤ ${MAX_ROUND_TRIPS} round trips)${c.fresh.status >= 300 ? `, answered ${c.fresh.status}` : ''}${c.again.replayed ? '' : ', same key NOT replayed'}`;
