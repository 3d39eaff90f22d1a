export { type ApacheKafka, type ApacheKafkaOptions, type KafkaNode, startApacheKafka } from './cluster';
export { cacheDir, ensureKafkaJars, kafkaVersion, missingPrerequisites } from './distribution';
export { freePorts } from './free-ports';
export { groupCoordinator, liveBrokers } from './probe';
