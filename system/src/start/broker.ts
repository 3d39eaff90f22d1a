import { join } from 'node:path';
import { missingPrerequisites, startApacheKafka } from '@bp/kafka-apache';
import { consoleLogger, start } from '@bp/kafka-devbroker';
import { LOCAL_KAFKA_PORT } from '../local-env';
import type { LocalKafka } from './args';

export interface RunningKafka {
  brokers: string;
  source: 'devbroker' | 'apache' | 'external';
  stop(): Promise<void>;
}

/**
 * Kafka: KAFKA_BROKERS when set; else the dev broker in this process (no extra process to watch)
 * with its log segments and committed offsets in `<data>/kafka`; or, with `--kafka apache`, a
 * single-node Apache Kafka (fetched with Maven on first use) with its logs in `<data>/kafka-apache`.
 * Either keeps its data across restarts.
 */
export const startKafka = async (
  data: string,
  env: NodeJS.ProcessEnv,
  kind: LocalKafka = 'devbroker',
  say: (line: string) => void = () => {},
): Promise<RunningKafka> => {
  if (env.KAFKA_BROKERS) return { brokers: env.KAFKA_BROKERS, source: 'external', stop: async () => {} };
  const port = Number(env.KAFKA_DEVBROKER_PORT ?? LOCAL_KAFKA_PORT);
  if (kind === 'apache') {
    const missing = await missingPrerequisites();
    if (missing.length) {
      throw new Error(
        `--kafka apache needs ${missing.join(' and ')} on this machine. Install them (Debian: apt-get install -y openjdk-17-jre-headless maven), or run plain \`npm start\`, which uses the dev broker and needs only Node.`,
      );
    }
    say('  Apache Kafka: fetching the broker with Maven on first use, then starting one KRaft node (a few seconds)…');
    const kafka = await startApacheKafka({ dir: join(data, 'kafka-apache'), port, partitions: 3, minSessionTimeoutMs: 6000, heap: '512m' });
    say(`  Apache Kafka ${kafka.version} answered in ${(kafka.startedInMs / 1000).toFixed(1)} s`);
    return { brokers: kafka.brokers.join(','), source: 'apache', stop: () => kafka.stop() };
  }
  const broker = await start({ port, host: '127.0.0.1', dataDir: join(data, 'kafka'), logger: consoleLogger('warn') }).catch((err: Error) => {
    throw new Error(`the dev Kafka broker could not listen on 127.0.0.1:${port} (${err.message}); set KAFKA_DEVBROKER_PORT or KAFKA_BROKERS`);
  });
  return { brokers: broker.brokers, source: 'devbroker', stop: () => broker.stop() };
};
