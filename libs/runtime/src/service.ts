import { buildAsyncApi, ConsumerGroups, EventRegistry, publicRegistry } from '@bp/contracts';
import { channelName, createEventStore, loadCheckpoint, writesPerTick } from '@bp/eventstore';
import { createLogger, createServiceApp, migrateIdempotency, registerAsyncApi, type ServiceApp } from '@bp/http';
import {
  type ConsumerChaos,
  type ConsumerTuning,
  consumerChaosFromEnv,
  createConsumerRunner,
  createGroupMembership,
  createRelay,
  kafkaFromEnv,
  type MessageAdmin,
} from '@bp/messaging';
import { countDueDeadlines, createScheduler, deadlineChannel, defaultPolicy, migrateDeadlines, type Clock, type Policy, systemClock } from '@bp/timers';
import { setupTracing } from '@bp/tracing';
import { Pool } from 'pg';
import type pino from 'pino';
import { authFromConfig } from './auth-from-config';
import type { ServiceConfig } from './config';
import { consumerLag, groupPositions } from './consumer-lag';
import type { ServiceContext, ServiceModule } from './module';
import { clockRoutes } from './ops-clock';
import { CLOSE_TIMEOUT_MS, createPartClosers, type PartClosers } from './part-closers';
import { createServiceMetrics } from './service-metrics';
import type { ModuleSettleReport, SettleReport } from './settle';
import { createSharedClock, type SharedClock } from './shared-clock';

/**
 * Idle costs nothing (issue 18 item 5): relay and scheduler wake on NOTIFY (a commit with a public
 * event; a deadline sync) and poll only this rarely, as a safety net for a lost notification. The
 * simulated clock's row is re-read as rarely: every settle round (POST /ops/clock) re-reads it first.
 */
const IDLE_FALLBACK_POLL_MS = 5000;

/**
 * The broker's long-poll wait of an idle consumer's fetch (kafkajs's default is 5 s). A fetch done
 * (and the heartbeat after it) is the consumer's sign of life, which S3's waits read to tell "not
 * known" from "not consumed yet" (GroupMembership): it must come well within the shortest wait.
 */
const FETCH_WAIT_MS = 1000;
/** A consumer silent for this long is not taken as consuming (three idle fetches). */
const aliveWithin = (fetchWaitMs: number) => Math.max(2000, 3 * fetchWaitMs);

export interface StartOptions {
  config: ServiceConfig;
  logger?: pino.Logger;
  policy?: Policy;
  /** Listen on config.port (default true); tests may use `app.inject` only. */
  listen?: boolean;
  /** Consumer group timings (tests shorten session timeouts and fetch waits). */
  consumer?: ConsumerTuning;
  /** Reliability tests: duplicate and/or shuffle deliveries (default: CONSUMER_CHAOS in the config). */
  chaos?: ConsumerChaos;
  /** Scheduler and relay poll interval in ms (default: woken by NOTIFY, IDLE_FALLBACK_POLL_MS when idle). */
  pollIntervalMs?: number;
  /** Postgres schema and consumer group (default: the service name and its group); tests run copies. */
  schema?: string;
  groupId?: string;
  /** Schema of the simulated clock row (default `sim_clock`): one per deployment. */
  clockSchema?: string;
}

export interface RunningService {
  ctx: ServiceContext;
  app: ServiceApp;
  /** `http://host:port` when listening. */
  url: string;
  /** One settle round for this service: refresh the clock, fire what is due, publish, measure lag. */
  settle(): Promise<SettleReport>;
  /** Closes the app (its hooks stop every part); later calls return the same promise. `true` when every part closed cleanly. */
  stop(): Promise<boolean>;
}

