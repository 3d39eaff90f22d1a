import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { signDevToken } from '@bp/http';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import { startDevBrokerProcess } from '../support/dev-broker-process';
import { payBody } from '../support/escrow-fixtures';
import { placeOrderBody } from '../support/service-alone';
import { countQueuedQueryWarnings } from './pg-deprecations';
import { freePort, ROOT } from './system-under-test';

/**
 * Issue 18 item 1: a command endpoint of ours against a bare Fastify 5 + emmett appendToStream
 * endpoint, same load generator (autocannon), same connections, same PostgreSQL (a scratch database),
 * each server in its own process (endpoint-server.ts), the services alone with the dev broker.
 * Every service request carries a fresh Idempotency-Key, as the storefronts send it.
 */
export interface EndpointFigure {
  name: string;
  rps: number;
  p99: number;
  non2xx: number;
}

export interface EndpointFigures {
  connections: number;
  seconds: number;
  peer: EndpointFigure;
  /** A service endpoint measured, or why it was not. */
  services: (EndpointFigure | { name: string; notMeasured: string })[];
  /** node-postgres' queued-query deprecation in the servers' stderr (pg-deprecations.ts). */
  pgQueuedQueryWarnings: number;
}

export const ENDPOINT_TARGET = { ratio: 1.5, p99Ms: 30 };

export const endpointVerdict = (f: EndpointFigure, peer: EndpointFigure) => {
  const ratio = f.rps / Math.max(1, peer.rps);
  // A failed request is not a fast one: any non-2xx answer fails the target.
  return { ratio, met: ratio >= ENDPOINT_TARGET.ratio && f.p99 <= ENDPOINT_TARGET.p99Ms && f.non2xx === 0 };
};

interface Target {
  name: string;
  kind: 'peer' | 'order' | 'dispute' | 'escrow';
  /** The next request's path and body, from what the server said when ready. */
  request: (ready: Record<string, unknown>) => () => { path: string; body: unknown };
}

interface Server {
  child: ChildProcess;
  port: number;
  ready: Record<string, unknown>;
  stderr: () => string;
}

const start = async (kind: string, args: string[], env: NodeJS.ProcessEnv): Promise<Server> => {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--require', path.join(ROOT, 'tools/swc-register.js'), path.join(__dirname, 'endpoint-server.ts'), kind, String(port), ...args],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
    process.stderr.write(c);
  });
  let out = '';
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line && out.includes('\n', out.indexOf(line))) resolve(JSON.parse(line) as Record<string, unknown>);
    });
    child.once('exit', (code) => reject(new Error(`endpoint server ${kind} exited ${code}`)));
  });
  child.removeAllListeners('exit');
  return { child, port, ready, stderr: () => err };
};

const stop = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });

const load = async (url: string, authorization: string, next: () => { path: string; body: unknown }, connections: number, seconds: number) => {
  const r = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const n = next();
          const headers = { 'content-type': 'application/json', authorization, 'idempotency-key': randomUUID() };
          return { ...req, path: n.path, body: JSON.stringify(n.body), headers };
        },
      },
    ],
  });
  return { rps: r['2xx'] / r.duration, p99: r.latency.p99, non2xx: r.non2xx + r.errors + r.timeouts };
};

export const measureEndpoints = async (
  databaseUrl: string,
  say: (l: string) => void,
  o: { seconds: number; connections: number },
): Promise<EndpointFigures> => {
  const tag = randomBytes(3).toString('hex');
  const secret = randomBytes(24).toString('hex');
  const buyer = `ep-buyer-${tag}`;
  const authorization = `Bearer ${signDevToken({ sub: buyer, role: 'buyer', secret })}`;
  let i = 0;
  const targets: Target[] = [
    { name: 'Fastify + emmett appendToStream (peer)', kind: 'peer', request: () => () => ({ path: '/orders', body: placeOrderBody(i++, `ep-seller-${tag}`) }) },
    { name: 'order POST /orders', kind: 'order', request: () => () => ({ path: '/orders', body: placeOrderBody(i++, `ep-seller-${tag}`) }) },
    {
      name: 'dispute POST /disputes/{id}/messages',
      kind: 'dispute',
      request: (r) => {
        const ids = r.disputes as string[];
        return () => ({ path: `/disputes/${ids[i++ % ids.length]}/messages`, body: { text: 'Any news?', evidenceIds: [] } });
      },
    },
    {
      name: 'escrow POST /payments',
      kind: 'escrow',
      request: (r) => {
        // Each order is paid once; past the last one the answers are refusals, counted as non-2xx.
        const ids = r.orders as string[];
        return () => ({ path: '/payments', body: payBody(ids[i++ % ids.length]!) });
      },
    },
  ];

  // Enough orders to pay for the warm-up and the measure at well above today's rates.
  const env = { ...process.env, BENCH_ENDPOINT_ESCROW_ORDERS: process.env.BENCH_ENDPOINT_ESCROW_ORDERS ?? String(800 * (o.seconds + 1)) };
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  const dbName = `bench_ep_${tag}`;
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(databaseUrl);
  u.pathname = `/${dbName}`;
  const broker = await startDevBrokerProcess();
  let peer: EndpointFigure | undefined;
  const services: EndpointFigures['services'] = [];
  let pgQueuedQueryWarnings = 0;
  try {
    for (const t of targets) {
      let server: Server | undefined;
      try {
        server = await start(t.kind, [u.toString(), broker.brokers.join(','), secret, tag], env);
        const url = `http://127.0.0.1:${server.port}`;
        // The warm-up and the measure share one sequence: an escrow order paid in the first is not paid again.
        i = 0;
        const next = t.request(server.ready);
        // One second first, not measured: connections, plans, the JIT.
        await load(url, authorization, next, o.connections, 1);
        const f = { name: t.name, ...(await load(url, authorization, next, o.connections, o.seconds)) };
        const verdict = peer ? endpointVerdict(f, peer) : undefined;
        say(
          `  ${t.name}: ${f.rps.toFixed(0)} req/s, p99 ${f.p99} ms${f.non2xx ? `, ${f.non2xx} non-2xx/errors` : ''}` +
            (verdict ? ` — ${verdict.ratio.toFixed(2)}× the peer, ${verdict.met ? 'met' : 'NOT met'}` : ''),
        );
        if (t.kind === 'peer') peer = f;
        else services.push(f);
      } catch (err) {
        if (t.kind === 'peer') throw err;
        const why = (err as Error).message;
        say(`  ${t.name}: not measured (${why})`);
        services.push({ name: t.name, notMeasured: why });
      } finally {
        if (server) {
          await stop(server.child);
          pgQueuedQueryWarnings += countQueuedQueryWarnings(server.stderr());
        }
      }
    }
  } finally {
    await broker.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
  return { connections: o.connections, seconds: o.seconds, peer: peer!, services, pgQueuedQueryWarnings };
};
