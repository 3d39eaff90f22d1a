import { randomUUID } from 'node:crypto';
import { type EventDefinition, type EventEnvelope, publicRegistry, type Role, systemActor, Topics } from '@bp/contracts';
import { signDevToken } from '@bp/http';
import { type IncomingEvent, kafkaFromEnv, type MessageConsumer, type MessageProducer, parseKafkaMessage, toKafkaMessage } from '@bp/messaging';
import { loadConfig, type RunningService, type ServiceModule, settleAll, startService } from '@bp/runtime';
import { durationMs, type Policy } from '@bp/timers';
import pino from 'pino';
import type { TestDatabase } from './postgres';
import type { TestKafka } from './kafka';

/**
 * One service running in-process exactly as in production (HTTP kit, relay, consumer group,
 * scheduler), on a test database and broker, with its own simulated clock. Upstream services are
 * played by `publish` (what they would put on their topic); what this service publishes is read back
 * from the topics as a partner would.
 */
export interface ServiceUnderTest {
  service: RunningService;
  /** A valid dev token for any caller. */
  token(role: Role, sub: string): string;
  /** HTTP through `app.inject` as `as`; JSON in, JSON out. */
  request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    o?: { as?: { role: Role; sub: string }; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /**
   * Puts an upstream event on its topic as its producer would (CloudEvents binary mode), then settles
   * (unless `settle: false`: the event is on the topic, the service may not have consumed it yet).
   */
  publish<D>(def: EventDefinition, data: D, o?: { id?: string; time?: string; settle?: boolean }): Promise<string>;
  /** Every event this deployment's topics hold so far, decoded, in partition order per key. */
  published(topic?: string): IncomingEvent[];
  /** Waits until the topics hold an event matching `match` (the observer reads asynchronously). */
  awaitPublished(match: (e: IncomingEvent) => boolean, timeoutMs?: number): Promise<IncomingEvent>;
  /** Moves the simulated clock (ISO duration) and waits until everything due has fired and settled. */
  advance(iso: string): Promise<void>;
  now(): Date;
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const SECRET = 'test-secret-'.padEnd(40, 'x');
let counter = 0;

export const startServiceForTest = async (
  module: ServiceModule,
  o: { db: TestDatabase; kafka: TestKafka; policy?: Policy; env?: Record<string, string>; logLevel?: string },
): Promise<ServiceUnderTest> => {
  const suffix = `${o.db.schema}_${++counter}`;
  const env = {
    DATABASE_URL: o.db.url,
    KAFKA_BROKERS: o.kafka.brokers.join(','),
    JWT_SECRET: SECRET,
    CLOCK: 'simulated',
    LOG_LEVEL: 'silent',
    ...o.env,
  };
  const logger = pino({ level: o.logLevel ?? process.env.TEST_LOG ?? 'silent' });
  const service = await startService(module, {
    config: loadConfig(module.name, env),
    logger,
    listen: false,
    pollIntervalMs: 50,
    schema: `${suffix}_${module.name}`,
    groupId: `${suffix}-${module.name}`,
    clockSchema: `${suffix}_clock`,
    consumer: { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 },
    ...(o.policy ? { policy: o.policy } : {}),
  });

  const kafka = kafkaFromEnv({ clientId: `harness-${suffix}`, logger: pino({ level: 'silent' }), env: { KAFKA_BROKERS: o.kafka.brokers.join(',') } });
  const producer: MessageProducer = kafka.producer();
  await producer.connect();
  const registry = publicRegistry();
  const seen: IncomingEvent[] = [];
  const observer: MessageConsumer = kafka.consumer(`observer-${suffix}`, { sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await observer.connect();
  await observer.subscribe({ topics: Object.values(Topics), fromBeginning: true });
  await observer.run({
    eachBatch: async ({ batch: { topic, partition, messages } }) => {
      for (const message of messages) {
        try {
          const parsed = parseKafkaMessage(registry, topic, partition, message);
          if (parsed.kind === 'event') seen.push(parsed.event);
        } catch {
          // a malformed message is the test's own doing (poison tests); the observer skips it
        }
      }
    },
  });

  const settle = async () => {
    await settleAll([{ name: module.name, settle: service.settle }]);
  };

  return {
    service,
    token: (role, sub) => signDevToken({ sub, role, secret: SECRET }),
    async request(method, url, r = {}) {
      const headers: Record<string, string> = { ...r.headers };
      if (r.as) headers.authorization = `Bearer ${signDevToken({ sub: r.as.sub, role: r.as.role, secret: SECRET })}`;
      const res = await service.app.inject({ method, url, headers, ...(r.body !== undefined ? { payload: r.body as object } : {}) });
      const text = res.body;
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
    async publish(def, data, p = {}) {
      const id = p.id ?? randomUUID();
      const envelope: EventEnvelope = {
        id,
        type: def.type,
        schemaVersion: def.version,
        streamId: `test-${def.type}`,
        streamVersion: 1,
        occurredAt: p.time ?? service.ctx.clock.now().toISOString(),
        correlationId: id,
        causationId: null,
        actor: systemActor('test'),
        data: def.schema.parse(data),
      };
      const { topic, message } = toKafkaMessage(envelope, def, 'test');
      await producer.send({ topic, acks: -1, messages: [message] });
      if (p.settle !== false) await settle();
      return id;
    },
    published: (topic) => seen.filter((e) => !topic || e.topic === topic),
    async awaitPublished(match, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching event published within ${timeoutMs} ms (saw ${seen.map((e) => e.type).join(', ') || 'nothing'})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async advance(iso) {
      await (service.ctx.clock as unknown as { advance(ms: number): Promise<Date> }).advance(durationMs(iso));
      await settle();
    },
    now: () => service.ctx.clock.now(),
    settle,
    async stop() {
      await observer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await service.stop();
    },
  };
};
