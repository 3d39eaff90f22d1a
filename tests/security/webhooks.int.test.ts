// Partner webhooks end to end (issue 11 "Webhooks"; N4, N5): the real notification service, with
// the production logger (createLogger, redaction by path) captured in memory as in
// log-canary.int.test.ts, delivers signed webhooks over HTTP to the reference receiver on a local
// port. Genuine deliveries are processed once (a handler failure is retried by the sender and then
// processed); captured deliveries replayed byte for byte are acknowledged without processing inside
// the tolerance and refused as stale after it; forgeries are refused; the subscription's secret and
// the signatures appear in no log line of either side.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { type EventDefinition, type EventEnvelope, OrderCompleted, OrderPlaced, systemActor } from '@bp/contracts';
import { createLogger, signDevToken } from '@bp/http';
import { toKafkaMessage } from '@bp/messaging';
import { createReferenceReceiver, receiverLogger, type VerifiedDelivery } from '@bp/example-webhook-receiver';
import { createNotificationService } from '@bp/notification-service';
import { loadConfig, type RunningService, settleAll, startService } from '@bp/runtime';
import { testDatabase, testKafka, type TestDatabase, type TestKafka } from '@bp/testing';
import { defaultPolicy, durationMs, snapshotOf } from '@bp/timers';
import type { FastifyInstance } from 'fastify';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { recordResult } from './support/results';
import { webhookTestOptions } from './support/stack';

const JWT_SECRET = `webhooks-suite-${randomBytes(8).toString('hex')}`.padEnd(40, 'x');
const COMPLETED = 'marketplace.order.completed.v1';
const TOLERANCE = 300;
// A secret the partner rotated away from but still accepts (rotation: N4 "signed webhooks").
const PREVIOUS_SECRET = `whsec_previous_${randomBytes(16).toString('hex')}`;

// Issue 17 SSRF: what the stubbed resolver answers (no name ever reaches DNS); any other name does not resolve.
const NAMES: Record<string, string[]> = {
  'metadata.rebind.test': ['169.254.169.254'],
  'mixed.rebind.test': ['93.184.215.14', '10.0.0.1'], // one public, one private: refused
  'v6-loopback.test': ['::1'],
  'mapped.test': ['::ffff:127.0.0.2'],
  localhost: ['127.0.0.1', '::1'], // ::1 is not allowlisted, so localhost is refused as a whole
  'receiver.test': ['127.0.0.1'], // only the allowlisted address
};
const stubResolve = async (hostname: string): Promise<string[]> => {
  const found = NAMES[hostname];
  if (!found) throw Object.assign(new Error(`${hostname} does not resolve`), { code: 'ENOTFOUND' });
  return found;
};

interface Captured {
  headers: Record<string, string>;
  body: Buffer;
}

