import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrateSharedClock, ServiceNames, type ServiceName } from '@bp/runtime';
import { testDatabaseUrl } from '@bp/testing';
import { Client, Pool } from 'pg';
import { exited, stopChild } from '../../../../system/src/start/child';
import { type InfraProcess, postgresProcess } from './infra';
import { type BrokerMode, startCrashKafka } from './kafka-infra';

/**
 * The whole system as `npm start` runs it (system/src/start.ts): the four services as separate
 * `node` processes sharing one database, one broker and one simulated clock, each on its own port
 * and knowing the others' (SERVICE_URLS). Unlike `npm start` it needs no build (the services run
 * from TypeScript through tools/swc-register.js), takes free ports instead of API.md's defaults,
 * and isolates itself completely: a fresh DATABASE on the test server (the services' schemas are
 * their own names, which would collide in a shared database) and a fresh in-memory dev broker in
 * this process (the consumer groups are the services' names too). Processes can be killed and
 * started again at will: the seed of a fault harness.
 *
 * With `broker: 'process'` and `postgres: 'process'` the infrastructure is killable too (see
 * infra.ts, kafka-infra.ts): the broker a process with a data dir (an Apache Kafka node, or the dev
 * broker's CLI), Postgres a cluster of its own on a free port; `broker: 'cluster'` is three Apache
 * Kafka nodes, `broker-1`…`broker-3`. `kill` and `start` then take those as well as a service.
 * With `instances: 2` every service runs twice (`order` and `order#2`, same database and consumer
 * group, ports of their own): horizontal scale.
 */
export type Target = ServiceName | `${ServiceName}#${number}` | 'broker' | 'postgres' | `broker-${number}`;
export const InfraTargets = ['broker', 'postgres'] as const;

export interface ServiceProcesses {
  /** The services started (all four unless `only`). */
  names: readonly ServiceName[];
  urls: Record<ServiceName, string>;
  /** Every instance's URL per service (one each unless `instances`). */
  instanceUrls: Record<ServiceName, string[]>;
  /** The instance targets (`order`, `order#2`, …) of every service started. */
  instances: Target[];
  /** The Kafka the services use: Apache Kafka (version) or the dev broker; its killable nodes. */
  kafka: { kind: 'apache' | 'devbroker'; version?: string; nodes: string[] };
  /** The isolated database (a pool on it: read the services' logs and read models). */
  databaseUrl: string;
  pool: Pool;
  brokers: string;
  /** JWT_SECRET the services verify tokens with. */
  jwtSecret: string;
  /** Where each service's stdout/stderr goes (`<dir>/<service>.log`); kept when `stop({ keepLogs })`. */
  logDir: string;
  logFile(name: Target): string;
  /** The last lines of a service's log (warn and above), for failure messages. */
  tail(name: Target, lines?: number): string;
  pid(name: Target): number | undefined;
  /**
   * Sends the signal (default SIGKILL: no drain, no goodbye) and resolves once the process is gone
   * ('broker' and 'postgres' only when they run as processes, see ProcessesOptions).
   */
  kill(name: Target, signal?: NodeJS.Signals): Promise<void>;
  /** Spawns it again on the same port (and data) and resolves when it answers (a service: /health/ready). */
  start(name: Target): Promise<void>;
  /** Each service's (and process-run broker's and Postgres') process ids so far, oldest first (one more per restart). */
  history(): Record<ServiceName | 'broker' | 'postgres', number[]> & Record<string, number[] | undefined>;
  /** Services first (SIGTERM, then SIGKILL after a grace), then the broker, then the database. Idempotent. */
  stop(o?: { keepLogs?: boolean }): Promise<void>;
}

