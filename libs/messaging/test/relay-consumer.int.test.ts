import { startTestKafka } from './support/brokers';
import { relayConsumerSuite } from './support/suite';

relayConsumerSuite('testKafka() (KAFKA_BROKERS, Testcontainers or the dev broker)', startTestKafka);
