import { randomUUID } from 'node:crypto';
import { createServiceClients, type ServiceClients, type Transport } from '@bp/client';
import { publicRegistry, type Role, Topics } from '@bp/contracts';
import { loadDevSecret, signDevToken } from '@bp/http';
import { type IncomingEvent, parseKafkaMessage } from '@bp/messaging';
import { loadConfig, type RunningService, type ServiceModule, type ServiceName, settleAll, startService } from '@bp/runtime';
import { findModule } from '@bp/system';
import type { Policy } from '@bp/timers';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import pino from 'pino';

/**
 * The WHOLE system in one jest process, as `npm start` runs it but on a test database (one schema
 * per service, suffixed per file) and a test broker: the four services through startService on
 * random ports, sharing ONE simulated clock row, each knowing the others' URLs so POST /ops/clock
 * settles the deployment. Stories drive it only over HTTP and read Kafka as a partner would.
 *
 * With E2E_SERVICE_URLS set, the stories run against a system already running instead (`npm start`,
 * docker compose with CLOCK=simulated): see connectRunning below.
 */
export const JWT_SECRET = 'e2e-secret-'.padEnd(40, 'x');

/** An answer read as JSON (the simulated clock's ops routes, which the published contract leaves out). */
export interface Response<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One party of a story: the services' typed clients (@bp/client, generated from the published
 * OpenAPI files) as this caller, so every story step is an operation of the contract and a contract
 * change the stories do not follow breaks their compilation.
 */
export interface Caller extends ServiceClients {
  role: Role;
  sub: string;
  token: string;
}

export interface E2eSystem {
  services: Partial<Record<ServiceName, RunningService>>;
  urls: Partial<Record<ServiceName, string>>;
  db: TestDatabase;
  kafka: TestKafka;
  /** Schema of each running service in the test database. */
  schemas: Record<ServiceName, string>;
  clockSchema: string;
  as(role: Role, sub: string): Caller;
  /** POST /ops/clock on one service: moves the shared clock and returns once everything settled. */
  advance(iso: string): Promise<{ now: string; rounds: number; fired: number; published: number }>;
  /** Waits until every service is at rest (nothing due, nothing unpublished, no consumer lag). */
  settle(): Promise<void>;
  now(): Promise<string>;
  /** GET /ops/clock of one service: the clock as that service reads it. */
  clockOf(service: ServiceName): Promise<{ now: string; simulated: boolean }>;
  /** Everything the partner consumer group has read so far (optionally about one order). */
  partnerEvents(filter?: { subject?: string; topic?: string }): IncomingEvent[];
  /** Waits until the partner group has read an event matching `match`. */
  awaitPartner(match: (e: IncomingEvent) => boolean, timeoutMs?: number): Promise<IncomingEvent>;
  stop(): Promise<void>;
}

/** A 503 with Retry-After is sent again at most this many times by the plain transport. */
const CATCHING_UP_RESENDS = 10;

/**
 * How a request reaches a service, for the typed clients and the ops calls alike. The plain one does
 * what the contract asks of every storefront: a 503 with Retry-After (a service catching up on
 * another's events, S3; the Idempotency-Key does not keep it) is sent again after the seconds it
 * names, a bounded number of times; anything else is the answer. A harness that kills services under
 * the stories passes one that also sends again what got no answer (crash/support/resilient-send.ts).
 */
export const plainTransport: Transport = async (req) => {
  // The body read once, so the request can be sent again as it was (no clone: its tee would hold it).
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
  for (let resent = 0; ; resent++) {
    // A backstop only: a killed process closes its sockets, so an unanswered request fails fast.
    const res = await fetch(new Request(req.url, { method: req.method, headers: req.headers, ...(body ? { body } : {}) }), {
      signal: AbortSignal.timeout(120_000),
    });
    const retryAfter = Number(res.headers.get('retry-after') ?? Number.NaN);
    if (res.status !== 503 || !Number.isFinite(retryAfter) || resent === CATCHING_UP_RESENDS) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
  }
};

/** Reads an answer's body: JSON when it parses, else the text. */
export const readBody = async (res: globalThis.Response): Promise<unknown> => {
  const text = await res.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
};

