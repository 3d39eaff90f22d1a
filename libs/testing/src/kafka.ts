import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { silentLogger, start } from '@bp/kafka-devbroker';

/** A Kafka for tests: `brokers` for a client's bootstrap list; `stop()` releases what was started. */
export interface TestKafka {
  brokers: string[];
  /** Where the Kafka comes from: the environment, a Testcontainers container, or the in-process dev broker. */
  source: 'env' | 'testcontainers' | 'devbroker';
  stop(): Promise<void>;
}

const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.6.1';

/** True when a Docker engine answers GET /_ping on its unix socket. */
const dockerAnswers = (): Promise<boolean> =>
  new Promise((resolve) => {
    const host = process.env.DOCKER_HOST ?? '';
    const socketPath = host.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return resolve(false);
    const req = get({ socketPath, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });

/**
 * A Kafka for a test file, in order of preference: KAFKA_BROKERS (comma-separated) when set; a
 * Testcontainers Kafka when a Docker engine answers (unless TESTCONTAINERS=off); else the
 * Kafka-wire dev broker (@bp/kafka-devbroker) in this process on a free port.
 */
export const testKafka = async (options: { minSessionTimeoutMs?: number } = {}): Promise<TestKafka> => {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv) return { brokers: fromEnv.split(',').map((b) => b.trim()).filter(Boolean), source: 'env', stop: async () => {} };
  if (process.env.TESTCONTAINERS !== 'off' && (await dockerAnswers())) {
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
  const broker = await start({ port: 0, logger: silentLogger, minSessionTimeoutMs: options.minSessionTimeoutMs ?? 1000 });
  return { brokers: [broker.brokers], source: 'devbroker', stop: () => broker.stop() };
};
