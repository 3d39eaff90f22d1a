// Log canaries (issue 11 "Logs"; reliability.md §3 "PII in logs", T14): the four services run with
// the production logger (createLogger: JSON lines, redaction by path) writing into memory at the
// production level (info; at debug the kafkajs log bridge breaks consumer groups, reported). A canary e-mail, shipping address and bearer token are sent through every route in bodies
// and headers, and through real flows (an order placed to that address, a recipient with that
// e-mail, a webhook secret issued); redaction works by path, not by content, so the only proof is
// that no log line anywhere holds a canary.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Role } from '@bp/contracts';
import { createLogger, signDevToken } from '@bp/http';
import { loadConfig, type RunningService, type ServiceName, settleAll, startService } from '@bp/runtime';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { validBody } from './support/bodies';
import { recordResult } from './support/results';
import { capturingRoutes, type DeclaredRoute, fill, modulesFor, ROLES } from './support/stack';

const SECRET = `canary-suite-secret-${randomBytes(8).toString('hex')}`;
const tag = randomBytes(6).toString('hex');
const CANARY_EMAIL = `canary.${tag}@leak-test.example`;
const CANARY_STREET = `${tag} Canary Lane`;
const CANARY_NAME = `Cana Ry${tag}`;
const CANARY_HEADER_SECRET = `sk_live_${tag}canary`;