const settleOnce = async (
  ctx: ServiceContext,
  parts: {
    groupId: string;
    clock: SharedClock | undefined;
    runDue: () => Promise<number>;
    drain: () => Promise<number>;
    admin: MessageAdmin;
    topics: readonly string[];
    publicTypes: string[];
    moduleSettle: (() => Promise<ModuleSettleReport>) | undefined;
  },
): Promise<SettleReport> => {
  if (parts.clock) await parts.clock.refresh();
  const fired = await parts.runDue();
  // the module's own background work (escrow: refunds due now), before the drain publishes its events
  const own = parts.moduleSettle ? await parts.moduleSettle() : { worked: 0, pending: 0 };
  const published = await parts.drain();
  // Work another loop holds right now (background relay or scheduler) must also count as not quiet.
  // Read the log directly, not through the gap-safe reader: that one hides committed events while
  // any transaction anywhere holds the xmin horizon back, which would look like "all published".
  const checkpoint = await loadCheckpoint(ctx.pool, ctx.schema, 'relay');
  const { rows: pending } = await ctx.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM "${ctx.schema}".events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND type = ANY($3::text[]) LIMIT 1) AS x`,
    [checkpoint.txId, checkpoint.position, parts.publicTypes],
  );
  const unpublished = pending[0]!.n;
  const due = await countDueDeadlines(ctx.pool, ctx.schema, ctx.clock.now());
  const lag = await consumerLag(parts.admin, parts.groupId, parts.topics);
  return { fired: fired + due, published: published + unpublished, lag, worked: own.worked, pending: own.pending };
};

/**
 * The channel a service's appends NOTIFY and its relay LISTENs on (one per schema, so test copies of
 * a service in other schemas do not wake each other); undefined when the name would not fit in a
 * Postgres identifier (the relay then only polls).
 */
export const relayChannel = (schema: string): string | undefined => channelName(`bp_relay_${schema}`);

/** Pool, log, shared tables and the service's own tables: everything a process needs before it works. */
export const prepareService = async (module: ServiceModule, o: StartOptions & { logger: pino.Logger }) => {
  const { config, logger } = o;
  // Pipelined connections (node-postgres): a statement sent while the previous one is unanswered
  // goes out at once; a command's append and its first hook share a round trip (issue 18 item 2).
  // Code that awaits each statement is unaffected.
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: config.DB_POOL_MAX, pipeline: true });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  // A connection that breaks while checked out emits 'error' on its client, where nobody listens:
  // without this the process would crash; with it, the query in flight rejects and is retried.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger.warn({ err }, 'database connection failed'));
    writesPerTick(client);
  });
  // The pool is this step's only resource: a failed migration ends it (no leaked connections).
  try {
    const schema = o.schema ?? module.name;
    const channel = relayChannel(schema);
    // Only appends holding a public event wake the relay: private ones have nothing to publish.
    const notify = channel ? { notify: { channel, types: new Set(module.publishes.map((d) => d.type)) } } : {};
    const store = createEventStore({ pool, schema, registry: module.registry, ...notify });
    await store.migrate();
    await migrateDeadlines(pool, schema);
    await migrateIdempotency(pool, schema);
    const sharedClock = config.CLOCK === 'simulated' ? await createSharedClock(pool, o.clockSchema ?? config.CLOCK_SCHEMA) : undefined;
    const clock: Clock = sharedClock ?? systemClock;
    const membership = createGroupMembership({ aliveWithinMs: aliveWithin(o.consumer?.maxWaitTimeInMs ?? FETCH_WAIT_MS) });
    const ctx: ServiceContext = { name: module.name, schema, config, logger, pool, store, clock, policy: o.policy ?? defaultPolicy, membership };
    for (const p of module.projections?.(ctx) ?? []) await p.migrate(pool);
    await module.migrate?.(ctx);
    return { ctx, sharedClock };
  } catch (err) {
    await pool.end();
    logger.info({ component: 'pool' }, 'closed');
    throw err;
  }
};

/**
 * Starts one service: migrations, HTTP, relay, consumers, scheduler, the service's background tasks.
 * Each part's closer is registered as soon as that part exists, so a start that fails midway stops
 * what already started (in reverse) and rethrows. Once the Fastify app exists, stopping the service
 * is `app.close()`: preClose hooks stop taking work while in-flight requests finish (readiness fails
 * first so load balancers stop sending, then consumers, relay, scheduler, clock refresh), Fastify
 * closes the server, then onClose hooks release resources (the service's background tasks in reverse
 * start order, Kafka admin, the pool; tracing last: it exports the spans of everything above).
 */
export const startService = async (module: ServiceModule, o: StartOptions): Promise<RunningService> => {
  const { config } = o;
  const logger = o.logger ?? createLogger({ name: `${module.name}-service`, level: config.LOG_LEVEL });
  const parts = createPartClosers(logger);
  // Set once the app exists: from then on stopping the service is closing the app.
  const held: { app?: ServiceApp } = {};
  let stopping: Promise<boolean> | undefined;
  const stop = (reason: string): Promise<boolean> => {
    stopping ??= (async () => {
      logger.info({ reason }, 'shutting down');
      try {
        await held.app?.close();
      } catch (err) {
        parts.failed('http', err);
      }
      // What no hook closed: every part when the app never existed; after a boot that failed before
      // Fastify armed its preClose hooks, the parts those would have stopped.
      await parts.closeRest();
      logger.info({ clean: parts.clean }, 'shutdown complete');
      return parts.clean;
    })();
    return stopping;
  };
  try {
    const started = await startParts(module, o, logger, parts, held);
    return { ...started, stop: () => stop('stop') };
  } catch (err) {
    logger.error({ err }, 'service failed to start; stopping what started');
    await stop('failed start');
    throw err;
  }
};

/** Stop taking work, in this order, while in-flight requests finish (Fastify runs preClose hooks in registration order). */
const STOP_TAKING_WORK = ['readiness', 'consumers', 'relay', 'scheduler', 'clock'] as const;

const startParts = async (
  module: ServiceModule,
  o: StartOptions,
  logger: pino.Logger,
  parts: PartClosers,
  held: { app?: ServiceApp },
): Promise<Omit<RunningService, 'stop'>> => {
  const { config } = o;
  // Off (no tracer) unless OTEL_TRACES_EXPORTER says otherwise or a test records spans.
  const tracing = setupTracing({ service: module.name, exporter: config.OTEL_TRACES_EXPORTER, logger });
  parts.add('tracing', () => tracing.shutdown());
  const traced = tracing.tracer ? { tracer: tracing.tracer } : {};
  const { ctx, sharedClock } = await prepareService(module, { ...o, logger });
  const { pool, store, schema, clock } = ctx;
  parts.add('pool', () => pool.end());
  const groupId = o.groupId ?? ConsumerGroups[module.name];

  const kafka = kafkaFromEnv({ clientId: `${module.name}-service`, logger, env: { ...process.env, KAFKA_BROKERS: config.KAFKA_BROKERS } });
  const admin = kafka.admin();
  parts.add('kafka-admin', () => admin.disconnect());
  await admin.connect();
  const poll = o.pollIntervalMs;
  const channel = store.notify?.channel;
  const relay = createRelay({
    store,
    registry: new EventRegistry([...module.publishes]),
    kafka,
    service: module.name,
    logger,
    ...(poll ? { pollIntervalMs: poll } : channel ? { pollIntervalMs: IDLE_FALLBACK_POLL_MS } : {}),
    // Woken by the NOTIFY of each append that commits a public event; the poll stays the safety net.
    ...(channel ? { listen: channel } : {}),
    ...traced,
  });
  const topics = module.consumes?.topics ?? [];
  // S3: a wait that ends with nothing known says "unknown" only once the group consumed what the topics held (membership.ts).
  if (topics.length > 0) ctx.membership.readPositionsWith(() => groupPositions(admin, groupId, topics, true));
  const publicTypes = module.publishes.map((d) => d.type);
  const metrics = createServiceMetrics({
    pool,
    schema,
    publicTypes,
    admin,
    groupId,
    topics,
    warn: (err, what) => logger.warn({ err }, `metrics: ${what} unavailable`),
  });
  const session = config.KAFKA_CONSUMER_SESSION_TIMEOUT_MS;
  const chaos = o.chaos ?? consumerChaosFromEnv({ CONSUMER_CHAOS: config.CONSUMER_CHAOS, CONSUMER_CHAOS_SEED: config.CONSUMER_CHAOS_SEED });
  const consumerTuning = o.consumer ?? {
    maxWaitTimeInMs: FETCH_WAIT_MS,
    ...(session ? { sessionTimeout: session, heartbeatInterval: Math.max(100, Math.floor(session / 6)) } : {}),
  };
  const consumer = module.consumes
    ? createConsumerRunner({
        kafka,
        groupId,
        topics: [...topics],
        registry: publicRegistry(),
        pool,
        schema,
        handlers: module.consumes.handlers(ctx),
        logger,
        onOutcome: metrics.onOutcome,
        membership: ctx.membership,
        consumer: consumerTuning,
        ...(chaos ? { chaos } : {}),
        ...traced,
      })
    : undefined;
  const scheduler = createScheduler({
    pool,
    schema,
    clock,
    fire: module.fireDeadline(ctx),
    onFired: metrics.onFired,
    logger,
    listen: true,
    pollIntervalMs: poll ?? (deadlineChannel(schema) ? IDLE_FALLBACK_POLL_MS : 250),
  });

  // The service's own loops (escrow's refund dispatcher, notification's mailer): stopped after HTTP,
  // so a request in flight may still wake them, and before the pool they use.
  for (const task of module.background?.(ctx) ?? []) {
    parts.add(task.name, task.stop);
    await task.start?.();
  }

  const moduleSettle = module.settle?.(ctx);
  const settle = () =>
    settleOnce(ctx, { groupId, clock: sharedClock, runDue: () => scheduler.runDue(), drain: () => relay.drain(), admin, topics, publicTypes, moduleSettle });

  const app = await createServiceApp({
    name: `${module.name}-service`,
    logger,
    pool,
    schema,
    auth: authFromConfig(config),
    readiness: async () => (await pool.query('SELECT 1')).rowCount === 1,
    idempotencyKeyTtl: ctx.policy.api.idempotencyKeyTtl,
    rateLimit: config.RATE_LIMIT_WRITES_PER_MINUTE === 0 ? false : { max: config.RATE_LIMIT_WRITES_PER_MINUTE },
    cors: { origins: config.CORS_ORIGINS },
    ...traced,
  });
  held.app = app;
  // Hooks can only be added before the app boots, so each hook closes its part if it started by then.
  for (const name of STOP_TAKING_WORK) app.addHook('preClose', () => parts.close(name));
  // avvio runs onClose hooks newest first (Boot.prototype.onClose unshifts them), right after the
  // server closed: background tasks in reverse start order, Kafka admin, pool, tracing.
  for (const name of parts.started()) app.addHook('onClose', () => parts.close(name));
  // An answer still in flight when the stop began closes its keep-alive connection: Fastify only
  // reaps the connections idle at that moment, and the server's close would wait out keepAliveTimeout.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (app.shuttingDown) reply.header('connection', 'close');
    return payload;
  });
  // A request that never ends must not keep the resources open: past the limit its connection is cut.
  let drainLimit: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    drainLimit = setTimeout(() => {
      parts.failed('http', new Error(`requests still in flight after ${CLOSE_TIMEOUT_MS} ms; their connections are cut`));
      app.server.closeAllConnections();
    }, CLOSE_TIMEOUT_MS).unref();
  });
  app.addHook('onClose', async () => {
    clearTimeout(drainLimit);
    logger.info({ component: 'http' }, 'closed');
  });
  // In simulated mode the clock only moves through /ops/clock; re-read it so background firing sees it.
  const clockRefresh = sharedClock ? setInterval(() => void sharedClock.refresh().catch(() => {}), poll ?? IDLE_FALLBACK_POLL_MS) : undefined;
  parts.add('clock', () => clearInterval(clockRefresh));
  // Every service serves the partners' contract for every topic (API.md), built once from the schemas.
  registerAsyncApi(app as never, buildAsyncApi); // built on the first GET /docs/asyncapi
  metrics.register(app.metrics);
  if (sharedClock) await clockRoutes(app, { clock: sharedClock, self: module.name, settle, serviceUrls: () => config.SERVICE_URLS });
  await module.routes(app, ctx);
  await app.ready();

  // Serve and publish first: after a crash the consumer's rejoin waits for the dead member's
  // session to expire (~30 s), and the API must not be down for that long. What arrives meanwhile
  // waits in Kafka.
  parts.add('scheduler', () => scheduler.stop());
  scheduler.start();
  parts.add('relay', () => relay.stop());
  void relay.start();
  let url = '';
  if (o.listen !== false) url = await app.listen({ host: config.HOST, port: config.port });
  if (consumer) {
    parts.add('consumers', () => consumer.stop());
    await consumer.start();
  }
  // The health plugin's own preClose sets it too; as a part it is first in the stop log, like the order says.
  parts.add('readiness', () => void (app.shuttingDown = true));
  logger.info({ url, clock: config.CLOCK }, 'service started');
  return { ctx, app, url, settle };
};
