import { testKafka } from '@bp/testing';
import type { TestBroker } from './mock-cluster';

export type { TestBroker } from './mock-cluster';
export { startMockCluster } from './mock-cluster';

/** The project's test Kafka: KAFKA_BROKERS, a Testcontainers Kafka, or the in-process dev broker. */
export const startTestKafka = (): Promise<TestBroker> => testKafka();
