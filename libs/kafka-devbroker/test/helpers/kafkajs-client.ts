import { Kafka, logLevel, Partitioners, type KafkaConfig } from 'kafkajs';
import { silentLogger, start, type BrokerOptions, type RunningBroker } from '../../src';

/** A silent in-process broker on a free port, with short session timeouts allowed. */
export const startBroker = (options: BrokerOptions = {}): Promise<RunningBroker> =>
  start({ port: 0, logger: silentLogger, minSessionTimeoutMs: 500, ...options });

/** A kafkajs client for `broker` that logs nothing. */
export const kafkaFor = (broker: RunningBroker, config: Partial<KafkaConfig> = {}): Kafka =>
  new Kafka({ brokers: [broker.brokers], clientId: 'devbroker-test', logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 }, ...config });

export const defaultPartitioner = { createPartitioner: Partitioners.DefaultPartitioner };

/** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
export const waitFor = async (predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