describe('log canaries', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let dataDir: string;
  const lines: string[] = [];
  const svc = {} as Record<ServiceName, RunningService>;
  const routes: DeclaredRoute[] = [];
  const tokens: string[] = [];

  const token = (role: Role, sub: string) => {
    const t = signDevToken({ sub, role, secret: SECRET });
    tokens.push(t);
    return t;
  };
  const send = async (
    name: ServiceName,
    method: string,
    url: string,
    as: { role: Role; sub: string } | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const h: Record<string, string> = {
      'x-forwarded-for': CANARY_EMAIL,
      cookie: `session=${CANARY_HEADER_SECRET}`,
      'x-api-key': CANARY_HEADER_SECRET,
      'user-agent': `agent ${CANARY_EMAIL}`,
      referer: `https://shop.example/?email=${CANARY_EMAIL}`,
      ...headers,
    };
    if (as) h.authorization = `Bearer ${token(as.role, as.sub)}`;
    const res = await svc[name].app.inject({
      method: method as 'GET',
      url,
      headers: h,
      ...(body !== undefined && method !== 'GET' && method !== 'DELETE' ? { payload: body as object } : {}),
    });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : undefined };
  };
  const settle = () => settleAll(Object.entries(svc).map(([name, s]) => ({ name, settle: s.settle })));

  beforeAll(async () => {
    db = await testDatabase('sec_canary');
    kafka = await testKafka();
    dataDir = await mkdtemp(path.join(tmpdir(), 'sec-canary-'));
    const stream = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const modules = modulesFor(path.join(dataDir, 'blobs'));
    for (const name of ['order', 'escrow', 'dispute', 'notification'] as const) {
      const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET: SECRET, CLOCK: 'simulated', DATA_DIR: dataDir };
      svc[name] = await startService(capturingRoutes(modules[name], routes), {
        config: loadConfig(name, env),
        logger: createLogger({ name: `${name}-service`, level: 'info', stream }),
        listen: false,
        pollIntervalMs: 50,
        schema: `${db.schema}_${name}`,
        groupId: `${db.schema}-${name}`,
        clockSchema: `${db.schema}_clock`,
        consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
      });
    }
  }, 120_000);
  afterAll(async () => {
    for (const s of Object.values(svc).reverse()) await s.stop().catch(() => {});
    await kafka?.stop();
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
    for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
    await db?.close();
    await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('no canary e-mail, address, token or secret appears in any log line of any service', async () => {
    // The capture is wired and redaction is on (a probe through the service's own logger).
    svc.order.ctx.logger.info({ probe: `probe-${tag}`, email: CANARY_EMAIL }, 'canary probe');
    expect(lines.some((l) => l.includes(`probe-${tag}`))).toBe(true);

    // Real flows carrying the personal data.
    const buyer = { role: 'buyer' as const, sub: 'buyer-c' };
    const address = { name: CANARY_NAME, line1: CANARY_STREET, city: 'Springfield', postalCode: '12345', country: 'US' };
    expect((await send('notification', 'PUT', '/recipients/buyer-c', buyer, { email: CANARY_EMAIL, locale: 'en', emailOptOut: [] })).status).toBe(200);
    const hook = await send(
      'notification',
      'POST',
      '/webhooks',
      { role: 'partner', sub: 'partner-c' },
      { url: 'http://127.0.0.1:9/hook', eventTypes: ['marketplace.order.placed.v1'] },
    );
    expect(hook.status).toBe(201);
    const webhookSecret = hook.body.secret as string;
    const placed = await send('order', 'POST', '/orders', buyer, {
      sellerId: 'seller-c',
      currency: 'USD',
      items: [{ sku: 's', title: 'Lamp', quantity: 1, unitPrice: 1000 }],
      shippingAddress: address,
    });
    expect(placed.status).toBe(201);
    const orderId = placed.body.orderId as string;
    // S3: paid right after placing (escrow waits server-side for the order), no polling.
    expect((await send('escrow', 'POST', '/payments', buyer, { orderId, paymentMethod: { type: 'sandbox', token: 'tok_ok' } })).status).toBe(201);
    await settle();
    // Invalid input echoing the canaries back (validation messages are a classic leak).
    await send('notification', 'PUT', '/recipients/buyer-c', buyer, { email: `${CANARY_EMAIL}@@`, locale: CANARY_STREET });
    await send('order', 'POST', '/orders', buyer, {
      sellerId: CANARY_EMAIL,
      currency: CANARY_NAME,
      items: [],
      shippingAddress: { ...address, phone: CANARY_EMAIL },
    });

    // Every route, every role: canaries in every header and in the body (known string fields and extra ones).
    const params = {
      orderId,
      extensionId: 'ext-c',
      disputeId: 'disp-c',
      buyerId: 'buyer-c',
      sellerId: 'seller-c',
      userId: 'buyer-c',
      id: 'id-c',
      deliveryId: 'del-c',
      provider: 'sandbox',
    };
    let requests = 0;
    for (const r of routes) {
      const url = fill(r.url, params);
      const base = validBody(r.url);
      const bodies = [
        { ...(base as object), email: CANARY_EMAIL, shippingAddress: address, note: CANARY_STREET, message: CANARY_EMAIL, text: CANARY_STREET },
        JSON.parse(
          JSON.stringify(base).replace(
            /"(carrier|trackingNumber|text|message|note|reason|description|statement|title|sellerId)":"[^"]*"/g,
            `"$1":"${CANARY_EMAIL}"`,
          ),
        ),
      ];
      for (const role of r.public ? [undefined] : ROLES) {
        for (const body of bodies) {
          await send(r.service, r.method, url, role ? { role, sub: `${role}-c` } : undefined, body, {
            'x-sandbox-signature': `t=1,v1=${CANARY_HEADER_SECRET}`,
          });
          requests++;
        }
      }
    }
    // Let consumers, relays and deadlines (e-mail to the canary address, webhook attempts) run and log.
    await settle();
    await svc.notification.settle();

    const canaries = [CANARY_EMAIL, CANARY_STREET, CANARY_NAME, CANARY_HEADER_SECRET, webhookSecret, ...new Set(tokens.map((t) => t.split('.')[2]!))];
    const hits = lines.filter((l) => canaries.some((c) => l.includes(c) || l.includes(JSON.stringify(c).slice(1, -1)) || l.includes(encodeURIComponent(c))));
    recordResult(`log-canary requests=${requests} log_lines=${lines.length} canary_hits=${hits.length}`);
    expect(hits.map((l) => l.slice(0, 400))).toEqual([]);
    expect(requests).toBeGreaterThan(400);
    expect(lines.length).toBeGreaterThan(requests); // logging really happened (request lines at least)
  }, 90_000);
});
