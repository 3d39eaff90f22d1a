import { type EventDefinition, type EventRegistry, deadLetterTopic as defaultDeadLetterTopic } from '@bp/contracts';
import { type Tracer, trace } from '@opentelemetry/api';
import type { Pool, PoolClient } from 'pg';
import type { z } from 'zod';
import { type BatchEntry, DatabaseUnavailableError, type EventHandler, applyInOneTransaction } from './batch-transaction';
import { type ConsumerChaos, createInterleaver, seededRandom } from './chaos';
import { type IncomingEvent, parseKafkaMessage } from './cloudevents';
import { deadLetterMessage, describeError } from './dead-letter';
import type { MessagingLogger } from './logger';
import type { GroupMembership } from './membership';
import type { BatchContext, ConsumerTuning, KafkaClient, MessageConsumer, MessageProducer, WireMessage } from './port';
import { inProcessSpan, type ProcessedMessage } from './process-span';
import { ensureTopics } from './topics';
import { type RetryPolicy, backoffDelay, isRetryable, resolveRetryPolicy } from './retry';

export type { EventHandler } from './batch-transaction';
export type Handlers = Record<string, EventHandler>;

/** A handler typed by its event definition: `{ ...on(PaymentCaptured, async (tx, e) => e.data.orderId) }`. */
export const on = <S extends z.ZodType>(def: EventDefinition<S>, fn: EventHandler<z.infer<S>>): Handlers => ({ [def.type]: fn });

export type MessageOutcome = 'handled' | 'duplicate' | 'skipped' | 'dead-lettered';

export interface OutcomeReport {
  outcome: MessageOutcome;
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
  attempts: number;
  error?: string;
  /** Arrival number of the message's batch in this runner (1, 2, …): shows shuffled processing. */
  batch?: number;
}

export interface ConsumerRunnerOptions {
  kafka: KafkaClient;
  groupId: string;
  topics: string[];
  /** Decodes (upcast + validate) what is consumed; ce_types it lacks are skipped. */
  registry: EventRegistry;
  pool: Pool;
  /** The service's schema: its inbox table lives there. */
  schema: string;
  /** By domain event type. A known type without a handler is skipped. */
  handlers: Handlers;
  logger: MessagingLogger;
  retry?: Partial<RetryPolicy>;
  /** Default `deadLetterTopic(groupId)` from contracts: `<groupId>.dlt`. */
  deadLetterTopic?: string;
  /** A new group starts at the beginning of each topic (default true): a new service sees history. */
  fromBeginning?: boolean;
  /**
   * Test hook: `duplicate` processes every message twice, as a redelivering broker would; `shuffle`
   * interleaves partitions' batches in a seeded random order (see chaos.ts).
   */
  chaos?: ConsumerChaos;
  /** Group timings (tests shorten sessionTimeout, heartbeatInterval, maxWaitTimeInMs). */
  consumer?: ConsumerTuning;
  /** Commit resolved offsets at least this often inside a long batch (default 1000 ms). */
  autoCommitIntervalMs?: number;
  /**
   * At most this many messages of a partition's batch are applied in one transaction (default 100;
   * 1 = a transaction per message, the runner before issue 18 item 4).
   */
  maxMessagesPerTransaction?: number;
  /** No further message joins a transaction once it has run this long (default 200 ms): row locks and the relay's horizon wait on it. */
  maxTransactionMs?: number;
  /**
   * A consumer that shows no sign of life (no fetch, heartbeat or join) for this long is replaced
   * by a new one (default five session timeouts, at least 30 s). Why: after a group coordinator
   * fails over, a kafkajs member can stay stuck re-joining, or give up after its retries, while the
   * service itself looks healthy; nothing would be consumed until someone restarted the process.
   */
  stallRestartMs?: number;
  /**
   * Create the consumed topics and the dead-letter topic when missing, before subscribing (default
   * true). False where topics cannot be created (librdkafka's mock cluster) or only an operator may.
   */
  provisionTopics?: boolean;
  /** Told when the group is joined and left, and of each sign of life (S3's waits read it: membership.ts). */
  membership?: Pick<GroupMembership, 'joined' | 'left' | 'alive'>;
  /** Observability hook (metrics, tests): called once per processed delivery. */
  onOutcome?: (report: OutcomeReport) => void;
  /**
   * Tracing on: a consumer span per message that is not skipped, continuing its `ce_traceparent`
   * and active while the handler runs (process-span.ts). Absent: no span.
   */
  tracer?: Tracer;
}

