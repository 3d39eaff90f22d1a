import { ConsumerGroups, deadLetterTopic, Topics } from '@bp/contracts';
import { startApacheKafka } from '@bp/kafka-apache';
import { silentLogger, start } from '@bp/kafka-devbroker';
import { ensureTopics, kafkaFromEnv } from '@bp/messaging';
import { dockerAnswers } from './docker';
import { chooseTestKafka } from './kafka-choice';

/** A Kafka for tests: `brokers` for a client's bootstrap list; `stop()` releases what was started. */
export interface TestKafka {
  brokers: string[];
  /** Where the Kafka comes from: the environment, Apache Kafka started here, a Testcontainers container, or the dev broker. */
  source: 'env' | 'apache' | 'testcontainers' | 'devbroker';
  stop(): Promise<void>;
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.6.1';

const quiet = { level: 'silent', debug() {}, info() {}, warn() {}, error() {} };

/**
 * Every topic of the contract and every consumer group's dead-letter topic, created up front: on
 * Apache Kafka a test's observer subscribing to a topic nobody wrote yet fails with
 * UNKNOWN_TOPIC_OR_PARTITION (the dev broker creates it on the spot).
 */
export const createContractTopics = async (brokers: string[]): Promise<void> => {
  const client = kafkaFromEnv({ clientId: 'test-topics', logger: quiet, env: { KAFKA_BROKERS: brokers.join(',') } });
  await ensureTopics(client, [...Object.values(Topics), ...Object.values(ConsumerGroups).map(deadLetterTopic)]);
};

export interface TestKafkaOptions {
  minSessionTimeoutMs?: number;
  partitions?: number;
  /**
   * Bind the broker to `host` and advertise `advertisedHost` (both loopback): a test puts a TCP
   * proxy on the advertised address. The contract's topics are then left to the test to create
   * (createContractTopics) once its proxy is up.
   */
  host?: string;
  advertisedHost?: string;
}

/**
 * A Kafka of its own for a test file: KAFKA_BROKERS (comma-separated) when set, else the broker of
 * this run's kind (BP_KAFKA, see chooseTestKafka) on free loopback ports, stopped by `stop()`.
 */
export const testKafka = async (options: TestKafkaOptions = {}): Promise<TestKafka> => {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv)
    return {
      brokers: fromEnv
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      source: 'env',
      stop: async () => {},
    };
  const { kind } = await chooseTestKafka();
  if (kind === 'apache') {
    const kafka = await startApacheKafka({
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000,
      partitions: options.partitions,
      host: options.host,
      advertisedHost: options.advertisedHost,
    });
    try {
      if (!options.advertisedHost || options.advertisedHost === options.host) await createContractTopics(kafka.brokers);
    } catch (err) {
      await kafka.stop();
      throw err;
    }
    return { brokers: kafka.brokers, source: 'apache', stop: () => kafka.stop() };
  }
  if (kind === 'testcontainers') {
    // Loaded only here: the module pulls in the whole Testcontainers client.
    const { KafkaContainer } = require('@testcontainers/kafka') as typeof import('@testcontainers/kafka');
    const container = await new KafkaContainer(KAFKA_IMAGE).withKraft().start();
    return {
      brokers: [`${container.getHost()}:${container.getMappedPort(9093)}`],
      source: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  }
  const broker = await start({
    port: 0,
    host: options.host,
    advertisedHost: options.advertisedHost,
    logger: silentLogger,
    minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000,
    defaultPartitions: options.partitions,
  });
  return { brokers: [broker.brokers], source: 'devbroker', stop: () => broker.stop() };
};