export interface ProcessesOptions {
  /** A subset of the services (default all four); SERVICE_URLS lists only these. */
  only?: readonly ServiceName[];
  /** Extra environment for every service (overrides the defaults below). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  /**
   * 'in-process' (default): a fresh broker of this run's kind (BP_KAFKA), not killable. 'process':
   * one killable node, restartable on the same port and data. 'cluster': three Apache Kafka nodes.
   */
  broker?: BrokerMode;
  /** Processes per service (default 1). */
  instances?: number;
  /**
   * 'test-server' (default): a fresh database on the test server (testDatabaseUrl). 'process': a
   * PostgreSQL cluster of its own (initdb in a temp dir, a free port), killable and restartable.
   */
  postgres?: 'test-server' | 'process';
}

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const REGISTER = path.join(ROOT, 'tools', 'swc-register.js');
const mainSource = (name: ServiceName) => path.join(ROOT, 'services', name, 'src', 'main.ts');

/** Ports the OS says are free right now (listen on 0, read, close). */
const freePorts = async (n: number): Promise<number[]> => {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer();
          s.once('error', reject);
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
};

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const admin = async <T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> => {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
};

/** Polls /health/ready until 200, the child exits, or the time is up (as system/src/start/services.ts). */
const waitReady = async (url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> => {
  const until = Date.now() + timeoutMs;
  let gone = false;
  void exited(child).then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${url} exited with ${child.exitCode ?? child.signalCode} before it was ready:\n${log()}`);
    const ok = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`${url} not ready after ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const startServiceProcesses = async (o: ProcessesOptions = {}): Promise<ServiceProcesses> => {
  const readyTimeoutMs = o.readyTimeoutMs ?? 60_000;
  const names = o.only ?? ServiceNames;
  const database = `crash_${randomBytes(5).toString('hex')}`;
  const logDir = mkdtempSync(path.join(tmpdir(), 'bp-crash-'));
  const [postgresPort] = await freePorts(1);
  // Postgres runs as its own user when we are root: it must be able to reach its data dir in here.
  if (o.postgres === 'process') chmodSync(logDir, 0o711);
  const pg =
    o.postgres === 'process'
      ? postgresProcess({ port: postgresPort!, dir: path.join(logDir, 'postgres'), logFile: path.join(logDir, 'postgres.log') })
      : undefined;
  const infra = new Map<string, InfraProcess>(pg ? [['postgres', pg]] : []);
  const instances = Math.max(1, o.instances ?? 1);
  const instanceNames = names.flatMap((n) => Array.from({ length: instances }, (_, i) => (i === 0 ? n : (`${n}#${i + 1}` as Target))));
  const serviceOf = (t: Target) => t.split('#')[0] as ServiceName;
  const serverUrl = pg ? pg.url('postgres') : testDatabaseUrl();
  const databaseUrl = withDatabase(serverUrl, database);
  const jwtSecret = `crash-${randomBytes(16).toString('hex')}`;
  const children = new Map<Target, ChildProcess>();
  const pids: Record<string, number[]> = Object.fromEntries(instanceNames.map((n) => [n, [] as number[]]));
  let kafka: Awaited<ReturnType<typeof startCrashKafka>> | undefined;
  let pool: Pool | undefined;
  let created = false;
  let stopped: Promise<void> | undefined;

  // A jest worker that dies without afterAll must not leave services running against nothing.
  const killAllNow = () => {
    for (const c of children.values()) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const p of infra.values()) p.killNow();
  };
  process.once('exit', killAllNow);

  const stop = (s: { keepLogs?: boolean } = {}) =>
    (stopped ??= (async () => {
      await Promise.all([...children.values()].map((c) => stopChild(c, 'SIGTERM', 10_000).catch(() => undefined)));
      process.off('exit', killAllNow);
      await kafka?.stop().catch(() => {});
      await pool?.end().catch(() => {});
      if (created && !pg) await admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch(() => {});
      await pg?.stop().catch(() => {});
      if (!s.keepLogs) rmSync(logDir, { recursive: true, force: true });
    })());

  try {
    await pg?.start();
    await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${database}`));
    created = true;
    pool = new Pool({ connectionString: databaseUrl, max: 4 });
    pool.on('error', () => {});
    const clockSchema = `clock_${randomBytes(4).toString('hex')}`;
    // Once, before four services race on CREATE SCHEMA IF NOT EXISTS (system/src/start/postgres.ts).
    await migrateSharedClock(pool, clockSchema);

    kafka = await startCrashKafka(o.broker ?? 'in-process', logDir);
    for (const [name, node] of kafka.nodes) infra.set(name, node);
    const brokers = kafka.brokers;
    const ports = await freePorts(instanceNames.length);
    const instanceUrl = new Map(instanceNames.map((n, i) => [n, `http://127.0.0.1:${ports[i]}`]));
    const instanceUrls = Object.fromEntries(names.map((n) => [n, instanceNames.filter((t) => serviceOf(t) === n).map((t) => instanceUrl.get(t)!)])) as Record<
      ServiceName,
      string[]
    >;
    const urls = Object.fromEntries(names.map((n) => [n, instanceUrl.get(n)!])) as Record<ServiceName, string>;

    // Only what a service reads, nothing inherited from the test run (a stray KAFKA_BROKERS,
    // SMTP_URL or CLOCK there would point the services elsewhere).
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: brokers,
      CLOCK: 'simulated',
      CLOCK_SCHEMA: clockSchema,
      JWT_SECRET: jwtSecret,
      RATE_LIMIT_WRITES_PER_MINUTE: '0',
      // Four pools on a test server other suites share.
      DB_POOL_MAX: '6',
      LOG_LEVEL: 'warn',
      SERVICE_URLS: names.map((n) => `${n}=${urls[n]}`).join(','),
      DATA_DIR: logDir,
      BLOB_DIR: path.join(logDir, 'evidence'),
      ...o.env,
    };
    const logFile = (name: Target) => path.join(logDir, `${name.replace('#', '-')}.log`);
    const tail = (name: Target, lines = 20) => {
      try {
        return readFileSync(logFile(name), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    };

    const startService = async (name: Target): Promise<void> => {
      const running = children.get(name);
      if (running && running.exitCode === null && running.signalCode === null) throw new Error(`${name} is already running (pid ${running.pid})`);
      const fd = openSync(logFile(name), 'a');
      const child = spawn(process.execPath, ['--require', REGISTER, mainSource(serviceOf(name))], {
        cwd: ROOT,
        env: { ...env, PORT: new URL(instanceUrl.get(name)!).port },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      children.set(name, child);
      if (child.pid) (pids[name] ??= []).push(child.pid);
      await waitReady(instanceUrl.get(name)!, child, readyTimeoutMs, () => tail(name));
    };

    const infraOf = (name: Target): InfraProcess | undefined => {
      if (instanceUrl.has(name)) return undefined;
      const p = infra.get(name);
      if (!p) throw new Error(`${name} is not a killable process here: start with { broker: 'process' | 'cluster' } or { postgres: 'process' } to kill it`);
      return p;
    };
    const start = async (name: Target): Promise<void> => {
      const p = infraOf(name);
      return p ? p.start() : startService(name);
    };

    const kill = async (name: Target, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
      const p = infraOf(name);
      if (p) return p.kill(signal);
      const child = children.get(name);
      if (!child) throw new Error(`${name} was never started`);
      child.kill(signal);
      await exited(child);
    };

    // In parallel: the clock schema exists, and each service migrates only its own schema.
    await Promise.all(instanceNames.map((n) => startService(n)));

    return {
      names,
      urls,
      instanceUrls,
      instances: instanceNames,
      kafka: { kind: kafka.kind, version: kafka.version, nodes: [...kafka.nodes.keys()] },
      databaseUrl,
      pool,
      brokers,
      jwtSecret,
      logDir,
      logFile,
      tail,
      pid: (name) => (instanceUrl.has(name) ? children.get(name)?.pid : infra.get(name)?.pid()),
      kill,
      start,
      history: () =>
        Object.fromEntries([
          ...ServiceNames.map((n) => [n, [] as number[]]),
          ...InfraTargets.map((n) => [n, [] as number[]]),
          ...Object.entries(pids).map(([n, list]) => [n, [...list]]),
          ...[...infra.entries()].map(([n, p]) => [n, p.history()]),
        ]) as ReturnType<ServiceProcesses['history']>,
      stop,
    };
  } catch (err) {
    await stop({ keepLogs: true });
    throw new Error(`${(err as Error).message}\n(service logs kept in ${logDir})`, { cause: err });
  }
};
