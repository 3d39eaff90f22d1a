import { type Admin, type ITopicConfig, Kafka, logLevel, Partitioners, type KafkaConfig } from 'kafkajs';
import { silentLogger, start, type BrokerOptions, type RunningBroker } from '../../src';

/** A silent in-process broker on a free port, with short session timeouts allowed. */
export const startBroker = (options: BrokerOptions = {}): Promise<RunningBroker> =>
  start({ port: 0, logger: silentLogger, minSessionTimeoutMs: 500, ...options });

/** A kafkajs client for `broker` that logs nothing. */
export const kafkaFor = (broker: { brokers: string }, config: Partial<KafkaConfig> = {}): Kafka =>
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

/**
 * admin.createTopics, then every partition has a leader. On Apache Kafka (KRaft) the broker may not
 * know a topic for a moment after CreateTopics answered, and kafkajs's own wait for leaders retries
 * only LEADER_NOT_AVAILABLE, so it throws UNKNOWN_TOPIC_OR_PARTITION (measured; the dev broker creates
 * synchronously). Resolves false when every topic already existed, as kafkajs does.
 */
export const createTopics = async (admin: Admin, topics: ITopicConfig[]): Promise<boolean> => {
  let created = true;
  try {
    created = await admin.createTopics({ topics });
  } catch (err) {
    if ((err as { type?: string }).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw err;
  }
  const names = topics.map((t) => t.topic);
  const ready = () =>
    admin.fetchTopicMetadata({ topics: names }).then(
      (m) => m.topics.length === names.length && m.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)),
      () => false,
    );
  await waitFor(ready, 30_000, `leaders of ${names.join(', ')}`);
  // A leader in Metadata may not serve yet (NOT_LEADER_OR_FOLLOWER for a moment): until ListOffsets answers.
  await waitFor(
    () =>
      Promise.all(names.map((t) => admin.fetchTopicOffsets(t))).then(
        () => true,
        () => false,
      ),
    30_000,
    `offsets of ${names.join(', ')}`,
  );
  return created;
};