describe('webhook signatures, replays and forgeries (N4)', () => {
  let db: TestDatabase;
  let kafka: TestKafka;
  let svc: RunningService;
  let producer: Producer;
  let receiver: FastifyInstance;
  let receiverUrl: string;
  const serviceLines: string[] = [];
  const receiverLines: string[] = [];
  const captured: Captured[] = []; // every POST the service made, as received (not the test's own)
  const processed: VerifiedDelivery[] = [];
  const failOnce = new Set<string>(); // order ids whose first handling throws
  let secrets: string[] = [PREVIOUS_SECRET];

  const capture = (into: string[]) =>
    new Writable({
      write(chunk, _enc, cb) {
        into.push(String(chunk));
        cb();
      },
    });
  const now = () => svc.ctx.clock.now();
  const settle = () => settleAll([{ name: 'notification', settle: svc.settle }]);
  const advance = async (iso: string) => {
    await (svc.ctx.clock as unknown as { advance(ms: number): Promise<Date> }).advance(durationMs(iso));
    await settle();
  };
  const publish = async (def: EventDefinition, data: unknown) => {
    const id = randomUUID();
    const envelope: EventEnvelope = {
      id,
      type: def.type,
      schemaVersion: def.version,
      streamId: `test-${def.type}`,
      streamVersion: 1,
      occurredAt: now().toISOString(),
      correlationId: id,
      causationId: null,
      actor: systemActor('test'),
      data: def.schema.parse(data),
    };
    const { topic, message } = toKafkaMessage(envelope, def, 'test');
    await producer.send({ topic, acks: -1, messages: [message] });
    await settle();
    return id;
  };
  // One order placed then completed: the completion is what the partner subscribed to.
  const completeOrder = async (orderId: string) => {
    const at = now().toISOString();
    const usd = { amount: 12_345, currency: 'USD' };
    await publish(OrderPlaced, {
      orderId,
      buyerId: 'buyer-wh',
      sellerId: 'seller-wh',
      currency: 'USD',
      items: [{ sku: 'sku-1', title: 'Teapot', quantity: 1, unitPrice: usd }],
      total: usd,
      protectionDays: 60,
      handlingDays: 7,
      placedAt: at,
      paymentDueAt: new Date(now().getTime() + durationMs('PT24H')).toISOString(),
      policy: snapshotOf(defaultPolicy),
    });
    return publish(OrderCompleted, { orderId, buyerId: 'buyer-wh', sellerId: 'seller-wh', amount: usd, completedAt: at, reason: 'CONFIRMED' });
  };
  const request = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown) => {
    const authorization = `Bearer ${signDevToken({ sub: 'cashback-wh', role: 'partner', secret: JWT_SECRET })}`;
    const res = await svc.app.inject({ method, url, headers: { authorization }, ...(body !== undefined ? { payload: body as object } : {}) });
    return { status: res.statusCode, body: res.body ? (JSON.parse(res.body) as any) : undefined };
  };
  const send = async (headers: Record<string, string>, body: Buffer | string) => {
    const res = await fetch(receiverUrl, { method: 'POST', headers: { ...headers, 'x-test-replay': '1' }, body });
    return { status: res.status, body: (await res.json()) as { status: string; reason?: string } };
  };
  const processedTwice = () => {
    const counts = new Map<string, number>();
    for (const e of processed) counts.set(e.id, (counts.get(e.id) ?? 0) + 1);
    return [...counts.values()].filter((n) => n > 1).length;
  };

  beforeAll(async () => {
    db = await testDatabase('sec_webhooks');
    kafka = await testKafka();
    const env = { DATABASE_URL: db.url, KAFKA_BROKERS: kafka.brokers.join(','), JWT_SECRET, CLOCK: 'simulated' };
    svc = await startService(createNotificationService({ ...webhookTestOptions, resolve: stubResolve }), {
      config: loadConfig('notification', env),
      logger: createLogger({ name: 'notification-service', level: 'info', stream: capture(serviceLines) }),
      listen: false,
      pollIntervalMs: 50,
      schema: `${db.schema}_notification`,
      groupId: `${db.schema}-notification`,
      clockSchema: `${db.schema}_clock`,
      consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
    });
    producer = new Kafka({ clientId: `${db.schema}-upstream`, brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();

    receiver = createReferenceReceiver({
      secrets: () => secrets,
      // The receiver keeps the deployment's (simulated) time, as a partner's clock keeps real time.
      now,
      toleranceSeconds: TOLERANCE,
      logger: receiverLogger(capture(receiverLines)),
      handler: (e) => {
        const orderId = (e.data as { orderId: string }).orderId;
        if (failOnce.delete(orderId)) throw new Error(`partner database unavailable for ${orderId}`);
        processed.push(e);
      },
    });
    receiver.addHook('preHandler', async (req) => {
      if (req.headers['x-test-replay']) return; // the test's own replays and forgeries
      // What the sender chose to send (not host, content-length and other transport headers).
      const kept = Object.entries(req.headers).filter(([k]) => k === 'content-type' || k.startsWith('webhook-') || k.startsWith('ce-'));
      captured.push({ headers: Object.fromEntries(kept.map(([k, v]) => [k, String(v)])), body: req.body as Buffer });
    });
    await receiver.listen({ port: 0, host: '127.0.0.1' });
    receiverUrl = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/webhooks`;
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await producer?.disconnect().catch(() => {});
    await svc?.stop().catch(() => {});
    await kafka?.stop();
    const { rows } = await db.pool.query<{ n: string }>(`SELECT nspname AS n FROM pg_namespace WHERE nspname LIKE $1`, [`${db.schema}\\_%`]);
    for (const r of rows) await db.pool.query(`DROP SCHEMA IF EXISTS "${r.n}" CASCADE`);
    await db?.close();
  }, 60_000);

  it('processes genuine deliveries once, acknowledges replays, refuses stale replays and forgeries, logs no secret', async () => {
    const created = await request('POST', '/webhooks', { url: receiverUrl, eventTypes: [COMPLETED] });
    expect(created.status).toBe(201);
    const { id: subscriptionId, secret } = created.body as { id: string; secret: string };
    secrets = [secret, PREVIOUS_SECRET];

    // Genuine deliveries; the partner's handler fails once for o-wh-2: 500, the sender retries (N4).
    failOnce.add('o-wh-2');
    const eventIds: string[] = [];
    for (const orderId of ['o-wh-1', 'o-wh-2', 'o-wh-3', 'o-wh-4']) eventIds.push(await completeOrder(orderId));
    expect(captured).toHaveLength(4);
    expect(processed.map((e) => e.id)).toEqual([eventIds[0], eventIds[2], eventIds[3]]);
    await advance('PT10S'); // the sender's first backoff
    expect(captured).toHaveLength(5);
    expect(processed.map((e) => e.id).sort()).toEqual([...eventIds].sort());
    const log = await request('GET', `/webhooks/${subscriptionId}/deliveries`);
    expect(log.body.items.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const genuine = [...captured];

    // A redelivery asked through the API inside the tolerance: freshly signed, same Webhook-Id, so
    // acknowledged (200, the log says succeeded) and not processed again.
    const again = genuine[0]!.headers['webhook-id']!;
    expect((await request('POST', `/webhooks/${subscriptionId}/deliveries/${again}/redeliver`)).status).toBe(202);
    await settle();
    expect(captured).toHaveLength(6);
    expect((await request('GET', `/webhooks/${subscriptionId}/deliveries`)).body.items.find((d: { id: string }) => d.id === again)).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      lastStatus: 200,
    });

    // Replays of every captured delivery, same bytes, inside the tolerance: acknowledged, not processed.
    let replaysAcknowledged = 0;
    // genuine[1] is the attempt the handler failed: its retry has since succeeded, so it too is a duplicate.
    for (const c of genuine) {
      expect(await send(c.headers, c.body)).toEqual({ status: 200, body: { status: 'duplicate' } });
      replaysAcknowledged++;
    }
    // The same bytes under a made-up Webhook-Id (that header is not signed): still a duplicate.
    for (const c of genuine) {
      expect(await send({ ...c.headers, 'webhook-id': randomUUID() }, c.body)).toEqual({ status: 200, body: { status: 'duplicate' } });
      replaysAcknowledged++;
    }

    // Forgeries: tampered bytes, wrong secret, a secret-less made-up event, missing or broken headers.
    const t = Math.floor(now().getTime() / 1000);
    const sign = (key: string, body: string, at = t) => `t=${at},v1=${createHmac('sha256', key).update(`${at}.${body}`).digest('hex')}`;
    const sample = genuine[0]!;
    const tampered = sample.body.toString('utf8').replace('"amount":12345', '"amount":99999999');
    expect(tampered).not.toBe(sample.body.toString('utf8'));
    const madeUp = JSON.stringify({ ...JSON.parse(sample.body.toString('utf8')), id: randomUUID(), subject: 'o-forged', data: { orderId: 'o-forged' } });
    const forgeries: [Record<string, string>, string | Buffer, number, string][] = [
      [sample.headers, tampered, 401, 'bad_signature'],
      [{ ...sample.headers, 'webhook-id': randomUUID(), 'webhook-signature': sign('whsec_guessed', madeUp) }, madeUp, 401, 'bad_signature'],
      [{ ...sample.headers, 'webhook-id': randomUUID(), 'webhook-signature': `t=${t},v1=${'0'.repeat(64)}` }, madeUp, 401, 'bad_signature'],
      [{ ...sample.headers, 'webhook-id': randomUUID(), 'webhook-signature': `t=${t},v1=abcd` }, madeUp, 401, 'bad_signature'],
      [{ 'content-type': 'application/json', 'webhook-id': randomUUID() }, madeUp, 400, 'malformed_header'],
      [{ 'content-type': 'application/json', 'webhook-signature': sign('whsec_guessed', madeUp) }, madeUp, 400, 'malformed_header'],
      [{ ...sample.headers, 'webhook-signature': 'v1=deadbeef,t=yesterday' }, sample.body, 400, 'malformed_header'],
      // Genuinely signed but an hour ahead (a skewed or pre-computed signature): stale, both ways.
      [{ ...sample.headers, 'webhook-id': randomUUID(), 'webhook-signature': sign(secret, madeUp, t + 3600) }, madeUp, 401, 'stale'],
    ];
    for (const [headers, body, status, reason] of forgeries) expect(await send(headers, body)).toEqual({ status, body: { status: 'refused', reason } });

    // Time moves past the tolerance: the same captured bytes are now refused as stale, not acknowledged.
    await advance(`PT${TOLERANCE + 60}S`);
    let staleRefused = 0;
    for (const c of genuine) {
      expect(await send(c.headers, c.body)).toEqual({ status: 401, body: { status: 'refused', reason: 'stale' } });
      staleRefused++;
    }

    // Deliveries keep flowing after all that: a fifth order is processed, once.
    eventIds.push(await completeOrder('o-wh-5'));
    expect(processed.map((e) => e.id).sort()).toEqual([...eventIds].sort());
    expect(processedTwice()).toBe(0);
    expect(processed.some((e) => e.subject === 'o-forged')).toBe(false);

    // No secret (current or previous) nor any signature in any log line of either side.
    const signatures = captured.map((c) => c.headers['webhook-signature']!.split('v1=')[1]!);
    const leaks = [secret, PREVIOUS_SECRET, ...signatures];
    const all = [...serviceLines, ...receiverLines];
    const hits = all.filter((l) => leaks.some((s) => l.includes(s) || l.includes(encodeURIComponent(s))));
    expect(receiverLines.some((l) => l.includes('webhook processed'))).toBe(true); // the capture is wired
    expect(receiverLines.filter((l) => l.includes('webhook refused')).length).toBe(forgeries.length + staleRefused);
    expect(serviceLines.length).toBeGreaterThan(0);

    const deliveries = captured.length;
    recordResult(
      `webhooks deliveries=${deliveries} processed=${processed.length} replays_acknowledged=${replaysAcknowledged} stale_replays_refused=${staleRefused} forgeries_refused=${forgeries.length} processed_twice=${processedTwice()} secret_leaks=${hits.length} log_lines=${all.length}`,
    );
    expect(hits.map((l) => l.slice(0, 300))).toEqual([]);
  }, 90_000);
  it('refuses webhook URLs on loopback, link-local, private and reserved ranges, literal or resolved, unless allowlisted (issue 17 SSRF, N4)', async () => {
    const NEVER_PUBLISHED = 'marketplace.dispute.appeal-filed.v1';
    const refused = [
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://[::1]:5432/',
      'http://127.0.0.2:3002/', // loopback outside the allowlisted 127.0.0.1/32
      'http://[::ffff:127.0.0.2]:3002/',
      'http://[::ffff:169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of the metadata address
      'http://2852039166/', // 169.254.169.254 as one integer
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://0.0.0.0:3002/',
      'http://[::]:3002/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'https://192.168.1.1/',
      'http://100.64.0.1/', // CGNAT
      'http://198.18.0.1/', // benchmarking
      'http://192.0.2.1/', // documentation
      'http://224.0.0.1/',
      'http://255.255.255.255/',
      'http://[fe80::1]/',
      'http://[fd00::1]/',
      'http://[ff02::1]/',
      'http://[2001:db8::1]/',
      'http://metadata.rebind.test/',
      'http://mixed.rebind.test/',
      'http://v6-loopback.test/',
      'http://mapped.test/',
      'http://localhost:3002/',
    ];
    const answers: string[] = [];
    for (const url of refused) {
      const res = await request('POST', '/webhooks', { url, eventTypes: [NEVER_PUBLISHED] });
      answers.push(`${url} ${res.status} ${res.body?.code}`);
    }
    expect(answers).toEqual(refused.map((url) => `${url} 422 WEBHOOK_TARGET_FORBIDDEN`));

    // Allowlisted 127.0.0.1 (literal or resolved), and a name that does not resolve yet (each
    // delivery checks again), are accepted.
    const accepted = [`${receiverUrl}-extra`, 'http://receiver.test:9/hook', 'https://not-yet.partner.test/hook'];
    const ids: string[] = [];
    for (const url of accepted) {
      const res = await request('POST', '/webhooks', { url, eventTypes: [NEVER_PUBLISHED] });
      expect({ url, status: res.status }).toEqual({ url, status: 201 });
      ids.push(res.body.id);
    }
    // Nothing was recorded for a refused URL.
    const listed = (await request('GET', '/webhooks?limit=100')).body.items.map((i: { url: string }) => i.url);
    expect(listed.filter((u: string) => refused.includes(u))).toEqual([]);
    for (const id of ids) expect((await request('DELETE', `/webhooks/${id}`)).status).toBe(204);
    recordResult(`webhook_ssrf registration_refused=${refused.length} accepted=${accepted.length}`);
  });
});
