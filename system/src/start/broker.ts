import { join } from 'node:path';
import { consoleLogger, start } from '@bp/kafka-devbroker';
import { LOCAL_KAFKA_PORT } from '../local-env';

export interface RunningKafka {
  brokers: string;
  source: 'devbroker' | 'external';
  stop(): Promise<void>;
}

/**
 * Kafka: KAFKA_BROKERS when set, else the dev broker in this process (no extra process to watch)
 * with its log segments and committed offsets in `<data>/kafka`, so a restart keeps both.
 */
export const startKafka = async (data: string, env: NodeJS.ProcessEnv): Promise<RunningKafka> => {
  if (env.KAFKA_BROKERS) return { brokers: env.KAFKA_BROKERS, source: 'external', stop: async () => {} };
  const port = Number(env.KAFKA_DEVBROKER_PORT ?? LOCAL_KAFKA_PORT);
  const broker = await start({ port, host: '127.0.0.1', dataDir: join(data, 'kafka'), logger: consoleLogger('warn') }).catch((err: Error) => {
    throw new Error(`the dev Kafka broker could not listen on 127.0.0.1:${port} (${err.message}); set KAFKA_DEVBROKER_PORT or KAFKA_BROKERS`);
  });
  return { brokers: broker.brokers, source: 'devbroker', stop: () => broker.stop() };
};