/** One request outside the published contract (the simulated clock's ops routes) over `transport`. */
export const opsRequest = async (
  transport: Transport,
  service: ServiceName,
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<Response> => {
  const req = new Request(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const res = await transport(req, service);
  return { status: res.status, body: await readBody(res), headers: res.headers };
};

let systems = 0;

/** `policy`: the in-process services' policy (default: DOMAIN.md's), e.g. D10 switched on. */
export interface SystemOptions {
  only?: ServiceName[];
  policy?: Policy;
}

/** The system the stories run against: a running one when E2E_SERVICE_URLS is set, else booted here. */
export const startSystem = async (o: SystemOptions = {}): Promise<E2eSystem> =>
  process.env.E2E_SERVICE_URLS ? connectRunning(process.env) : startInProcess(o);

/**
 * A partner: its own consumer group over every topic, reading CloudEvents headers. Delivery is
 * at least once (a relay killed after publishing and before marking it publishes again), so it
 * keeps one event per ce_id, as API.md tells partners to.
 */
const startPartner = async (brokers: string[], groupId: string) => {
  const registry = publicRegistry();
  const seen: IncomingEvent[] = [];
  const ids = new Set<string>();
  const partnerKafka = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.NOTHING });
  const partner: Consumer = partnerKafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await partner.connect();
  await partner.subscribe({ topics: Object.values(Topics), fromBeginning: true });
  await partner.run({
    eachMessage: async ({ topic, partition, message }) => {
      const parsed = parseKafkaMessage(registry, topic, partition, message);
      if (parsed.kind === 'event' && !ids.has(parsed.event.id)) {
        ids.add(parsed.event.id);
        seen.push(parsed.event);
      }
    },
  });
  return { seen, stop: () => partner.disconnect().catch(() => {}) };
};

/** What only the in-process system has (its database, its broker, its service objects). */
const inProcessOnly = <T extends object>(what: string): T =>
  new Proxy({} as T, {
    get: (_, key) => {
      throw new Error(`${what}.${String(key)}: this test needs the in-process system (unset E2E_SERVICE_URLS)`);
    },
  });

