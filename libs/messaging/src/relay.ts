import type { EventDefinition, EventRegistry } from '@bp/contracts';
import { type EventStore, type LogPosition, type StoredEvent, comparePositions, loadCheckpoint, saveCheckpoint } from '@bp/eventstore';
import type { Span, Tracer } from '@opentelemetry/api';
import type { PoolClient } from 'pg';
import { toKafkaMessage } from './cloudevents';
import type { MessagingLogger } from './logger';
import type { KafkaClient, MessageProducer, OutgoingMessage } from './port';
import { endPublishSpans, startPublishSpan } from './publish-spans';

export interface RelayOptions {
  store: EventStore;
  /** The PUBLIC events: a logged type is published iff it is registered here with a topic. */
  registry: EventRegistry;
  /** Either a Kafka client (the relay makes its producer) or a producer factory. */
  kafka?: KafkaClient;
  producer?: () => MessageProducer;
  /** `ce_source` = /services/<service>. */
  service: string;
  /** Checkpoint row name (default `relay`): one relay per name per schema publishes at a time. */
  checkpointName?: string;
  /** Events per readAll page = per producer.sendBatch (default 1000). */
  batchSize?: number;
  /**
   * Idle wait of start()'s loop, and its wait after a failure (default 200 ms). With `listen` it is
   * only the fallback for a lost NOTIFY, and may be seconds (idle costs nothing, issue 18 item 5).
   */
  pollIntervalMs?: number;
  logger: MessagingLogger;
  /**
   * LISTEN channel: writers `notifyRelay(tx, channel)` in the appending transaction and the relay
   * publishes right after their COMMIT instead of at the next poll. Polling continues regardless.
   */
  listen?: string;
  /**
   * Tracing on: a producer span per event, continuing the trace in its metadata, whose context the
   * message carries as `ce_traceparent` (publish-spans.ts). Absent: no span, no trace header.
   */
  tracer?: Tracer;
  /** Test hooks to inject crashes at the dangerous point (after send, before the checkpoint). */
  faults?: { afterSend?: (published: number) => void | Promise<void> };
}

export interface Relay {
  /** Publishes in the background until stop(). */
  start(): Promise<void>;
  /** Cuts start()'s idle wait short (e.g. after an in-process commit). */
  wake(): void;
  /** Stops the loop (finishing the batch in flight) and disconnects the producer. */
  stop(): Promise<void>;
  /**
   * Publishes everything committed so far that is safe to publish (see readAll) and returns the
   * count. 0 when another instance holds the relay lock.
   */
  drain(): Promise<number>;
}

/** Result of one batch: how many were published and whether the log has more right now. */
interface Step {
  published: number;
  more: boolean;
  /** Committed public events wait behind the horizon (an older transaction is still open). */
  held: boolean;
}

const LOCK_NAMESPACE = 'bp.messaging.relay';

