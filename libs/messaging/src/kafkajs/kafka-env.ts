import { Kafka, type SASLOptions } from 'kafkajs';
import type { MessagingLogger } from '../logger';
import type { KafkaClient } from '../port';
import { kafkajsClient } from './client';
import { kafkaLogCreator, kafkaLogLevelFor } from './logger';
import { noDelaySocketFactory } from './socket';

export interface KafkaFromEnvOptions {
  clientId: string;
  logger: MessagingLogger;
  env?: NodeJS.ProcessEnv;
}

const saslFromEnv = (env: NodeJS.ProcessEnv): SASLOptions | undefined => {
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (!mechanism) return undefined;
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  if (mechanism === 'plain' || mechanism === 'scram-sha-256' || mechanism === 'scram-sha-512') return { mechanism, username, password };
  throw new Error(`unsupported KAFKA_SASL_MECHANISM ${mechanism}`);
};

/**
 * The one place a Kafka client is built: brokers from `KAFKA_BROKERS` (comma list), TLS and SASL
 * from `KAFKA_SSL` / `KAFKA_SASL_*`. Whether that is a real cluster, the dev broker or a test
 * broker is the environment's business, never the service's.
 */
export const kafkaFromEnv = ({ clientId, logger, env = process.env }: KafkaFromEnvOptions): KafkaClient => {
  const brokers = (env.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set (comma-separated host:port list)');
  const sasl = saslFromEnv(env);
  return kafkajsClient(
    new Kafka({
      socketFactory: noDelaySocketFactory,
      clientId,
      brokers,
      ssl: env.KAFKA_SSL === 'true' || undefined,
      ...(sasl ? { sasl } : {}),
      logLevel: kafkaLogLevelFor(logger),
      logCreator: kafkaLogCreator(logger),
    }),
  );
};
