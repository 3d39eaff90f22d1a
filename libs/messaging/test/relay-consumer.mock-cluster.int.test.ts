import { startMockCluster } from './support/brokers';
import { relayConsumerSuite } from './support/suite';

// Cross-check on an independent Kafka implementation: librdkafka's mock cluster, hosted by kcat.
// Requires kcat (CI installs it); startMockCluster fails with the install hint when it is missing.
relayConsumerSuite('librdkafka mock cluster (kcat)', () => startMockCluster());