/** Channel names are identifiers (LISTEN cannot take a parameter): checked, then quoted. */
const channelIdent = (channel: string): string => {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid relay channel ${JSON.stringify(channel)}`);
  return `"${channel}"`;
};

/** Wakes the relays LISTENing on `channel` once `tx` commits (Postgres delivers NOTIFY at commit). */
export const notifyRelay = async (tx: Pick<PoolClient, 'query'>, channel: string): Promise<void> => {
  channelIdent(channel);
  await tx.query('SELECT pg_notify($1, NULL)', [channel]);
};

/**
 * The outbox relay: the service's own log IS the outbox. Each step, in one Postgres transaction:
 * take the relay's advisory lock (one publisher per checkpoint, so no two instances interleave),
 * read the checkpoint, read the next gap-safe page of public events, send it in ONE sendBatch with
 * acks=-1, then save the checkpoint and commit. A crash after the send and before the commit
 * re-sends the page on restart: at least once, never lost; consumers dedupe by ce_id.
 *
 * The transaction gets an xid only at the checkpoint write, just before COMMIT, so holding it
 * across the send does not hold back other readers' xmin horizon.
 */
export const createRelay = (o: RelayOptions): Relay => {
  if (!o.kafka && !o.producer) throw new Error('createRelay needs kafka or producer');
  const name = o.checkpointName ?? 'relay';
  if (o.listen) channelIdent(o.listen);
  const batchSize = o.batchSize ?? 1000;
  const pollIntervalMs = o.pollIntervalMs ?? 200;
  const { store, logger } = o;
  const publicDefs = new Map<string, EventDefinition>(
    o.registry
      .all()
      .filter((d) => d.topic)
      .map((d) => [d.type, d]),
  );
  const publicTypes = [...publicDefs.keys()];

  let producer: MessageProducer | undefined;
  let connecting: Promise<MessageProducer> | undefined;
  const connected = (): Promise<MessageProducer> =>
    (connecting ??= (async () => {
      // acks=-1 on every send; one request in flight keeps retried sends in order. Not idempotent:
      // kafkajs marks it experimental and duplicates are absorbed by the consumers' inbox anyway.
      const p = o.producer?.() ?? o.kafka!.producer({ allowAutoTopicCreation: true, maxInFlightRequests: 1 });
      try {
        await p.connect();
      } catch (e) {
        connecting = undefined;
        throw e;
      }
      producer = p;
      return p;
    })());

  /** Data at the definition's current version (the store upcasts on read only if it has a registry). */
  const current = (e: StoredEvent) => (store.registry?.has(e.type) ? e : { ...e, data: o.registry.decode(e.type, e.schemaVersion, e.data) });

  /** `spans` collects the publish spans started (tracing on), to be ended once the batch is sent. */
  const toTopicMessages = (events: StoredEvent[], spans: Span[]) => {
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const e of events) {
      const def = publicDefs.get(e.type);
      if (!def) continue; // readAll filtered already; kept for a store that ignores `types`
      let trace;
      if (o.tracer) {
        const started = startPublishSpan(o.tracer, e, def.topic ?? '', def.ceType ?? '');
        spans.push(started.span);
        trace = started.carrier;
      }
      const { topic, message } = toKafkaMessage(current(e), def, o.service, trace);
      let list = byTopic.get(topic);
      if (!list) byTopic.set(topic, (list = []));
      list.push(message); // commit order within each topic, hence within each key's partition
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  };

  type Page = { events: StoredEvent[]; position: LogPosition; held?: boolean };
  const read = (after: LogPosition, tx?: PoolClient): Promise<Page> =>
    store.readAll({ after, limit: batchSize, types: publicTypes, held: true, ...(tx ? { tx } : {}) });
  /** The page after the one being sent, read meanwhile (pipelining halves a step's latency). */
  let ahead: { after: LogPosition; page: Promise<Page> } | undefined;

  const step = (): Promise<Step> =>
    store.withTransaction(async (tx) => {
      const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS locked', [
        LOCK_NAMESPACE,
        `${store.schema}.${name}`,
      ]);
      if (!rows[0]?.locked) return { published: 0, more: false, held: false };
      const after: LogPosition = await loadCheckpoint(tx, store.schema, name);
      const prefetched = ahead;
      ahead = undefined;
      // A read-ahead is only used when it starts exactly at the durable checkpoint: after a crash
      // or a takeover by another instance, the page is read again from where the checkpoint says.
      const page = prefetched && comparePositions(prefetched.after, after) === 0 ? await prefetched.page : await read(after, tx);
      const more = page.events.length === batchSize;
      if (more) {
        // Pure, gap-safe read: whenever it runs it returns only what is safe; a stale short page
        // merely ends this drain early. Its rejection surfaces when (if) the next step awaits it.
        const next = read(page.position);
        next.catch(() => undefined);
        ahead = { after: page.position, page: next };
      }
      const spans: Span[] = [];
      const topicMessages = toTopicMessages(page.events, spans);
      if (topicMessages.length > 0) {
        try {
          const p = await connected();
          await p.sendBatch({ topicMessages, acks: -1 });
        } catch (e) {
          endPublishSpans(spans, e);
          throw e;
        }
        endPublishSpans(spans);
      }
      await o.faults?.afterSend?.(page.events.length);
      if (comparePositions(page.position, after) > 0) await saveCheckpoint(tx, store.schema, name, page.position);
      return { published: page.events.length, more, held: page.held === true };
    });

  // One step at a time in this process: drain() and the loop share the same checkpoint.
  let chain: Promise<unknown> = Promise.resolve();
  const serialized = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  /** Whether the last drain stopped at events held behind the horizon (see Step.held). */
  let held = false;
  const drain = (): Promise<number> =>
    serialized(async () => {
      let total = 0;
      for (;;) {
        const s = await step();
        total += s.published;
        held = s.held;
        if (!s.more) return total;
      }
    });

  let running = false;
  let loop: Promise<void> | undefined;
  // A wake-up that arrives mid-drain is remembered, so the loop drains again instead of sleeping.
  let woken = false;
  let interrupt: (() => void) | undefined;
  const wake = () => {
    woken = true;
    interrupt?.();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) return resolve();
      const t = setTimeout(resolve, ms);
      interrupt = () => {
        clearTimeout(t);
        resolve();
      };
    }).finally(() => {
      interrupt = undefined;
      woken = false;
    });

  /**
   * LISTEN on a connection of its own: a NOTIFY (sent at the writer's COMMIT) wakes the loop. A lost
   * connection (database restart) is dropped and the loop LISTENs again; meanwhile it polls.
   */
  let listener: PoolClient | undefined;
  let listening: Promise<void> | undefined;
  const listen = (channel: string): Promise<void> =>
    (listening = listenOnce(channel).catch((err: unknown) => logger.warn({ relay: name, err }, 'relay LISTEN failed; polling meanwhile')));
  const listenOnce = async (channel: string) => {
    let client: PoolClient | undefined;
    try {
      client = await store.pool.connect();
      const c = client;
      c.on('notification', wake);
      // Polling stays the safety net: a lost listener only costs latency until it is back.
      c.on('error', (err) => {
        logger.warn({ relay: name, err }, 'relay LISTEN connection failed; polling until it is back');
        if (listener !== c) return; // still connecting (the LISTEN rejects) or already let go
        listener = undefined;
        c.release(err);
      });
      await c.query(`LISTEN ${channelIdent(channel)}`);
      client = undefined;
      if (running) listener = c;
      else c.release();
      // Whatever committed before the LISTEN took effect sent its NOTIFY to nobody.
      wake();
    } catch (e) {
      client?.release(e as Error);
      throw e;
    } finally {
      listening = undefined;
    }
  };

  // Committed events held behind the horizon become publishable when the older transaction ends,
  // which sends no NOTIFY here (it may be another service's): look again soon, backing off to the
  // poll interval, instead of leaving them for the next poll.
  const HELD_FIRST_WAIT_MS = 2;
  // Not the poll interval: with LISTEN that is a slow fallback (seconds), far too long for these.
  const HELD_MAX_WAIT_MS = 200;
  // A lost LISTEN is tried again this often (polling meanwhile).
  const listenRetryMs = Math.min(5 * pollIntervalMs, 5000);
  let heldWait = HELD_FIRST_WAIT_MS;
  let listenRetryAt = 0;
  const run = async () => {
    while (running) {
      if (o.listen && !listener && !listening && Date.now() >= listenRetryAt) {
        listenRetryAt = Date.now() + listenRetryMs;
        void listen(o.listen);
      }
      try {
        const n = await drain();
        if (n > 0) logger.debug({ relay: name, published: n }, 'relay published');
        if (held) {
          if (n === 0) {
            await idle(Math.min(heldWait, pollIntervalMs, HELD_MAX_WAIT_MS));
            heldWait *= 2;
          }
        } else {
          heldWait = HELD_FIRST_WAIT_MS;
          if (n === 0) await idle(pollIntervalMs);
        }
      } catch (e) {
        logger.error({ relay: name, err: e }, 'relay step failed; retrying');
        if (running) await idle(pollIntervalMs);
      }
    }
  };

  return {
    start: async () => {
      if (running) return;
      running = true;
      if (o.listen) {
        listenRetryAt = Date.now() + listenRetryMs;
        await listen(o.listen);
      }
      loop = run();
    },
    wake,
    stop: async () => {
      running = false;
      wake();
      await listening; // a LISTEN being set up releases its connection itself once it sees !running
      const l = listener;
      listener = undefined;
      if (l) {
        await l.query('UNLISTEN *').catch(() => undefined);
        l.release();
      }
      await loop;
      loop = undefined;
      await chain;
      // Let a read-ahead finish so the caller can end its pool right after stop().
      await ahead?.page.catch(() => undefined);
      ahead = undefined;
      const p = producer;
      producer = undefined;
      connecting = undefined;
      await p?.disconnect();
    },
    drain,
  };
};
