// The four services in one process on one test database and one broker, each started by the
// harness (startServiceForTest) with its route declarations captured as they are registered, so
// the security suites can be generated from the route table instead of a hand-kept list.
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '@bp/contracts';
import { createDisputeService, localBlobStore } from '@bp/dispute-service';
import { createEscrowService } from '@bp/escrow-service';
import { createNotificationService, type WebhookResolve, type WebhookTransport } from '@bp/notification-service';
import { orderService } from '@bp/order-service';
import type { ServiceModule, ServiceName } from '@bp/runtime';
import { startServiceForTest, testDatabase, testKafka, type ServiceUnderTest, type TestDatabase, type TestKafka } from '@bp/testing';
import { defaultPolicy } from '@bp/timers';

export const ROLES: readonly Role[] = ['buyer', 'seller', 'agent', 'ops', 'partner'];

/** One route as the service declared it (method, URL pattern, access policy, schemas). */
export interface DeclaredRoute {
  service: ServiceName;
  method: string;
  url: string;
  roles: readonly Role[] | undefined;
  public: boolean;
  hasBody: boolean;
}

/** A module whose `routes` first hooks `onRoute`, so every route it registers is recorded. */
export const capturingRoutes = (module: ServiceModule, into: DeclaredRoute[]): ServiceModule => ({
  ...module,
  routes: async (app, ctx) => {
    app.addHook('onRoute', (r) => {
      const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
      for (const method of methods) {
        into.push({
          service: module.name,
          method,
          url: r.url,
          roles: r.config?.roles,
          public: r.config?.public === true,
          hasBody: Boolean(r.schema && (r.schema as { body?: unknown }).body),
        });
      }
    });
    await module.routes(app, ctx);
  },
});

export interface RunningStack {
  db: TestDatabase;
  kafka: TestKafka;
  dataDir: string;
  svc: Record<ServiceName, ServiceUnderTest>;
  routes: DeclaredRoute[];
  stop(): Promise<void>;
}

/**
 * Webhooks in the security stack reach loopback only (NETWORK rule): 127.0.0.1 is allowlisted for
 * the local receivers (the SSRF guard refuses it otherwise), no name is sent to DNS, and a URL the
 * fuzzer made up with a public IP literal is refused before any socket opens.
 */
const noDns: WebhookResolve = async (hostname) => {
  throw Object.assign(new Error(`no DNS in tests (${hostname})`), { code: 'ENOTFOUND' });
};
const loopbackOnly: WebhookTransport = (url, options, onResponse) => {
  if (url.hostname !== '127.0.0.1') throw Object.assign(new Error('test stack: loopback only'), { code: 'TEST_LOOPBACK_ONLY' });
  return request(url, options, onResponse);
};
export const webhookTestOptions = { env: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32' }, resolve: noDns, webhookTransport: loopbackOnly };

export const modulesFor = (blobDir: string): Record<ServiceName, ServiceModule> => ({
  order: orderService,
  // The sandbox confirms tok_ok at once; no background confirmation of slow payments here.
  escrow: createEscrowService({ sandboxWebhookDelay: 'off' }),
  dispute: createDisputeService({ blobs: () => localBlobStore(blobDir) }),
  notification: createNotificationService(webhookTestOptions),
});

/**
 * S3's server-side waits for an order a service has not heard of (5 s, 1 s by default) shortened:
 * the fuzzer names thousands of unknown ids, and each would wait the whole bound for nothing.
 */
const STACK_POLICY = { ...defaultPolicy, api: { ...defaultPolicy.api, readYourWritesWait: 'PT0.05S', staleFactsWait: 'PT0.05S' } };

/** Starts the named services (default all four) sharing one database and broker. */
export const startStack = async (prefix: string, names: readonly ServiceName[] = ['order', 'escrow', 'dispute', 'notification']): Promise<RunningStack> => {
  const db = await testDatabase(prefix);
  const kafka = await testKafka();
  const dataDir = await mkdtemp(path.join(tmpdir(), `${prefix}-`));
  const modules = modulesFor(path.join(dataDir, 'blobs'));
  const routes: DeclaredRoute[] = [];
  const svc = {} as Record<ServiceName, ServiceUnderTest>;
  const started: ServiceUnderTest[] = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => {});
    await kafka.stop().catch(() => {});
    // startServiceForTest puts each service's schema and clock next to the test schema.
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
    for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`).catch(() => {});
    await db.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    for (const name of names) {
      const s = await startServiceForTest(capturingRoutes(modules[name], routes), { db, kafka, env: { DATA_DIR: dataDir }, policy: STACK_POLICY });
      started.push(s);
      svc[name] = s;
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { db, kafka, dataDir, svc, routes, stop };
};

/** Polls `probe` until it yields a value: for effects another service completes asynchronously. */
export const waitFor = async <T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 15_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

/** The OpenAPI operations a service documents at /docs/json: `METHOD /path/{param}`. */
export const documentedOperations = async (s: ServiceUnderTest): Promise<{ doc: OpenApiDoc; ops: string[] }> => {
  const res = await s.request('GET', '/docs/json');
  if (res.status !== 200) throw new Error(`/docs/json answered ${res.status}`);
  const doc = res.body as OpenApiDoc;
  const ops = Object.entries(doc.paths).flatMap(([p, item]) =>
    Object.keys(item)
      .filter((m) => ['get', 'post', 'put', 'delete', 'patch'].includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
  return { doc, ops };
};

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}
export interface OpenApiOperation {
  parameters?: { in: string; name: string; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
  security?: unknown[];
}
export type JsonSchema = Record<string, any>;

/** `/orders/:orderId` -> `/orders/{orderId}` (OpenAPI's spelling). */
export const toOpenApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export const fill = (url: string, params: Record<string, string>): string =>
  url.replace(/[:{]([A-Za-z0-9_]+)}?/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for :${name} in ${url}`);
    return encodeURIComponent(v);
  });
