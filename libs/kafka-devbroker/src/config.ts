import type { Logger } from './logger';

/** Options of start(); everything but `port` has a default. */
export interface BrokerOptions {
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Host advertised in Metadata/FindCoordinator. Default: `host` (or 127.0.0.1 when host is 0.0.0.0/::). */
  advertisedHost?: string;
  /** Directory for logs, offsets and topic metadata; in memory when absent. */
  dataDir?: string;
  /** `always` fsyncs every append (slow); default `never` (the OS flushes). */
  fsync?: 'never' | 'always';
  logger?: Logger;
  /** Create unknown topics on Metadata/Produce. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with -1. Default 1. */
  defaultPartitions?: number;
  /** Smallest session timeout JoinGroup accepts. Default 6000 ms, like Kafka; lower it in tests. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Largest record batch accepted from a producer. Default 1,048,588 (Kafka's message.max.bytes). */
  maxMessageBytes?: number;
  /** Stable cluster id reported by Metadata. */
  clusterId?: string;
  /** Test-only fault injection; never set outside tests. */
  faults?: BrokerFaults;
}

/** Hooks that make the broker misbehave on purpose, to exercise client retry paths. */
export interface BrokerFaults {
  /**
   * Asked after a Produce batch is appended (not for absorbed duplicates); true closes the
   * connection instead of replying, like a broker whose ack is lost: an idempotent producer's
   * retry must then be absorbed rather than appended twice.
   */
  dropConnectionAfterAppend?: (topic: string, partition: number) => boolean;
}

export interface BrokerConfig {
  port: number;
  host: string;
  advertisedHost: string;
  dataDir: string | null;
  fsync: 'never' | 'always';
  logger: Logger;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  maxMessageBytes: number;
  clusterId: string;
  faults: BrokerFaults;
}

export const resolveConfig = (o: BrokerOptions, logger: Logger): BrokerConfig => {
  const host = o.host ?? '127.0.0.1';
  return {
    port: o.port ?? 9092,
    host,
    advertisedHost: o.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
    dataDir: o.dataDir ?? null,
    fsync: o.fsync ?? 'never',
    logger,
    autoCreateTopics: o.autoCreateTopics ?? true,
    defaultPartitions: o.defaultPartitions ?? 1,
    minSessionTimeoutMs: o.minSessionTimeoutMs ?? 6000,
    maxSessionTimeoutMs: o.maxSessionTimeoutMs ?? 1_800_000,
    maxMessageBytes: o.maxMessageBytes ?? 1_048_588,
    clusterId: o.clusterId ?? 'bp-kafka-devbroker',
    faults: o.faults ?? {},
  };
};
