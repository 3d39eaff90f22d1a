import { appendFileSync } from 'node:fs';
import { ensureKafkaJars, kafkaVersion, missingPrerequisites } from '@bp/kafka-apache';
import { dockerAnswers } from './docker';

/** Which broker the Kafka-touching tests use (BP_KAFKA), decided once per run by the jest global setup. */
export type TestKafkaKind = 'apache' | 'testcontainers' | 'devbroker';

/**
 * The broker for this run: BP_KAFKA when set; else Apache Kafka when Java (and Maven, for the first
 * fetch) are here; else a Testcontainers Kafka when Docker answers; else the dev broker, with
 * `skipped` saying why. Under CI=true only an explicit BP_KAFKA=devbroker may choose the dev broker.
 */
export const chooseTestKafka = async (env = process.env): Promise<{ kind: TestKafkaKind; skipped?: string }> => {
  const forced = env.BP_KAFKA as TestKafkaKind | undefined;
  if (forced) {
    if (!['apache', 'testcontainers', 'devbroker'].includes(forced)) throw new Error(`BP_KAFKA=${forced}: expected apache, testcontainers or devbroker`);
    return { kind: forced };
  }
  const missing = await missingPrerequisites();
  if (!missing.length) return { kind: 'apache' };
  if (env.TESTCONTAINERS !== 'off' && (await dockerAnswers())) return { kind: 'testcontainers' };
  const skipped = `Apache Kafka not run: this machine lacks ${missing.join(' and ')}; the Kafka-touching tests ran on the dev broker`;
  if (env.CI === 'true') throw new Error(`${skipped}. Under CI=true that is a failure: install Java 17 and Maven (or set BP_KAFKA=devbroker on purpose).`);
  return { kind: 'devbroker', skipped };
};

/**
 * Jest global setup: chooses the run's broker, exports it as BP_KAFKA for the workers, fetches the
 * Apache Kafka jars once (so workers never race to fetch). Returns the line the run prints (and appends to BP_RESULTS_FILE).
 */
export const prepareTestKafka = async (env = process.env): Promise<string> => {
  if (env.KAFKA_BROKERS) return `Kafka for this run: KAFKA_BROKERS=${env.KAFKA_BROKERS}`;
  const { kind, skipped } = await chooseTestKafka(env);
  env.BP_KAFKA = kind;
  let line: string;
  if (kind === 'apache') {
    const version = kafkaVersion();
    await ensureKafkaJars(version);
    line = `Kafka for this run: Apache Kafka ${version} (KRaft, a broker of its own per test file)`;
  } else if (kind === 'testcontainers') line = 'Kafka for this run: Testcontainers Kafka (Docker)';
  else line = skipped ? `SKIPPED: ${skipped}` : 'Kafka for this run: the dev broker (BP_KAFKA=devbroker)';
  if (env.BP_RESULTS_FILE) appendFileSync(env.BP_RESULTS_FILE, `${line}\n`);
  return line;
};