export interface ConsumerRunner {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Batches in flight at once under chaos shuffle: more than the partitions a test topic has. */
const SHUFFLE_CONCURRENCY = 16;

/** Stop sign for a message left unresolved because the consumer is stopping or rebalancing. */
const ABANDONED = Symbol('abandoned');

/** A handler's error from an attempt already made. */
type Failure = { error: unknown };

/**
 * Runs a consumer group whose every effect is exactly-once in Postgres:
 * parse → one transaction per run of a partition's batch { recordInboxMany(ce_ids) + handlers } → commit → resolve the offsets.
 *
 * Why eachBatch (eachBatchAutoResolve: false) rather than eachMessage: an offset is resolved only
 * after its transaction committed, one message at a time, so stopping or rebalancing mid-batch
 * re-delivers from the first unapplied message instead of skipping or replaying the batch; and
 * nothing is ever thrown for a bad message (a throw makes kafkajs restart at the same offset, the
 * poison loop of kafkajs #315): it is retried here, bounded, then dead-lettered, and the partition
 * moves on. Waits between retries heartbeat so the group does not evict us meanwhile.
 */
export const createConsumerRunner = (o: ConsumerRunnerOptions): ConsumerRunner => {
  // A typo in a handler's type would silently skip every such event: refuse it at wiring time.
  for (const type of Object.keys(o.handlers)) {
    if (!o.registry.has(type)) throw new Error(`handler for ${type}, which the consumer's registry does not know`);
  }
  const policy = resolveRetryPolicy(o.retry);
  const dlt = o.deadLetterTopic ?? defaultDeadLetterTopic(o.groupId);
  const { logger } = o;
  let consumer: MessageConsumer | undefined;
  let producer: MessageProducer | undefined;
  let arrivals = 0;
  // Shuffle needs several partitions' batches in flight at once, hence the concurrency; the
  // interleaver then lets one message at a time through, picked at random (seeded).
  const interleaver = o.chaos?.shuffle ? createInterleaver(o.chaos.seed ?? 1) : undefined;

  const report = (r: OutcomeReport) => {
    o.onOutcome?.(r);
    if (r.outcome === 'dead-lettered') logger.error({ ...r, deadLetterTopic: dlt }, 'message dead-lettered');
    else logger.debug({ ...r }, `message ${r.outcome}`);
  };

  /** BEGIN; inbox; handler; COMMIT. true = applied, false = a duplicate (already in the inbox). */
  const apply = async (event: IncomingEvent, handler: EventHandler): Promise<boolean> => {
    const r = await applyInOneTransaction(o.pool, o.schema, [{ event, handler }]);
    if (r.kind === 'failed') throw r.error;
    return r.fresh[0]!;
  };

  const sendDeadLetter = async (topic: string, partition: number, message: WireMessage, error: unknown, attempts: number) => {
    // A failed send throws out of eachBatch: the client backs off and refetches from this unresolved
    // offset. Stalling while the DLT is unwritable is right: the alternative is losing the message.
    await producer!.send({ topic: dlt, acks: -1, messages: [deadLetterMessage({ topic, partition, message, error, attempts })] });
  };

  const waitWithHeartbeat = async (ms: number, p: Pick<BatchContext, 'heartbeat' | 'isRunning' | 'isStale'>): Promise<boolean> => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (!p.isRunning() || p.isStale()) return false;
      await p.heartbeat();
      const left = deadline - Date.now();
      if (left <= 0) return true;
      await new Promise((r) => setTimeout(r, Math.min(left, 500)));
    }
  };

  /** The retry loop of one event: its outcome, or ABANDONED when stopping or rebalancing cut it short. */
  const deliver = async (
    event: IncomingEvent,
    handler: EventHandler,
    base: Omit<OutcomeReport, 'outcome' | 'attempts'>,
    message: WireMessage,
    p: BatchContext,
    prior?: Failure,
  ): Promise<OutcomeReport | typeof ABANDONED> => {
    const { topic, partition } = base;
    for (let attempt = 1; ; attempt++) {
      try {
        // The handler already threw once inside a shared transaction: that was attempt 1.
        if (attempt === 1 && prior) throw prior.error;
        const fresh = await apply(event, handler);
        return { ...base, outcome: fresh ? 'handled' : 'duplicate', eventId: event.id, type: event.type, attempts: attempt };
      } catch (e) {
        if (e instanceof DatabaseUnavailableError) throw e; // the client re-delivers the batch later
        if (!isRetryable(e) || attempt >= policy.attempts) {
          await sendDeadLetter(topic, partition, message, e, attempt);
          return { ...base, outcome: 'dead-lettered', eventId: event.id, type: event.type, attempts: attempt, error: describeError(e) };
        }
        const wait = backoffDelay(policy, attempt);
        trace.getActiveSpan()?.recordException(e instanceof Error ? e : String(e));
        logger.warn({ ...base, eventId: event.id, type: event.type, attempt, retryInMs: wait, err: e }, 'handler failed; retrying');
        if (!(await waitWithHeartbeat(wait, p))) return ABANDONED;
      }
    }
  };

  /** `fn` in the message's process span when tracing is on (process-span.ts). */
  const traced = async (
    m: Omit<ProcessedMessage, 'groupId'>,
    fn: () => Promise<OutcomeReport | typeof ABANDONED>,
  ): Promise<OutcomeReport | typeof ABANDONED> => {
    if (!o.tracer) return fn();
    const r = await inProcessSpan(o.tracer, { ...m, groupId: o.groupId }, async () => {
      const out = await fn();
      return out === ABANDONED ? ('abandoned' as const) : out;
    });
    return r === 'abandoned' ? ABANDONED : r;
  };

  const processOne = async (
    topic: string,
    partition: number,
    message: WireMessage,
    p: BatchContext,
    batch: number,
    prior?: Failure,
  ): Promise<void | typeof ABANDONED> => {
    const base = { topic, partition, offset: message.offset, batch };
    const span = { topic, partition, offset: message.offset, headers: message.headers };
    let parsed;
    try {
      parsed = parseKafkaMessage(o.registry, topic, partition, message);
    } catch (e) {
      const r = await traced(span, async () => {
        await sendDeadLetter(topic, partition, message, e, 0);
        return { ...base, outcome: 'dead-lettered', attempts: 0, error: describeError(e) };
      });
      return r === ABANDONED ? r : report(r);
    }
    if (parsed.kind === 'unknown') return report({ ...base, outcome: 'skipped', attempts: 0 });
    const { event } = parsed;
    const handler = o.handlers[event.type];
    if (!handler) return report({ ...base, outcome: 'skipped', eventId: event.id, type: event.type, attempts: 0 });
    const r = await traced({ ...span, eventId: event.id, ceType: event.ceType }, () => deliver(event, handler, base, message, p, prior));
    return r === ABANDONED ? r : report(r);
  };

  const deliveries = o.chaos?.duplicate ? 2 : 1;

  /** One message alone: its retries, its dead letter; then its offset is resolved. */
  const alone = async (
    topic: string,
    partition: number,
    message: WireMessage,
    p: BatchContext,
    seq: number,
    prior?: Failure,
  ): Promise<void | typeof ABANDONED> => {
    for (let d = 0; d < deliveries; d++) {
      if ((await processOne(topic, partition, message, p, seq, d === 0 ? prior : undefined)) === ABANDONED) return ABANDONED;
    }
    p.resolveOffset(message.offset);
  };

  const maxMessages = Math.max(1, o.maxMessagesPerTransaction ?? 100);
  const budgetMs = o.maxTransactionMs ?? 200;
  // Under shuffle, transactions of 1–4 messages (seeded): partitions interleave in small steps.
  const runLength = interleaver ? seededRandom((o.chaos?.seed ?? 1) + 1) : undefined;
  type Planned = { message: WireMessage; entry?: BatchEntry; eventId?: string; type?: string };
  /**
   * A partition being consumed, and the message that goes alone next: one that broke a shared
   * transaction, with its handler's error when it was the one that threw (that counts as attempt 1).
   */
  type Place = { topic: string; partition: number; alone?: { offset: string; prior?: Failure } | undefined };

  /**
   * Applies messages from `from` on in one transaction (issue 18 item 4) and resolves their offsets;
   * returns where to go on. A transaction takes messages in offset order and stops before one that
   * cannot be parsed or whose handler threw in an earlier try: those go alone, with their retries
   * and dead letter. When a handler throws, everything is rolled back, the messages before it are
   * applied again in a new transaction, and then it goes alone: one bad message never takes its
   * neighbours' effects or retries with it.
   */
  const step = async (at: Place, messages: WireMessage[], from: number, want: number, p: BatchContext, seq: number) => {
    const { topic, partition } = at;
    const first = messages[from]!;
    if (first.offset === at.alone?.offset) {
      const { prior } = at.alone;
      at.alone = undefined;
      return (await alone(topic, partition, first, p, seq, prior)) === ABANDONED ? ABANDONED : from + 1;
    }
    const planned: Planned[] = [];
    for (let j = from; j < messages.length && planned.length < want; j++) {
      const message = messages[j]!;
      if (message.offset === at.alone?.offset) break;
      let parsed;
      try {
        parsed = parseKafkaMessage(o.registry, topic, partition, message);
      } catch {
        break;
      }
      if (parsed.kind === 'unknown') planned.push({ message });
      else {
        const { event } = parsed;
        const handler = o.handlers[event.type];
        planned.push({ message, eventId: event.id, type: event.type, ...(handler ? { entry: { event, handler } } : {}) });
      }
    }
    if (planned.length === 0) return (await alone(topic, partition, first, p, seq)) === ABANDONED ? ABANDONED : from + 1;

    const withEntry = planned.filter((x) => x.entry);
    const entries = withEntry.map((x) => x.entry!);
    const around = (i: number, fresh: boolean, run: () => Promise<void>) => {
      if (!o.tracer) return run();
      const { message, eventId, entry } = withEntry[i]!;
      const m = { groupId: o.groupId, topic, partition, offset: message.offset, headers: message.headers, eventId, ceType: entry!.event.ceType };
      return inProcessSpan(o.tracer, m, async () => {
        await run();
        return { outcome: fresh ? 'handled' : 'duplicate' };
      }).then(() => undefined);
    };
    const outcomes: OutcomeReport[][] = planned.map(() => []);
    let applied = planned.length;
    let appliedEntries = entries.length;
    // Chaos `duplicate`: the same messages again in a second transaction, as a redelivery would.
    for (let d = 0; d < deliveries && appliedEntries > 0; d++) {
      const r = await applyInOneTransaction(o.pool, o.schema, entries.slice(0, appliedEntries), d === 0 ? { budgetMs, around } : { around });
      if (r.kind === 'failed') {
        // The first delivery rolled back whole; a redelivery after a commit: its first message goes alone.
        const failing = d === 0 && r.at >= 0 ? withEntry[r.at]! : d === 0 ? planned[0]! : withEntry[0]!;
        at.alone = { offset: failing.message.offset, ...(d === 0 && r.at >= 0 ? { prior: { error: r.error } } : {}) };
        logger.debug(
          { topic, partition, offset: failing.message.offset, err: r.error },
          'a shared transaction rolled back: the messages before this one go again, then it alone',
        );
        if (d === 0) return from;
        applied = planned.indexOf(failing);
        break;
      }
      if (r.fresh.length < appliedEntries) {
        appliedEntries = r.fresh.length;
        applied = planned.indexOf(withEntry[appliedEntries]!);
      }
      r.fresh.forEach((fresh, i) => {
        const { message, eventId, type } = withEntry[i]!;
        const outcome = fresh ? 'handled' : 'duplicate';
        outcomes[planned.indexOf(withEntry[i]!)]!.push({ topic, partition, offset: message.offset, batch: seq, outcome, eventId, type, attempts: 1 });
      });
    }
    for (const [i, x] of planned.slice(0, applied).entries()) {
      const skipped = {
        topic,
        partition,
        offset: x.message.offset,
        batch: seq,
        outcome: 'skipped' as const,
        attempts: 0,
        ...(x.eventId ? { eventId: x.eventId, type: x.type } : {}),
      };
      for (let d = 0; !x.entry && d < deliveries; d++) report(skipped);
      for (const r of outcomes[i]!) report(r);
      p.resolveOffset(x.message.offset);
    }
    return from + applied;
  };

  const eachBatch = async (p: BatchContext): Promise<void> => {
    const { batch } = p;
    const seq = ++arrivals;
    const at: Place = { topic: batch.topic, partition: batch.partition };
    for (let i = 0; i < batch.messages.length; ) {
      // Under shuffle, one transaction per turn: partitions interleave, a partition's order holds.
      const release = interleaver ? await interleaver.turn() : undefined;
      let next: number | typeof ABANDONED;
      try {
        if (!p.isRunning() || p.isStale()) return;
        const want = runLength ? 1 + Math.floor(runLength() * Math.min(4, maxMessages)) : maxMessages;
        next = await step(at, batch.messages, i, want, p, seq);
      } finally {
        release?.();
      }
      if (next === ABANDONED) return;
      i = next;
      await p.commitOffsetsIfNecessary();
      await p.heartbeat();
    }
  };

  const stallMs = o.stallRestartMs ?? Math.max(30_000, 5 * (o.consumer?.sessionTimeout ?? 30_000));
  let lastAlive = Date.now();
  let stopped = true;
  let replacing = false;
  let watchdog: ReturnType<typeof setInterval> | undefined;

  /** A new group member: connect, subscribe, run; its signs of life feed the watchdog. */
  const startConsumer = async (): Promise<void> => {
    const c = o.kafka.consumer(o.groupId, { allowAutoTopicCreation: true, ...o.consumer });
    consumer = c;
    lastAlive = Date.now();
    c.onAlive(() => {
      if (consumer !== c) return;
      lastAlive = Date.now();
      o.membership?.alive();
    });
    c.onMembership((member) => {
      if (consumer !== c) return;
      if (member) o.membership?.joined();
      else o.membership?.left();
    });
    c.onCrash((err, restarting) => {
      if (consumer !== c || restarting || stopped) return;
      logger.error({ groupId: o.groupId, err }, 'consumer stopped on an error; starting a new one');
      void replace('crashed');
    });
    await c.connect();
    await c.subscribe({ topics: o.topics, fromBeginning: o.fromBeginning ?? true });
    await c.run({
      eachBatchAutoResolve: false,
      autoCommitInterval: o.autoCommitIntervalMs ?? 1000,
      ...(interleaver ? { partitionsConsumedConcurrently: SHUFFLE_CONCURRENCY } : {}),
      eachBatch,
    });
  };

  /**
   * Replaces a stuck or dead member with a new one. Offsets are committed only after their effects,
   * so whatever the old member had not committed is delivered again, and the inbox absorbs it.
   */
  const replace = async (why: string): Promise<void> => {
    if (replacing || stopped) return;
    replacing = true;
    try {
      logger.warn({ groupId: o.groupId, why, silentForMs: Date.now() - lastAlive }, 'replacing the consumer group member');
      const old = consumer;
      consumer = undefined;
      o.membership?.left();
      await Promise.race([old?.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref?.())]);
      while (!stopped) {
        try {
          await startConsumer();
          return;
        } catch (err) {
          logger.error({ groupId: o.groupId, err }, 'could not start a new consumer; trying again');
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    } finally {
      lastAlive = Date.now();
      replacing = false;
    }
  };

  return {
    start: async () => {
      if (consumer) return;
      stopped = false;
      const pr = o.kafka.producer({ allowAutoTopicCreation: true });
      producer = pr;
      if (o.provisionTopics !== false) await ensureTopics(o.kafka, [...o.topics, dlt], logger);
      await pr.connect();
      if (o.chaos) logger.warn({ chaos: o.chaos }, 'consumer chaos mode is on (a test hook; never in production)');
      await startConsumer();
      watchdog = setInterval(
        () => {
          if (!stopped && !replacing && Date.now() - lastAlive > stallMs) void replace('no sign of life');
        },
        Math.min(5000, stallMs / 2),
      );
      watchdog.unref?.();
    },
    stop: async () => {
      stopped = true;
      if (watchdog) clearInterval(watchdog);
      watchdog = undefined;
      const c = consumer;
      const pr = producer;
      consumer = undefined;
      o.membership?.left();
      producer = undefined;
      // Consumer first: its batch in flight may still need the DLT producer.
      await c?.disconnect();
      await pr?.disconnect();
    },
  };
};