/** The stories' view of a system: callers, the clock, settling and the partner's reads. */
const systemApi = (o: {
  urls: Partial<Record<ServiceName, string>>;
  secret: string;
  seen: IncomingEvent[];
  settle: () => Promise<void>;
  transport?: Transport;
  /** How long awaitPartner waits by default (ms). */
  patienceMs?: number;
}): Pick<E2eSystem, 'as' | 'advance' | 'settle' | 'now' | 'clockOf' | 'partnerEvents' | 'awaitPartner'> & { ops: string } => {
  const { urls, secret, seen } = o;
  const transport = o.transport ?? plainTransport;
  const token = (role: Role, sub: string) => signDevToken({ sub, role, secret, ttl: 'PT2H' });
  const running = Object.fromEntries(Object.entries(urls).filter(([, u]) => u)) as Record<ServiceName, string>;
  const ops = token('ops', 'ops-e2e');
  const [anyService, anyUrl] = Object.entries(running)[0] as [ServiceName, string];
  const opsCall = (service: ServiceName, url: string, method: string, path: string, body?: unknown) =>
    opsRequest(transport, service, url, method, path, ops, body);
  return {
    ops,
    as(role, sub) {
      const t = token(role, sub);
      const clients: Partial<ServiceClients> = createServiceClients({ urls: running, token: t, transport });
      const client = <S extends ServiceName>(service: S): ServiceClients[S] => {
        const c = clients[service];
        if (!c) throw new Error(`the ${service} service is not running in this system`);
        return c as ServiceClients[S];
      };
      return {
        role,
        sub,
        token: t,
        get order() {
          return client('order');
        },
        get escrow() {
          return client('escrow');
        },
        get dispute() {
          return client('dispute');
        },
        get notification() {
          return client('notification');
        },
      };
    },
    async advance(iso) {
      const res = await opsCall(anyService, anyUrl, 'POST', '/ops/clock', { advanceBy: iso });
      if (res.status !== 200) throw new Error(`POST /ops/clock ${iso}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { now: string; rounds: number; fired: number; published: number };
    },
    settle: o.settle,
    async now() {
      const res = await opsCall(anyService, anyUrl, 'GET', '/ops/clock');
      return (res.body as { now: string }).now;
    },
    async clockOf(service) {
      const res = await opsCall(service, running[service], 'GET', '/ops/clock');
      if (res.status !== 200) throw new Error(`GET ${service} /ops/clock: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { now: string; simulated: boolean };
    },
    partnerEvents: (f = {}) => seen.filter((e) => (!f.subject || e.subject === f.subject) && (!f.topic || e.topic === f.topic)),
    async awaitPartner(match, timeoutMs = o.patienceMs ?? 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find(match);
        if (found) return found;
        if (Date.now() > until)
          throw new Error(`the partner group read no matching event within ${timeoutMs} ms (read: ${seen.map((e) => e.type).join(', ') || 'nothing'})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
};

/**
 * The stories against a system that is already running, e.g. `npm start` (simulated clock):
 *   E2E_SERVICE_URLS=order=http://127.0.0.1:3001,escrow=http://127.0.0.1:3002,dispute=http://127.0.0.1:3003,notification=http://127.0.0.1:3004
 *   E2E_JWT_SECRET (default: JWT_SECRET, else the dev secret `npm start` uses), KAFKA_BROKERS (default 127.0.0.1:9092).
 * Settling is POST /ops/clock/settle on every service, as POST /ops/clock does. Tests that reach into
 * the in-process services (their database, their policy) fail with a message saying so.
 */
const connectRunning = (env: NodeJS.ProcessEnv): Promise<E2eSystem> =>
  connectTo({
    urls: Object.fromEntries(
      String(env.E2E_SERVICE_URLS)
        .split(',')
        .filter(Boolean)
        .map((p) => p.split('=') as [string, string]),
    ) as Partial<Record<ServiceName, string>>,
    secret: env.E2E_JWT_SECRET ?? loadDevSecret({ env }),
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
  });

/** A running system given explicitly (the services' URLs, their JWT secret, the brokers, how to send). */
export const connectTo = async (o: {
  urls: Partial<Record<ServiceName, string>>;
  secret: string;
  brokers: string[];
  transport?: Transport;
  patienceMs?: number;
}): Promise<E2eSystem> => {
  const { urls, secret, brokers } = o;
  const transport = o.transport ?? plainTransport;
  const partner = await startPartner(brokers, `partner-e2e-${randomUUID().slice(0, 8)}`);
  let ops = '';
  const settleOver = (name: ServiceName, url: string) => async () => {
    const res = await opsRequest(transport, name, url, 'POST', '/ops/clock/settle', ops);
    if (res.status !== 200) throw new Error(`${name} could not settle: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { fired: number; published: number; lag: number };
  };
  const api = systemApi({
    urls,
    secret,
    seen: partner.seen,
    transport,
    ...(o.patienceMs ? { patienceMs: o.patienceMs } : {}),
    settle: async () => void (await settleAll(Object.entries(urls).map(([name, url]) => ({ name, settle: settleOver(name as ServiceName, url!) })))),
  });
  ops = api.ops;
  return {
    ...api,
    services: {},
    urls,
    db: inProcessOnly<TestDatabase>('db'),
    kafka: inProcessOnly<TestKafka>('kafka'),
    schemas: inProcessOnly<Record<ServiceName, string>>('schemas'),
    clockSchema: 'sim_clock',
    stop: partner.stop,
  };
};

/** Boots every service module that exists (or the ones named) and a partner consumer group. */
const startInProcess = async (o: SystemOptions = {}): Promise<E2eSystem> => {
  const db = await testDatabase('e2e');
  const kafka = await testKafka();
  const suffix = `${db.schema}_${++systems}`;
  const clockSchema = `${suffix}_clock`;
  const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });
  const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET, CLOCK: 'simulated', PORT: '0', LOG_LEVEL: 'silent' };
  const modules = (o.only ?? (['order', 'escrow', 'dispute', 'notification'] as const))
    .map((n) => findModule(n))
    .filter((m): m is ServiceModule => m !== undefined);
  const schemas = Object.fromEntries((['order', 'escrow', 'dispute', 'notification'] as const).map((n) => [n, `${suffix}_${n}`])) as Record<
    ServiceName,
    string
  >;

  const services: Partial<Record<ServiceName, RunningService>> = {};
  // One after the other: they share the clock row's schema and Postgres catalog on first migrate.
  for (const m of modules) {
    services[m.name] = await startService(m, {
      config: loadConfig(m.name, env),
      logger,
      pollIntervalMs: 50,
      schema: schemas[m.name],
      groupId: `${suffix}-${m.name}`,
      clockSchema,
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      ...(o.policy ? { policy: o.policy } : {}),
    });
  }
  const urls = Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.url])) as Partial<Record<ServiceName, string>>;
  // The settle loop of /ops/clock reads SERVICE_URLS lazily: point every service at the real ports.
  for (const s of Object.values(services)) s.ctx.config.SERVICE_URLS = { ...urls } as Record<string, string>;

  const partner = await startPartner(kafka.brokers, `partner-${suffix}`);
  const api = systemApi({
    urls,
    secret: JWT_SECRET,
    seen: partner.seen,
    settle: async () => void (await settleAll(Object.entries(services).map(([name, s]) => ({ name, settle: s.settle })))),
  });

  return {
    ...api,
    services,
    urls,
    db,
    kafka,
    schemas,
    clockSchema,
    async stop() {
      await partner.stop();
      for (const s of Object.values(services).reverse()) await s.stop().catch(() => {});
      await kafka.stop().catch(() => {});
      await db.pool
        .query(
          Object.values(schemas)
            .concat(clockSchema)
            .map((s) => `DROP SCHEMA IF EXISTS ${s} CASCADE;`)
            .join(' '),
        )
        .catch(() => {});
      await db.close();
    },
  };
};

/**
 * One running system per test file: started before its tests, stopped after them. Returns a
 * stand-in that forwards to the system once started (so tests can hold it in a `const`).
 */
export const useSystem = (o: SystemOptions = {}): E2eSystem => {
  let sys: E2eSystem | undefined;
  beforeAll(async () => {
    sys = await startSystem(o);
  }, 120_000);
  afterAll(async () => {
    await sys?.stop();
  });
  return new Proxy({} as E2eSystem, {
    get: (_, key) => {
      if (!sys) throw new Error('the e2e system is not started yet: use it inside a test');
      const value = (sys as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? value.bind(sys) : value;
    },
  });
};
