import { type MessageAdmin, type OutcomeReport, type RelayLag, relayLag } from '@bp/messaging';
import type { DueDeadline } from '@bp/timers';
import { Counter, Gauge, Histogram, type Metric, type Registry } from 'prom-client';
import type { Pool } from 'pg';
import { consumerLagByPartition } from './consumer-lag';

/** Dead-letter kinds: a message that could not be decoded, or the name of the handler's last error. */
const deadLetterKind = (r: OutcomeReport): string => {
  if (r.attempts === 0) return 'undecodable';
  return /^([A-Za-z_$][\w$]*):/.exec(r.error ?? '')?.[1] ?? 'unknown';
};

/** A scrape must answer while Kafka is unreachable (the admin client retries for long): the lag keeps its last value. */
const SCRAPE_BUDGET_MS = 2000;
const withinScrape = <T>(work: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not answered within ${SCRAPE_BUDGET_MS} ms`)), SCRAPE_BUDGET_MS);
  });
  work.catch(() => {}); // answered late or failed: the scrape already moved on
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
};

export interface ServiceMetricSources {
  pool: Pick<Pool, 'query'>;
  schema: string;
  publicTypes: readonly string[];
  admin: Pick<MessageAdmin, 'fetchOffsets' | 'fetchTopicOffsets'>;
  groupId: string;
  topics: readonly string[];
  /** Warnings of a failed collection (a scrape still answers, with the last values). */
  warn: (err: unknown, what: string) => void;
}

/**
 * The operator's view of the asynchronous half of a service: relay lag, consumer lag per partition,
 * dead letters, how late deadlines fire. Instruments exist before the app (the consumer and the
 * scheduler take their hooks at construction); `register` adds them to the app's registry. Lags
 * are read at scrape time, so an idle service costs nothing between scrapes.
 */
export const createServiceMetrics = (o: ServiceMetricSources) => {
  // Both relay gauges come from one query: a scrape collects them concurrently, so they share it.
  let reading: Promise<RelayLag | undefined> | undefined;
  const readRelayLag = () =>
    (reading ??= relayLag(o.pool, { schema: o.schema, publicTypes: o.publicTypes })
      .catch((err) => void o.warn(err, 'relay lag'))
      .finally(() => (reading = undefined)));
  const unpublished = new Gauge({
    name: 'bp_relay_unpublished_events',
    help: 'Public events in the log the relay has not published yet',
    registers: [],
    collect: async function (this: Gauge) {
      const lag = await readRelayLag();
      if (lag) this.set(lag.unpublished);
    },
  });
  const oldest = new Gauge({
    name: 'bp_relay_oldest_unpublished_age_seconds',
    help: 'Age of the oldest public event the relay has not published yet (0 when none)',
    registers: [],
    collect: async function (this: Gauge) {
      const lag = await readRelayLag();
      if (lag) this.set(lag.oldestAgeSeconds);
    },
  });
  const consumerLag = new Gauge({
    name: 'bp_consumer_lag_messages',
    help: 'Messages on a partition the consumer group has not committed yet',
    labelNames: ['topic', 'partition', 'group'],
    registers: [],
    collect: async function (this: Gauge<'topic' | 'partition' | 'group'>) {
      try {
        const lags = await withinScrape(consumerLagByPartition(o.admin, o.groupId, o.topics));
        for (const l of lags) this.set({ topic: l.topic, partition: String(l.partition), group: o.groupId }, l.lag);
      } catch (err) {
        o.warn(err, 'consumer lag');
      }
    },
  });
  const messages = new Counter({ name: 'bp_consumer_messages_total', help: 'Consumed deliveries by outcome', labelNames: ['group', 'outcome'], registers: [] });
  const deadLetters = new Counter({
    name: 'bp_consumer_dead_letters_total',
    help: 'Messages sent to the dead-letter topic, by group and error kind',
    labelNames: ['group', 'kind'],
    registers: [],
  });
  const lateness = new Histogram({
    name: 'bp_deadline_lateness_seconds',
    help: "How long after its due time a deadline fired (the scheduler clock's time)",
    labelNames: ['kind'],
    buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400],
    registers: [],
  });
  // Present from the start, so a dashboard shows 0 rather than "no data" on a healthy service.
  messages.inc({ group: o.groupId, outcome: 'handled' }, 0);
  deadLetters.inc({ group: o.groupId, kind: 'undecodable' }, 0);

  return {
    /** The consumer runner's onOutcome. */
    onOutcome: (r: OutcomeReport) => {
      messages.inc({ group: o.groupId, outcome: r.outcome });
      if (r.outcome === 'dead-lettered') deadLetters.inc({ group: o.groupId, kind: deadLetterKind(r) });
    },
    /** The scheduler's onFired: fire time (the batch's clock reading) minus due time. */
    onFired: (fired: DueDeadline[]) => {
      for (const d of fired) lateness.observe({ kind: d.kind }, Math.max(0, (Date.parse(d.now) - Date.parse(d.dueAt)) / 1000));
    },
    register: (registry: Registry) => {
      const all: Metric[] = [unpublished, oldest, consumerLag, messages, deadLetters, lateness];
      for (const m of all) registry.registerMetric(m);
    },
  };
};
